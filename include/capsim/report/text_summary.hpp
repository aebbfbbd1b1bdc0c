// The human terminal summary of a run: header line, per autoscaler a metrics table, launches and
// terminations with clock times, then expectations with PASS/FAIL. Plain ASCII, no colours.
#pragma once

#include <cstddef>
#include <string>

namespace capsim::sim {
struct RunResult;
struct AutoscalerResult;
}  // namespace capsim::sim

namespace capsim::report {

// Deterministic: depends only on `run`. Lines end with '\n' and carry no trailing spaces.
std::string text_summary(const sim::RunResult& run);

// "\nnot modelled (these can change the answer):\n  <place>: <message> (N places, the first shown)\n..."
// for what the scenario holds that is not modelled; "" when nothing. Both the summary and the
// compare table carry it.
std::string not_modelled_text(const sim::RunResult& run);

// "<indent>pending pods by workload (...):\n<indent>  Deployment web: 21 pending at end; <reason>\n..."
// for an autoscaler's run; "" when every pod ran without a long wait.
std::string pending_workloads_text(const sim::AutoscalerResult& r, std::size_t indent);

}  // namespace capsim::report
