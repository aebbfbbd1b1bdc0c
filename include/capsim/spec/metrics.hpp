// Metric time series as a Prometheus range query returns them (/api/v1/query_range, resultType
// matrix): each series' labels (with __name__ when the query kept it) and its samples.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace capsim::spec {

struct MetricSeries {
  std::map<std::string, std::string> labels;
  std::vector<std::pair<std::int64_t, double>> samples;  // (unix time in ms, value), ascending
  const std::string& label(const std::string& key) const {
    static const std::string none;
    auto it = labels.find(key);
    return it == labels.end() ? none : it->second;
  }
};

}  // namespace capsim::spec
