#include "capsim/engine/engine.hpp"

#include <string>
#include <vector>
#include <utility>

#include "capsim/core/diagnostic.hpp"

namespace capsim::engine {

std::string_view phase_name(Phase p) {
  switch (p) {
    case Phase::cloud: return "cloud";
    case Phase::workload: return "workload";
    case Phase::scheduler: return "scheduler";
    case Phase::autoscaler: return "autoscaler";
    case Phase::metrics: return "metrics";
  }
  return "unknown";
}

Engine::Engine(EngineOptions options) : m_now(options.start), m_stall_limit(options.stall_limit) {}

EventId Engine::schedule(SimTime at, Phase phase, std::function<void()> fn) {
  CAPSIM_ASSERT(at >= m_now, "event scheduled in the past: at t=" + format_clock(at) + " while now is t=" +
                                 format_clock(m_now) + " (phase " + std::string(phase_name(phase)) + ")");
  CAPSIM_ASSERT(m_next_seq <= k_seq_mask, "event sequence counter exhausted");
  const std::uint64_t seq = m_next_seq++;
  const std::uint32_t slot = acquire_slot();
  m_slots[slot].fn = std::move(fn);
  m_slots[slot].seq = seq;
  heap_push(Entry{at.ms, (static_cast<std::uint64_t>(phase) << k_seq_bits) | seq, slot});
  ++m_live;
  return EventId{slot, seq};
}

EventId Engine::schedule_after(Duration d, Phase phase, std::function<void()> fn) {
  CAPSIM_ASSERT(d.ms >= 0, "negative delay " + std::to_string(d.ms) + " ms at t=" + format_clock(m_now));
  return schedule(m_now + d, phase, std::move(fn));
}

bool Engine::cancel(EventId id) {
  if (id.seq == 0 || id.slot >= m_slots.size() || m_slots[id.slot].seq != id.seq) return false;
  release_slot(id.slot);
  --m_live;
  ++m_stale;
  drop_stale_top();
  // Many cancellations leave many stale entries: rebuild once they outnumber the live ones.
  if (m_heap.size() > 2 * m_live + 1024) compact();
  return true;
}

std::optional<SimTime> Engine::next_time() const {
  if (m_heap.empty()) return std::nullopt;  // the top is always live (drop_stale_top)
  return SimTime{m_heap.front().time_ms};
}

bool Engine::run_next() {
  if (m_heap.empty()) return false;
  run_top();
  return true;
}

std::size_t Engine::run_until(SimTime until) {
  CAPSIM_ASSERT(until >= m_now, "run_until(t=" + format_clock(until) + ") is before now t=" + format_clock(m_now));
  std::size_t n = 0;
  while (!m_heap.empty() && m_heap.front().time_ms <= until.ms) {
    run_top();
    ++n;
  }
  m_now = until;
  return n;
}

void Engine::run_top() {
  const Entry top = m_heap.front();
  const auto phase = static_cast<Phase>(top.phase_seq >> k_seq_bits);
  if (m_any_run && top.time_ms == m_instant_ms) {
    ++m_instant_count;
  } else {
    m_instant_ms = top.time_ms;
    m_instant_count = 1;
    m_any_run = true;
  }
  if (m_instant_count > m_stall_limit) {
    m_instant_count = m_stall_limit;  // retrying throws again unless the limit is raised
    throw InvariantError("stall at t=" + format_clock(SimTime{top.time_ms}) + ": more than " +
                         std::to_string(m_stall_limit) + " events ran at this instant (phase " +
                         std::string(phase_name(phase)) +
                         " next); a handler keeps scheduling work at the current time");
  }
  heap_pop();
  std::function<void()> fn = std::move(m_slots[top.slot].fn);
  release_slot(top.slot);
  --m_live;
  drop_stale_top();
  m_now = SimTime{top.time_ms};
  ++m_events_run;
  if (fn) fn();
}

std::uint32_t Engine::acquire_slot() {
  if (m_free_head != k_no_slot) {
    const std::uint32_t s = m_free_head;
    m_free_head = m_slots[s].next_free;
    return s;
  }
  CAPSIM_ASSERT(m_slots.size() < k_no_slot, "too many pending events");
  m_slots.emplace_back();
  return static_cast<std::uint32_t>(m_slots.size() - 1);
}

void Engine::release_slot(std::uint32_t slot) {
  Slot& s = m_slots[slot];
  s.fn = nullptr;
  s.seq = 0;
  s.next_free = m_free_head;
  m_free_head = slot;
}

// Hole-based sift up / down: one copy per level instead of a swap.
void Engine::heap_push(const Entry& e) {
  m_heap.push_back(e);
  std::size_t i = m_heap.size() - 1;
  while (i > 0) {
    const std::size_t parent = (i - 1) / 2;
    if (!later(m_heap[parent], e)) break;
    m_heap[i] = m_heap[parent];
    i = parent;
  }
  m_heap[i] = e;
}

// Bottom-up pop: move the hole at the root down to a leaf along the smaller children (one
// comparison per level), then sift the former last entry up from there. With random keys the
// last entry belongs near the bottom, so this halves the comparisons of a classic sift-down.
void Engine::heap_pop() {
  const Entry last = m_heap.back();
  m_heap.pop_back();
  const std::size_t n = m_heap.size();
  if (n == 0) return;
  std::size_t i = 0;
  for (;;) {
    std::size_t child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && later(m_heap[child], m_heap[child + 1])) ++child;
    m_heap[i] = m_heap[child];
    i = child;
  }
  while (i > 0) {
    const std::size_t parent = (i - 1) / 2;
    if (!later(m_heap[parent], last)) break;
    m_heap[i] = m_heap[parent];
    i = parent;
  }
  m_heap[i] = last;
}

// Places `e` in the hole at `i`, moving smaller children up.
void Engine::sift_down(std::size_t i, const Entry& e) {
  const std::size_t n = m_heap.size();
  for (;;) {
    std::size_t child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && later(m_heap[child], m_heap[child + 1])) ++child;
    if (!later(e, m_heap[child])) break;
    m_heap[i] = m_heap[child];
    i = child;
  }
  m_heap[i] = e;
}

void Engine::drop_stale_top() {
  // Without cancellations every entry is live: skip the (cache-missing) slot lookup.
  while (m_stale > 0 && !m_heap.empty() && !is_live(m_heap.front())) {
    heap_pop();
    --m_stale;
  }
}

void Engine::compact() {
  std::erase_if(m_heap, [this](const Entry& e) { return !is_live(e); });
  m_stale = 0;
  // Floyd's heapify; pop order depends only on the (unique) keys, never on the layout.
  for (std::size_t i = m_heap.size() / 2; i-- > 0;) sift_down(i, Entry{m_heap[i]});
}

}  // namespace capsim::engine
