// Kubernetes audit log -> pod-event trace (audit_reader.hpp), and the skip-bad-records wrapper.
#include "capsim/io/audit_reader.hpp"

#include <nlohmann/json.hpp>

#include <limits>
#include <queue>
#include <unordered_map>

#include "capsim/core/cron.hpp"
#include "capsim/core/quantity.hpp"
#include "capsim/spec/scenario.hpp"

namespace capsim::io {

namespace {

using nlohmann::json;

const json* member(const json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() || it->is_null() ? nullptr : &*it;
}

std::string text(const json& j, const char* key) {
  const json* v = member(j, key);
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

// "2026-11-30T12:00:00.123456Z" (fraction optional) -> Unix milliseconds.
std::optional<std::int64_t> parse_timestamp(const std::string& s) {
  const auto dot = s.find('.');
  if (dot == std::string::npos) {
    const auto t = parse_rfc3339_utc(s);
    return t ? std::optional<std::int64_t>(*t * 1000) : std::nullopt;
  }
  if (s.empty() || (s.back() != 'Z' && s.back() != 'z')) return std::nullopt;
  const auto t = parse_rfc3339_utc(s.substr(0, dot) + "Z");
  if (!t) return std::nullopt;
  const std::string frac = s.substr(dot + 1, s.size() - dot - 2);
  if (frac.empty() || frac.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  std::int64_t ms = 0;
  for (std::size_t i = 0; i < 3; ++i) ms = ms * 10 + (i < frac.size() ? frac[i] - '0' : 0);
  return *t * 1000 + ms;
}

// A container's requests, limits standing in for missing requests (Kubernetes defaulting).
spec::Container container_of(const json& c, std::string& error) {
  spec::Container out;
  out.name = text(c, "name");
  const json* res = member(c, "resources");
  for (const char* part : {"limits", "requests"}) {
    const json* m = res ? member(*res, part) : nullptr;
    if (!m || !m->is_object()) continue;
    for (const auto& [name, v] : m->items()) {
      const std::string q = v.is_string() ? v.get<std::string>() : v.is_number() ? v.dump() : std::string();
      const auto parsed = parse_quantity(q);
      if (!parsed) {
        error = "resources." + std::string(part) + "." + name + ": expected a quantity, got " + v.dump();
        continue;
      }
      (std::string(part) == "limits" ? out.limits : out.requests).set(name, *parsed);
    }
  }
  // Limits stand in for missing requests.
  for (const char* r : {"cpu", "memory", "nvidia.com/gpu", "ephemeral-storage"})
    if (out.requests.get(r).milli == 0 && out.limits.get(r).milli > 0) out.requests.set(r, out.limits.get(r));
  out.restart_always = text(c, "restartPolicy") == "Always";
  return out;
}

struct Pending {
  std::int64_t unix_ms;
  std::uint64_t seq;
  spec::TraceEvent ev;
  bool operator>(const Pending& o) const { return unix_ms != o.unix_ms ? unix_ms > o.unix_ms : seq > o.seq; }
};

class AuditLogReader final : public AuditReader {
 public:
  AuditLogReader(std::unique_ptr<std::istream> in, std::string name, Duration window)
      : AuditReader(std::move(name)), m_in(std::move(in)), m_window(window.ms) {}

  const AuditCounts& counts() const override { return m_counts; }

  std::optional<spec::TraceEvent> next() override {
    // Read until the oldest buffered event is a window older than the newest one read.
    while (!m_eof && (m_heap.empty() || m_newest - m_heap.top().unix_ms <= m_window)) read_one();
    if (m_heap.empty()) return std::nullopt;
    Pending p = m_heap.top();
    m_heap.pop();
    if (!m_origin) {
      m_origin = p.unix_ms;
      m_counts.origin_unix_ms = p.unix_ms;
    }
    std::int64_t at = p.unix_ms - *m_origin;
    if (at < m_last_at) {  // beyond the reorder window: moved to the last time written
      at = m_last_at;
      ++m_counts.reordered;
    }
    m_last_at = at;
    p.ev.at = Duration{at};
    return std::move(p.ev);
  }

 private:
  [[noreturn]] void bad(const std::string& path, const std::string& message, int col = 1) const {
    Diagnostic d;
    d.file = m_name;
    d.line = m_line;
    d.col = col;
    d.path = path;
    d.message = message;
    throw InputError({d});
  }

  void skip(const std::string& reason) { ++m_counts.skipped[reason]; }

  void read_one() {
    std::string line;
    if (!std::getline(*m_in, line)) {
      m_eof = true;
      return;
    }
    ++m_line;
    ++m_counts.lines;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) return;
    // Only these keys of an Event are read: the parser drops the others (user, annotations,
    // sourceIPs, ...) and the pod objects' status and managed fields without building them.
    static const json::parser_callback_t keep = [](int depth, json::parse_event_t event, json& parsed) {
      if (event != json::parse_event_t::key) return true;
      const auto& k = parsed.get_ref<const std::string&>();
      if (depth == 1)
        return k == "kind" || k == "apiVersion" || k == "stage" || k == "verb" || k == "objectRef" ||
               k == "responseStatus" || k == "stageTimestamp" || k == "responseObject" || k == "requestObject";
      if (depth == 2) return k != "status";
      return k != "managedFields";
    };
    json j;
    try {
      j = json::parse(line, keep);
    } catch (const json::exception& e) {
      const auto* pe = dynamic_cast<const json::parse_error*>(&e);
      bad("", "invalid JSON: " + json_error_text(e), pe ? static_cast<int>(std::max<std::size_t>(pe->byte, 1)) : 1);
    }
    if (!j.is_object() || text(j, "kind") != "Event" || text(j, "apiVersion").rfind("audit.k8s.io/", 0) != 0)
      bad("", "expected an audit.k8s.io Event object (one per line), got " + j.dump().substr(0, 60));
    const std::string stage = text(j, "stage");
    if (stage.empty()) bad("stage", "missing required key \"stage\"");
    if (stage != "ResponseComplete") return skip("stage " + stage + " (only ResponseComplete is used)");
    const json* ref = member(j, "objectRef");
    const std::string verb = text(j, "verb");
    if (!ref || verb.empty()) bad(ref ? "verb" : "objectRef", "missing required key \"" + std::string(ref ? "verb" : "objectRef") + "\"");
    const std::string resource = text(*ref, "resource"), sub = text(*ref, "subresource");
    if (const json* st = member(j, "responseStatus"); st && member(*st, "code") && member(*st, "code")->is_number_integer()) {
      const int code = member(*st, "code")->get<int>();
      if (code < 200 || code >= 300) return skip("failed request (response code >= 300)");
    }
    if (resource != "pods") {
      if ((resource == "deployments" || resource == "statefulsets" || resource == "replicasets") &&
          (verb == "update" || verb == "patch"))
        return skip("workload scale or patch (its pods' creates and deletes are replayed)");
      return skip("other resources");
    }
    const std::string ts = text(j, "stageTimestamp");
    const auto unix_ms = parse_timestamp(ts);
    if (!unix_ms) bad("stageTimestamp", ts.empty() ? "missing required key \"stageTimestamp\"" : "expected an RFC 3339 time, got \"" + ts + "\"");
    std::string ns = text(*ref, "namespace");
    if (ns.empty()) ns = "default";
    spec::TraceEvent ev;
    ev.line = m_line;
    ev.namespace_ = ns;
    if (verb == "create" && sub.empty()) {
      const json* pod = member(j, "responseObject");
      if (!pod || text(*pod, "kind") != "Pod") pod = member(j, "requestObject");
      if (!pod || text(*pod, "kind") != "Pod") return skip("pod create without the pod (audit level Metadata)");
      const json* md = member(*pod, "metadata");
      ev.pod = md ? text(*md, "name") : std::string();
      if (ev.pod.empty()) ev.pod = text(*ref, "name");
      if (ev.pod.empty()) bad("responseObject.metadata.name", "missing required key \"name\"");
      if (md) {
        if (const json* l = member(*md, "labels"); l && l->is_object())
          for (const auto& [k, v] : l->items())
            if (v.is_string()) ev.labels[k] = v.get<std::string>();
        if (const json* refs = member(*md, "ownerReferences"); refs && refs->is_array())
          for (const auto& r : *refs)
            if (const json* c = member(r, "controller"); c && c->is_boolean() && c->get<bool>())
              ev.owner = text(r, "kind") + "/" + text(r, "name");
      }
      const json* spec = member(*pod, "spec");
      if (!spec) bad("responseObject.spec", "missing required key \"spec\"");
      spec::PodTemplate t;
      std::string error;
      for (const char* list : {"containers", "initContainers"})
        if (const json* cs = member(*spec, list); cs && cs->is_array())
          for (const auto& c : *cs) (std::string(list) == "containers" ? t.containers : t.init_containers).push_back(container_of(c, error));
      if (const json* o = member(*spec, "overhead"); o && o->is_object())
        for (const auto& [name, v] : o->items())
          if (auto q = parse_quantity(v.is_string() ? v.get<std::string>() : v.dump())) t.overhead.set(name, *q);
      if (!error.empty()) bad("responseObject.spec.containers", error);
      ev.requests = t.requests();
      ev.requests.set(Resource::pods, Quantity{});  // the trace implies one pod slot
      if (const json* sel = member(*spec, "nodeSelector"); sel && sel->is_object())
        for (const auto& [k, v] : sel->items())
          if (v.is_string()) ev.node_selector[k] = v.get<std::string>();
      if (const json* tols = member(*spec, "tolerations"); tols && tols->is_array())
        for (const auto& x : *tols) {
          Toleration tol;
          tol.key = text(x, "key");
          tol.op_exists = text(x, "operator") == "Exists";
          tol.value = text(x, "value");
          const std::string effect = text(x, "effect");
          if (effect == "NoSchedule") tol.effect = TaintEffect::no_schedule;
          else if (effect == "PreferNoSchedule") tol.effect = TaintEffect::prefer_no_schedule;
          else if (effect == "NoExecute") tol.effect = TaintEffect::no_execute;
          ev.tolerations.push_back(tol);
        }
      if (const json* p = member(*spec, "priority"); p && p->is_number_integer()) ev.priority = p->get<int>();
      ev.kind = spec::TraceEventKind::create;
      m_live[ns + "/" + ev.pod] = md ? text(*md, "uid") : std::string();
      ++m_counts.creates;
    } else if ((verb == "delete" && sub.empty()) || (verb == "create" && sub == "eviction")) {
      ev.pod = text(*ref, "name");
      if (ev.pod.empty()) bad("objectRef.name", "missing required key \"name\"");
      auto it = m_live.find(ns + "/" + ev.pod);
      if (it == m_live.end()) return skip("delete of a pod the log did not create (it existed before)");
      const std::string uid = text(*ref, "uid");
      if (!uid.empty() && !it->second.empty() && uid != it->second)
        return skip("delete of an earlier pod of the same name (uid differs)");
      m_live.erase(it);
      ev.kind = spec::TraceEventKind::del;
      ++m_counts.deletes;
    } else if (sub == "binding" || sub == "status") {
      return skip("pod binding or status (capsim schedules)");
    } else {
      return skip("pod reads and updates");
    }
    m_newest = std::max(m_newest, *unix_ms);
    m_heap.push(Pending{*unix_ms, m_seq++, std::move(ev)});
  }

  std::unique_ptr<std::istream> m_in;
  std::int64_t m_window;
  bool m_eof{false};
  std::int64_t m_newest{std::numeric_limits<std::int64_t>::min()};
  std::uint64_t m_seq{0};
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> m_heap;
  std::optional<std::int64_t> m_origin;
  std::int64_t m_last_at{0};
  std::unordered_map<std::string, std::string> m_live;  // ns/name -> uid of pods created by the log
  AuditCounts m_counts;
};

class SkipBad final : public TraceReader {
 public:
  SkipBad(std::unique_ptr<TraceReader> inner, int max_bad)
      : TraceReader(inner->name()), m_inner(std::move(inner)), m_max(max_bad) {}

  std::optional<spec::TraceEvent> next() override {
    for (;;) {
      try {
        auto e = m_inner->next();
        m_warnings = m_inner->warnings();
        m_warnings.insert(m_warnings.end(), m_skipped.begin(), m_skipped.end());
        return e;
      } catch (const InputError& err) {
        const int line = m_inner->line();
        if (m_bad >= m_max || line == m_last_bad_line) {
          std::vector<Diagnostic> all = m_skipped;
          for (auto& d : all) d.severity = Severity::error;
          all.insert(all.end(), err.diagnostics().begin(), err.diagnostics().end());
          if (m_max > 0)
            all.push_back(Diagnostic{m_inner->name(), 0, 0, Severity::error, "",
                                     "more than " + std::to_string(m_max) + " bad record(s) (--skip-bad " +
                                         std::to_string(m_max) + ")"});
          throw InputError(all);
        }
        m_last_bad_line = line;
        ++m_bad;
        for (auto d : err.diagnostics()) {
          d.severity = Severity::warning;
          d.message += " (record skipped)";
          m_skipped.push_back(d);
        }
      }
    }
  }

 private:
  std::unique_ptr<TraceReader> m_inner;
  int m_max;
  int m_bad{0};  // records skipped
  int m_last_bad_line{-1};
  std::vector<Diagnostic> m_skipped;
};

}  // namespace

std::unique_ptr<AuditReader> open_audit_log(std::unique_ptr<std::istream> in, const std::string& name, Duration window) {
  return std::make_unique<AuditLogReader>(std::move(in), name, window);
}

std::unique_ptr<TraceReader> skip_bad_records(std::unique_ptr<TraceReader> inner, int max_bad) {
  return std::make_unique<SkipBad>(std::move(inner), max_bad);
}

}  // namespace capsim::io
