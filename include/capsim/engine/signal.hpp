// Signal<T>: a synchronous, single-threaded observer list. Observers (reports, logs) connect a
// slot; emit() calls the slots in connection order, so the order of observations is deterministic.
// Slots connected during an emit are first called by the next emit; slots disconnected during an
// emit are not called again, even later in the same emit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <utility>
#include <deque>

namespace capsim::engine {

using ConnectionId = std::uint64_t;  // never 0; unique per signal

template <typename T>
class Signal {
 public:
  using Slot = std::function<void(const T&)>;

  ConnectionId connect(Slot slot) {
    const ConnectionId id = m_next_id++;
    m_slots.push_back(Entry{id, std::move(slot), true});
    ++m_connected;
    return id;
  }

  // False when the id is unknown or already disconnected.
  bool disconnect(ConnectionId id) {
    for (auto& e : m_slots) {
      if (e.id == id && e.active) {
        e.active = false;  // destroyed later: the slot may be running right now
        --m_connected;
        m_has_holes = true;
        compact_if_idle();
        return true;
      }
    }
    return false;
  }

  void emit(const T& value) {
    ++m_emitting;
    struct Guard {
      Signal* s;
      ~Guard() {
        --s->m_emitting;
        s->compact_if_idle();
      }
    } guard{this};
    const std::size_t n = m_slots.size();  // slots connected meanwhile wait for the next emit
    for (std::size_t i = 0; i < n; ++i) {
      // A deque keeps element addresses stable when a slot connects another one.
      const Entry& e = m_slots[i];
      if (e.active && e.fn) e.fn(value);
    }
  }

  std::size_t size() const { return m_connected; }
  bool empty() const { return m_connected == 0; }

 private:
  struct Entry {
    ConnectionId id;
    Slot fn;
    bool active;
  };

  void compact_if_idle() {
    if (m_emitting != 0 || !m_has_holes) return;
    std::erase_if(m_slots, [](const Entry& e) { return !e.active; });
    m_has_holes = false;
  }

  std::deque<Entry> m_slots;  // connection order
  ConnectionId m_next_id{1};
  std::size_t m_connected{0};
  int m_emitting{0};
  bool m_has_holes{false};
};

}  // namespace capsim::engine
