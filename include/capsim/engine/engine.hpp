// The discrete-event engine: the simulation clock and an event queue ordered by
// (time, phase, seq), with O(log n) schedule, O(1) lazy cancel and stall detection.
// It knows nothing of Kubernetes; callers attach meaning to phases and handlers.
//
// Ordering (DESIGN.md section 4): events run in increasing time; inside one instant in phase
// order (cloud -> workload -> scheduler -> autoscaler -> metrics); inside one (time, phase) in
// scheduling order, by `seq`, a per-engine counter. Nothing is ever ordered by pointer or address.
//
// Scheduling from inside a handler:
// - at a later time: runs when the clock gets there;
// - at the current instant and the same or a later phase: runs in this instant, after every
//   event already queued for that (time, phase) (its seq is larger);
// - at the current instant but an *earlier* phase: still runs in this instant, and before any
//   remaining event of a later phase, because the queue is ordered by (time, phase, seq) and
//   everything before it has already run. Phases are an ordering key, not passes over the queue:
//   the clock never goes back and an instant is not re-entered from its first phase.
// A handler that keeps scheduling work at the current instant is a livelock; more than
// `stall_limit` events at one instant throw InvariantError ("stall at t=00:05:30.000: ...") before
// the next event runs (it stays queued).
// An exception thrown by a handler propagates out of run_next / run_until; that event counts as
// run and the queue stays consistent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "capsim/core/time.hpp"

namespace capsim::engine {

// Fixes the order of events inside one instant.
enum class Phase : std::uint8_t { cloud = 0, workload = 1, scheduler = 2, autoscaler = 3, metrics = 4 };

// "cloud", "workload", "scheduler", "autoscaler", "metrics".
std::string_view phase_name(Phase p);

// Identifies a scheduled event for cancel(). Ids are never reused by one engine: a stale id (the
// event ran or was cancelled) stays invalid even after its storage slot is recycled.
struct EventId {
  std::uint32_t slot{0};
  std::uint64_t seq{0};  // 0 is never issued, so a default EventId is invalid
  bool operator==(const EventId&) const = default;
};

struct EngineOptions {
  SimTime start{};                        // the clock's initial value
  std::size_t stall_limit{1'000'000};     // max events run at one instant before InvariantError
};

class Engine {
 public:
  static constexpr std::size_t k_default_stall_limit = 1'000'000;

  Engine() = default;
  explicit Engine(EngineOptions options);

  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  Engine(Engine&&) = default;
  Engine& operator=(Engine&&) = default;

  // Queues `fn` at `at` (>= now(), else CAPSIM_ASSERT fails) in `phase`.
  EventId schedule(SimTime at, Phase phase, std::function<void()> fn);
  // Queues `fn` at now() + d (d >= 0).
  EventId schedule_after(Duration d, Phase phase, std::function<void()> fn);
  // Removes a pending event; false when the id is unknown, already ran or was cancelled.
  // O(1): the heap entry is dropped lazily when it reaches the top.
  bool cancel(EventId id);

  SimTime now() const { return m_now; }
  // Time of the earliest pending event, if any.
  std::optional<SimTime> next_time() const;
  // Runs the earliest pending event (advancing the clock to its time); false when none is pending.
  bool run_next();
  // Runs every event with time <= until in (time, phase, seq) order, including those scheduled by
  // handlers meanwhile, then sets now() = until (until >= now(), else CAPSIM_ASSERT fails).
  // Returns the number of events run.
  std::size_t run_until(SimTime until);

  // Events queued and not cancelled.
  std::size_t pending() const { return m_live; }
  // Events run since construction.
  std::uint64_t events_run() const { return m_events_run; }
  std::size_t stall_limit() const { return m_stall_limit; }
  void set_stall_limit(std::size_t limit) { m_stall_limit = limit; }

 private:
  // 24 bytes; phase and seq share one key so a comparison is two integer compares.
  struct Entry {
    std::int64_t time_ms;
    std::uint64_t phase_seq;  // phase in the top 8 bits, seq in the low 56
    std::uint32_t slot;
  };
  struct Slot {
    std::function<void()> fn;
    std::uint64_t seq{0};  // seq of the event occupying the slot; 0 when free
    std::uint32_t next_free{0};
  };
  static constexpr std::uint32_t k_no_slot = 0xFFFFFFFFu;
  static constexpr int k_seq_bits = 56;
  static constexpr std::uint64_t k_seq_mask = (std::uint64_t{1} << k_seq_bits) - 1;

  static bool later(const Entry& a, const Entry& b) {
    return a.time_ms != b.time_ms ? a.time_ms > b.time_ms : a.phase_seq > b.phase_seq;
  }
  bool is_live(const Entry& e) const { return m_slots[e.slot].seq == (e.phase_seq & k_seq_mask); }
  std::uint32_t acquire_slot();
  void release_slot(std::uint32_t slot);
  void heap_push(const Entry& e);
  void heap_pop();
  void sift_down(std::size_t i, const Entry& e);
  void drop_stale_top();
  void compact();
  void run_top();

  SimTime m_now{};
  std::uint64_t m_next_seq{1};
  std::vector<Entry> m_heap;  // binary min-heap by (time, phase, seq); may hold stale entries
  std::vector<Slot> m_slots;
  std::uint32_t m_free_head{k_no_slot};
  std::size_t m_live{0};
  std::size_t m_stale{0};  // cancelled entries still in m_heap
  std::uint64_t m_events_run{0};
  std::size_t m_stall_limit{k_default_stall_limit};
  std::int64_t m_instant_ms{0};     // instant of the last event run
  std::size_t m_instant_count{0};   // events run at m_instant_ms
  bool m_any_run{false};
};

}  // namespace capsim::engine
