// A migration's two controllers report their passes as one run (policy/handover.hpp).
#include <catch2/catch.hpp>

#include "capsim/policy/handover.hpp"

using namespace capsim;
using namespace capsim::policy;

namespace {

// A controller that only reports the passes it was given.
struct Recorded final : Autoscaler {
  ControllerStats stats;
  std::string_view name() const override { return "recorded"; }
  void on_pods_unschedulable(const std::vector<cluster::PodId>&, SimTime) override {}
  std::optional<SimTime> next_wakeup() const override { return std::nullopt; }
  Actions reconcile(const View&) override { return {}; }
  const ControllerStats* controller_stats() const override { return &stats; }
};

}  // namespace

TEST_CASE("handover: the result's controller time has both controllers' passes, the first's first") {
  auto before = std::make_unique<Recorded>();
  before->stats.controller = "loop";
  before->stats.model = "typical";
  before->stats.pass_ms = {120, 80};
  before->stats.evaluated = {0, 0};
  before->stats.scale_down_timeouts = 1;
  before->stats.typical_max_ms = 120;
  auto after = std::make_unique<Recorded>();
  after->stats.controller = "disruption";
  after->stats.model = "typical";
  after->stats.pass_ms = {4'000};
  after->stats.evaluated = {176};
  after->stats.single_node_timeouts = 2;
  after->stats.typical_max_ms = 4'000;
  Handover h(std::move(before), std::move(after), SimTime{0} + Duration::minutes(10));
  const ControllerStats* s = h.controller_stats();
  REQUIRE(s);
  CHECK(s->controller == "loop then disruption");
  CHECK(s->model == "typical");
  CHECK(s->pass_ms == std::vector<std::int64_t>{120, 80, 4'000});
  CHECK(s->evaluated == std::vector<std::int64_t>{0, 0, 176});
  CHECK(s->scale_down_timeouts == 1);
  CHECK(s->single_node_timeouts == 2);
  CHECK(s->typical_max_ms == 4'000);
}
