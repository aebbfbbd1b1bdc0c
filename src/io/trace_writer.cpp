#include "capsim/io/trace_writer.hpp"

#include <nlohmann/json.hpp>

namespace capsim::io {
namespace {

// RFC 4180: quoted when the field holds a comma, a quote or a line break.
void append_csv_field(std::string& out, const std::string& f) {
  if (f.find_first_of(",\"\r\n") == std::string::npos) {
    out += f;
    return;
  }
  out += '"';
  for (char c : f) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

template <class Map>
std::string pairs(const Map& m) {
  std::string s;
  for (const auto& [k, v] : m) s += (s.empty() ? "" : ";") + k + "=" + v;
  return s;
}

// The compact toleration syntax of the CSV format.
std::string compact_toleration(const Toleration& t) {
  std::string s = t.key;
  if (!t.op_exists) s += "=" + t.value;
  if (t.effect) s += ":" + std::string(taint_effect_name(*t.effect));
  else if (t.key.empty()) s += ":Exists";
  return s;
}

std::string requests_field(const ResourceList& r, Resource res) {
  const Quantity q = r.get(res);
  if (q.milli == 0) return "";
  return res == Resource::memory ? format_bytes(q) : format_cpu(q);
}

}  // namespace

std::string format_trace_seconds(Duration d) {
  std::string s = std::to_string(d.ms / 1000);
  if (const std::int64_t frac = d.ms % 1000) {
    std::string f = std::to_string(frac);
    f = std::string(3 - f.size(), '0') + f;
    while (f.back() == '0') f.pop_back();
    s += "." + f;
  }
  return s;
}

std::string trace_header(TraceFormat fmt) {
  if (fmt != TraceFormat::csv) return "";
  return "time,pod,event,namespace,cpu,memory,gpu,labels,node_selector,tolerations,owner,priority\n";
}

void append_trace_record(std::string& out, const spec::TraceEvent& e, TraceFormat fmt) {
  const bool create = e.kind == spec::TraceEventKind::create;
  if (fmt == TraceFormat::csv) {
    out += format_trace_seconds(e.at);
    out += ',';
    append_csv_field(out, e.pod);
    out += create ? ",create," : ",delete,";
    append_csv_field(out, e.namespace_);
    if (!create) {
      out += ",,,,,,,,\n";
      return;
    }
    std::string tols;
    for (const auto& t : e.tolerations) tols += (tols.empty() ? "" : ";") + compact_toleration(t);
    for (const std::string& f : {requests_field(e.requests, Resource::cpu), requests_field(e.requests, Resource::memory),
                                 requests_field(e.requests, Resource::nvidia_gpu), pairs(e.labels), pairs(e.node_selector),
                                 tols, e.owner, e.priority ? std::to_string(e.priority) : std::string()}) {
      out += ',';
      append_csv_field(out, f);
    }
    out += '\n';
    return;
  }
  // JSONL: keys in a fixed order; the time as a number with at most three decimals.
  nlohmann::ordered_json j;
  j["time"] = nlohmann::ordered_json::parse(format_trace_seconds(e.at));
  j["pod"] = e.pod;
  j["event"] = create ? "create" : "delete";
  if (!e.namespace_.empty()) j["namespace"] = e.namespace_;
  if (create) {
    nlohmann::ordered_json req = nlohmann::ordered_json::object();
    for (const auto& [name, q] : e.requests.sorted_entries()) {
      if (name == "pods" || q.milli == 0) continue;
      req[name] = name == "memory" ? format_bytes(q) : format_cpu(q);
    }
    j["requests"] = req;
    if (!e.labels.empty()) j["labels"] = e.labels;
    if (!e.node_selector.empty()) j["nodeSelector"] = e.node_selector;
    if (!e.tolerations.empty()) {
      nlohmann::ordered_json tols = nlohmann::ordered_json::array();
      for (const auto& t : e.tolerations) {
        nlohmann::ordered_json x;
        if (!t.key.empty()) x["key"] = t.key;
        x["operator"] = t.op_exists ? "Exists" : "Equal";
        if (!t.op_exists) x["value"] = t.value;
        if (t.effect) x["effect"] = std::string(taint_effect_name(*t.effect));
        tols.push_back(std::move(x));
      }
      j["tolerations"] = tols;
    }
    if (!e.owner.empty()) j["owner"] = e.owner;
    if (e.priority) j["priority"] = e.priority;
  }
  out += j.dump();
  out += '\n';
}

}  // namespace capsim::io
