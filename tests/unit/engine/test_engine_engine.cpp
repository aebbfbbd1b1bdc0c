// Engine: (time, phase, seq) ordering, cancel, run_until boundaries, handlers that schedule,
// stall detection and determinism.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "capsim/core/diagnostic.hpp"
#include "capsim/core/rng.hpp"
#include "capsim/engine/engine.hpp"

using capsim::Duration;
using capsim::SimTime;
using capsim::engine::Engine;
using capsim::engine::EngineOptions;
using capsim::engine::EventId;
using capsim::engine::Phase;

namespace {
SimTime at_ms(std::int64_t ms) { return SimTime{ms}; }
}  // namespace

TEST_CASE("events run by time, then phase, then scheduling order", "[engine]") {
  Engine eng;
  std::vector<std::string> log;
  auto rec = [&log](std::string s) { return [&log, s] { log.push_back(s); }; };
  eng.schedule(at_ms(2000), Phase::cloud, rec("t2-cloud"));
  eng.schedule(at_ms(1000), Phase::metrics, rec("t1-metrics"));
  eng.schedule(at_ms(1000), Phase::scheduler, rec("t1-scheduler-a"));
  eng.schedule(at_ms(1000), Phase::cloud, rec("t1-cloud"));
  eng.schedule(at_ms(1000), Phase::scheduler, rec("t1-scheduler-b"));
  eng.schedule(at_ms(1000), Phase::workload, rec("t1-workload"));
  eng.schedule(at_ms(1000), Phase::autoscaler, rec("t1-autoscaler"));
  eng.schedule(at_ms(1000), Phase::scheduler, rec("t1-scheduler-c"));
  eng.schedule(at_ms(0), Phase::metrics, rec("t0-metrics"));
  REQUIRE(eng.pending() == 9);
  REQUIRE(eng.next_time() == at_ms(0));

  CHECK(eng.run_until(at_ms(5000)) == 9);
  CHECK(log == std::vector<std::string>{"t0-metrics", "t1-cloud", "t1-workload", "t1-scheduler-a", "t1-scheduler-b",
                                        "t1-scheduler-c", "t1-autoscaler", "t1-metrics", "t2-cloud"});
  CHECK(eng.pending() == 0);
  CHECK(eng.events_run() == 9);
  CHECK(eng.now() == at_ms(5000));
  CHECK_FALSE(eng.next_time().has_value());
}

TEST_CASE("run_next advances the clock one event at a time", "[engine]") {
  Engine eng(EngineOptions{at_ms(100), 1000});
  CHECK(eng.now() == at_ms(100));
  CHECK_FALSE(eng.run_next());
  std::vector<std::int64_t> seen;
  eng.schedule_after(Duration::seconds(1), Phase::workload, [&] { seen.push_back(eng.now().ms); });
  eng.schedule(at_ms(100), Phase::workload, [&] { seen.push_back(eng.now().ms); });
  REQUIRE(eng.next_time() == at_ms(100));
  CHECK(eng.run_next());
  CHECK(eng.now() == at_ms(100));
  CHECK(eng.next_time() == at_ms(1100));
  CHECK(eng.run_next());
  CHECK(eng.now() == at_ms(1100));
  CHECK_FALSE(eng.run_next());
  CHECK(seen == std::vector<std::int64_t>{100, 1100});
}

TEST_CASE("cancel removes a pending event exactly once", "[engine]") {
  Engine eng;
  std::vector<int> ran;
  EventId a = eng.schedule(at_ms(10), Phase::cloud, [&] { ran.push_back(1); });
  EventId b = eng.schedule(at_ms(20), Phase::cloud, [&] { ran.push_back(2); });
  EventId c = eng.schedule(at_ms(30), Phase::cloud, [&] { ran.push_back(3); });
  CHECK(eng.pending() == 3);

  CHECK(eng.cancel(a));
  CHECK_FALSE(eng.cancel(a));  // already cancelled
  CHECK(eng.pending() == 2);
  CHECK(eng.next_time() == at_ms(20));  // the cancelled head no longer counts

  CHECK(eng.run_next());
  CHECK(ran == std::vector<int>{2});
  CHECK_FALSE(eng.cancel(b));  // already ran
  CHECK_FALSE(eng.cancel(EventId{}));  // never issued
  CHECK_FALSE(eng.cancel(EventId{999, 5}));  // unknown slot

  // The slots of a and b are recycled; their stale ids must not cancel the new events.
  EventId d = eng.schedule(at_ms(40), Phase::cloud, [&] { ran.push_back(4); });
  EventId e = eng.schedule(at_ms(50), Phase::cloud, [&] { ran.push_back(5); });
  CHECK((d.slot == a.slot || d.slot == b.slot));
  CHECK_FALSE(eng.cancel(a));
  CHECK_FALSE(eng.cancel(b));
  CHECK(eng.cancel(e));
  CHECK(eng.pending() == 2);
  (void)c;

  eng.run_until(at_ms(100));
  CHECK(ran == std::vector<int>{2, 3, 4});
  CHECK(eng.pending() == 0);
}

TEST_CASE("a handler may cancel a later event of the same instant", "[engine]") {
  Engine eng;
  std::vector<int> ran;
  EventId later{};
  eng.schedule(at_ms(5), Phase::workload, [&] {
    ran.push_back(1);
    CHECK(eng.cancel(later));
  });
  later = eng.schedule(at_ms(5), Phase::scheduler, [&] { ran.push_back(2); });
  eng.schedule(at_ms(5), Phase::metrics, [&] { ran.push_back(3); });
  CHECK(eng.run_until(at_ms(5)) == 2);
  CHECK(ran == std::vector<int>{1, 3});
}

TEST_CASE("mass cancellation compacts the queue without changing the order", "[engine]") {
  Engine eng;
  std::vector<EventId> ids;
  std::vector<std::int64_t> ran;
  for (int i = 0; i < 10'000; ++i) {
    const std::int64_t t = (i * 7919) % 10'000;
    ids.push_back(eng.schedule(at_ms(t), Phase::workload, [&ran, t] { ran.push_back(t); }));
  }
  for (int i = 0; i < 10'000; ++i)
    if (i % 10 != 0) REQUIRE(eng.cancel(ids[static_cast<std::size_t>(i)]));
  CHECK(eng.pending() == 1000);
  CHECK(eng.run_until(at_ms(10'000)) == 1000);
  REQUIRE(ran.size() == 1000);
  for (std::size_t i = 1; i < ran.size(); ++i) CHECK(ran[i - 1] <= ran[i]);
}

TEST_CASE("run_until includes events exactly at the boundary and sets the clock", "[engine]") {
  Engine eng;
  std::vector<std::int64_t> ran;
  for (std::int64_t t : {999, 1000, 1001}) eng.schedule(at_ms(t), Phase::metrics, [&ran, t] { ran.push_back(t); });

  CHECK(eng.run_until(at_ms(998)) == 0);
  CHECK(eng.now() == at_ms(998));
  CHECK(eng.run_until(at_ms(1000)) == 2);
  CHECK(ran == std::vector<std::int64_t>{999, 1000});
  CHECK(eng.now() == at_ms(1000));
  CHECK(eng.pending() == 1);
  CHECK(eng.run_until(at_ms(1000)) == 0);  // idempotent at the same instant
  CHECK(eng.run_until(at_ms(5000)) == 1);
  CHECK(eng.now() == at_ms(5000));
  // An empty queue still moves the clock.
  CHECK(eng.run_until(at_ms(9000)) == 0);
  CHECK(eng.now() == at_ms(9000));
}

TEST_CASE("scheduling in the past or running backwards is a broken invariant", "[engine]") {
  Engine eng;
  eng.run_until(at_ms(1000));
  CHECK_THROWS_AS(eng.schedule(at_ms(999), Phase::cloud, [] {}), capsim::InvariantError);
  CHECK_THROWS_WITH(eng.schedule(at_ms(999), Phase::cloud, [] {}),
                    Catch::Contains("at t=00:00:00.999 while now is t=00:00:01.000 (phase cloud)"));
  CHECK_THROWS_AS(eng.schedule_after(Duration::millis(-1), Phase::cloud, [] {}), capsim::InvariantError);
  CHECK_THROWS_AS(eng.run_until(at_ms(10)), capsim::InvariantError);
  CHECK(eng.pending() == 0);
  CHECK_NOTHROW(eng.schedule(at_ms(1000), Phase::cloud, [] {}));  // now itself is fine
}

TEST_CASE("handlers scheduling more events", "[engine]") {
  Engine eng;
  std::vector<std::string> log;
  auto note = [&](const std::string& s) { log.push_back(std::to_string(eng.now().ms) + " " + s); };

  eng.schedule(at_ms(100), Phase::scheduler, [&] {
    note("scheduler");
    // Same instant, later phase: runs in this instant after the queued autoscaler event.
    eng.schedule(eng.now(), Phase::metrics, [&] { note("metrics (from scheduler)"); });
    // Same instant and phase: after the events already queued at (100, scheduler).
    eng.schedule(eng.now(), Phase::scheduler, [&] { note("scheduler again"); });
    // Same instant, earlier phase: still runs in this instant, before the remaining later phases.
    eng.schedule(eng.now(), Phase::cloud, [&] { note("cloud (from scheduler)"); });
    // Later instants.
    eng.schedule_after(Duration::millis(50), Phase::cloud, [&] { note("cloud +50"); });
    eng.schedule_after(Duration::millis(0), Phase::workload, [&] { note("workload +0"); });
  });
  eng.schedule(at_ms(100), Phase::scheduler, [&] { note("scheduler 2"); });
  eng.schedule(at_ms(100), Phase::autoscaler, [&] { note("autoscaler"); });
  eng.schedule(at_ms(120), Phase::cloud, [&] { note("cloud 120"); });

  CHECK(eng.run_until(at_ms(200)) == 9);
  CHECK(log == std::vector<std::string>{"100 scheduler", "100 cloud (from scheduler)", "100 workload +0",
                                        "100 scheduler 2", "100 scheduler again", "100 autoscaler",
                                        "100 metrics (from scheduler)", "120 cloud 120", "150 cloud +50"});
}

TEST_CASE("run_until runs events that handlers add inside the window only", "[engine]") {
  Engine eng;
  int chain = 0;
  std::function<void()> tick = [&] {
    ++chain;
    eng.schedule_after(Duration::seconds(10), Phase::autoscaler, tick);
  };
  eng.schedule(at_ms(0), Phase::autoscaler, tick);
  CHECK(eng.run_until(at_ms(60'000)) == 7);  // t = 0, 10, ..., 60 s
  CHECK(chain == 7);
  CHECK(eng.pending() == 1);
  CHECK(eng.next_time() == at_ms(70'000));
}

TEST_CASE("stall detection reports the simulated time and phase", "[engine]") {
  Engine eng(EngineOptions{SimTime{}, 100});
  std::function<void()> spin = [&] { eng.schedule(eng.now(), Phase::autoscaler, spin); };
  eng.schedule(at_ms(330'000), Phase::autoscaler, spin);
  CHECK_THROWS_AS(eng.run_until(at_ms(400'000)), capsim::InvariantError);

  Engine eng2(EngineOptions{SimTime{}, 100});
  std::function<void()> spin2 = [&] { eng2.schedule(eng2.now(), Phase::autoscaler, spin2); };
  eng2.schedule(at_ms(330'000), Phase::autoscaler, spin2);
  try {
    eng2.run_until(at_ms(400'000));
    FAIL("no stall detected");
  } catch (const capsim::InvariantError& e) {
    CHECK(std::string(e.what()) ==
          "stall at t=00:05:30.000: more than 100 events ran at this instant (phase autoscaler next); "
          "a handler keeps scheduling work at the current time");
  }
  CHECK(eng2.events_run() == 100);
  CHECK(eng2.now() == at_ms(330'000));
}

TEST_CASE("the stall limit counts one instant only", "[engine]") {
  Engine eng(EngineOptions{SimTime{}, 3});
  CHECK(eng.stall_limit() == 3);
  for (int t = 0; t < 4; ++t)
    for (int k = 0; k < 3; ++k) eng.schedule(at_ms(t), Phase::workload, [] {});
  CHECK(eng.run_until(at_ms(10)) == 12);  // 3 per instant is within the limit
  for (int k = 0; k < 4; ++k) eng.schedule(at_ms(20), Phase::workload, [] {});
  CHECK_THROWS_WITH(eng.run_until(at_ms(30)), Catch::StartsWith("stall at t=00:00:00.020: more than 3 events"));
  eng.set_stall_limit(10);
  CHECK(eng.run_until(at_ms(30)) == 1);
  CHECK(Engine{}.stall_limit() == Engine::k_default_stall_limit);
}

namespace {
// A pseudo-random workload with cancellations and handler-scheduled follow-ups; returns the log.
std::vector<std::string> random_run(std::uint64_t seed) {
  Engine eng;
  capsim::Rng rng(seed, "engine-test");
  std::vector<std::string> log;
  std::vector<EventId> ids;
  for (int i = 0; i < 2000; ++i) {
    const SimTime t{rng.uniform_int(0, 5000)};
    const auto phase = static_cast<Phase>(rng.uniform_int(0, 4));
    ids.push_back(eng.schedule(t, phase, [&eng, &log, &rng, i] {
      log.push_back(std::to_string(eng.now().ms) + "/" + std::to_string(i));
      if (rng.bernoulli(0.3))
        eng.schedule_after(Duration::millis(rng.uniform_int(0, 100)), static_cast<Phase>(rng.uniform_int(0, 4)),
                           [&eng, &log, i] { log.push_back(std::to_string(eng.now().ms) + "/child" + std::to_string(i)); });
    }));
  }
  for (const EventId& id : ids)
    if (rng.bernoulli(0.1)) eng.cancel(id);
  eng.run_until(SimTime{10'000});
  return log;
}
}  // namespace

TEST_CASE("two runs with the same inputs produce identical logs", "[engine]") {
  const auto a = random_run(42);
  const auto b = random_run(42);
  CHECK(a.size() > 1500);
  CHECK(a == b);
  CHECK(random_run(43) != a);
}
