// The human terminal summary of a run: header line, per autoscaler a metrics table, launches and
// terminations with clock times, then expectations with PASS/FAIL. Plain ASCII, no colours.
#pragma once

#include <string>

namespace capsim::sim {
struct RunResult;
}  // namespace capsim::sim

namespace capsim::report {

// Deterministic: depends only on `run`. Lines end with '\n' and carry no trailing spaces.
std::string text_summary(const sim::RunResult& run);

// "\nnot modelled (these can change the answer):\n  <place>: <message> (N places, the first shown)\n..."
// for what the scenario holds that is not modelled; "" when nothing. Both the summary and the
// compare table carry it.
std::string not_modelled_text(const sim::RunResult& run);

}  // namespace capsim::report
