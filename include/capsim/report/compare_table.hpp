// `capsim compare`'s terminal view: the autoscalers of one run side by side, one column each,
// one row per metric (nodes, cost with its monthly figure - report::monthly_usd, as capsim check's
// reports give it - and its ratio to the lower bound, pod pending time, disruptions, spot share),
// then the expectations. Plain ASCII, no colours.
#pragma once

#include <string>

namespace capsim::sim {
struct RunResult;
}  // namespace capsim::sim

namespace capsim::report {

// Deterministic: depends only on `run`. Lines end with '\n' and carry no trailing spaces.
// Values that do not apply print as "-": for the lower bound the node counts, launches,
// terminations, evictions and pending times (its node-hours are fractional instance-hours); the
// ratio row appears when some result has a ratio to a lower bound. Instance-type and
// termination-reason rows are the union over the results, in byte order.
std::string compare_table(const sim::RunResult& run);

}  // namespace capsim::report
