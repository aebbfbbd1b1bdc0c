#include "report/decision_rows.hpp"

#include <map>

#include "capsim/sim/result.hpp"

namespace capsim::report::detail {

namespace {

std::string joined(const std::vector<std::string>& xs) {
  std::string s;
  for (const auto& x : xs) s += x + '\x1f';
  return s;
}

std::string subject_of(const sim::Decision& d, const std::string& autoscaler) {
  return autoscaler + '\x1e' + d.kind + '\x1e' + joined(d.nodes) + '\x1e' + joined(d.pods);
}

std::string key_of(const sim::Decision& d, const std::string& autoscaler) {
  return subject_of(d, autoscaler) + '\x1e' + d.reason + '\x1e' + d.node_pool + '\x1e' + joined(d.instance_types) + '\x1e' +
         d.message;
}

std::string short_clock(SimTime t) {
  const std::string c = format_clock(t);
  return c.ends_with(".000") ? c.substr(0, c.size() - 4) : c;
}

}  // namespace

std::vector<DecisionRow> collapse_decisions(const std::vector<sim::Decision>& decisions, const std::string& autoscaler) {
  std::vector<DecisionRow> rows;
  std::map<std::string, std::size_t> open;          // key -> its row, while the run lasts
  std::map<std::string, std::string> answer;        // subject -> the key of its open run
  for (const auto& d : decisions) {
    const std::string who = d.autoscaler.empty() ? autoscaler : d.autoscaler;
    const std::string key = key_of(d, who);
    if (auto it = open.find(key); it != open.end()) {
      ++rows[it->second].count;
      rows[it->second].last = d.at;
      continue;
    }
    const std::string subject = subject_of(d, who);
    if (auto a = answer.find(subject); a != answer.end()) open.erase(a->second);  // the answer changed
    answer[subject] = key;
    open[key] = rows.size();
    rows.push_back(DecisionRow{&d, who, 1, d.at});
  }
  return rows;
}

std::string repeat_text(const DecisionRow& row) {
  if (row.count < 2) return {};
  return "\u00d7 " + std::to_string(row.count) + ", " + short_clock(row.first->at) + "\u2013" + short_clock(row.last);
}

}  // namespace capsim::report::detail
