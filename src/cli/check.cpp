// `capsim check [SCENARIO|DIR|GLOB]...`: run many scenarios (in parallel, output as a serial run's),
// evaluate their expectations, compare their decisions with stored goldens, and report as text,
// JUnit XML and Markdown.
#include <glob.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "cli_detail.hpp"
#include "capsim/cli/cli.hpp"
#include "capsim/core/diagnostic.hpp"
#include "capsim/report/atomic_write.hpp"
#include "capsim/core/parallel.hpp"
#include "capsim/io/scenario_loader.hpp"
#include "capsim/io/sweep_loader.hpp"
#include "capsim/report/check_report.hpp"
#include "capsim/report/decision_log.hpp"
#include "capsim/report/golden.hpp"
#include "capsim/report/json_result.hpp"

namespace capsim::cli::detail {

namespace {

namespace fs = std::filesystem;

Diagnostic input_error(const std::string& file, const std::string& message) {
  return Diagnostic{file, 0, 0, Severity::error, "", message};
}

// The same file however it was named ("dir/./x.yaml", "/abs/dir/x.yaml").
std::string same_file_key(const std::string& path) {
  std::error_code ec;
  const fs::path p = fs::weakly_canonical(path, ec);
  return ec ? fs::path(path).lexically_normal().string() : p.string();
}

// The files that hold a Scenario document (and those that cannot be read or parsed: loading them
// says why). Every other file is passed over with one note on `err`: a manifest that a scenario
// among `files` names under spec.manifests, a sweep, or a file with no Scenario document.
std::vector<std::string> scenario_files(const std::vector<std::string>& files, std::ostream& err) {
  std::vector<io::ScenarioFileScan> scans;
  std::map<std::string, std::vector<std::string>> named_by;  // a manifest file -> the scenarios that name it
  for (const auto& f : files) {
    scans.push_back(io::scan_scenario_file(f));
    for (const auto& m : scans.back().manifests) {
      auto& by = named_by[same_file_key(m)];
      if (std::find(by.begin(), by.end(), f) == by.end()) by.push_back(f);
    }
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < files.size(); ++i) {
    using Kind = io::ScenarioFileScan::Kind;
    if (scans[i].kind == Kind::scenario || scans[i].kind == Kind::unreadable) {
      out.push_back(files[i]);
      continue;
    }
    err << "skipped " << files[i] << ": ";
    if (auto it = named_by.find(same_file_key(files[i])); it != named_by.end()) {
      err << "a manifest of ";
      for (std::size_t k = 0; k < it->second.size(); ++k) err << (k ? ", " : "") << it->second[k];
      err << "\n";
    } else if (scans[i].kind == Kind::sweep) {
      err << "a Sweep document (run it with `capsim sweep run`)\n";
    } else {
      err << "no Scenario document\n";
    }
  }
  return out;
}

struct Job {
  std::string file;
  spec::Scenario scenario;
  sim::RunResult result;
  std::exception_ptr error;
};

}  // namespace

// Directories give their *.yaml / *.yml files (not recursively; sweep files, kind: Sweep, are
// passed over), globs their matches, both sorted; files are taken as they are. A path that is none
// of these is an error.
std::vector<std::string> expand_inputs(const std::vector<std::string>& inputs, std::vector<Diagnostic>& errors) {
  std::vector<std::string> out;
  for (const auto& in : inputs) {
    std::error_code ec;
    if (fs::is_directory(in, ec)) {
      std::vector<std::string> found;
      for (const auto& e : fs::directory_iterator(in, ec)) {
        const auto ext = e.path().extension().string();
        if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml") && !io::is_sweep_file(e.path().string()))
          found.push_back(e.path().string());
      }
      std::sort(found.begin(), found.end());
      if (found.empty()) errors.push_back(input_error(in, "no scenario files (*.yaml) in this directory"));
      out.insert(out.end(), found.begin(), found.end());
    } else if (in.find_first_of("*?[") != std::string::npos) {
      glob_t g{};
      const int rc = ::glob(in.c_str(), 0, nullptr, &g);
      std::vector<std::string> found;
      if (rc == 0)
        for (std::size_t i = 0; i < g.gl_pathc; ++i) found.emplace_back(g.gl_pathv[i]);
      ::globfree(&g);
      std::sort(found.begin(), found.end());
      if (found.empty()) errors.push_back(input_error(in, "no file matches this pattern"));
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(in, ec)) {
      out.push_back(in);
    } else {
      errors.push_back(input_error(in, "no such file or directory"));
    }
  }
  return out;
}

int cmd_check(const CheckOptions& o, const Common& common, std::ostream& out, std::ostream& err) {
  auto cat = load_catalog(common);
  std::vector<Diagnostic> errors;
  const std::vector<std::string> found = expand_inputs(o.inputs.empty() ? std::vector<std::string>{"scenarios"} : o.inputs, errors);
  const std::vector<std::string> files = scenario_files(found, err);
  if (!found.empty() && files.empty())
    errors.push_back(input_error("", "nothing to check: no input holds a Scenario document"));
  if (o.update_golden && o.golden_dir.empty())
    errors.push_back(Diagnostic{"", 0, 0, Severity::error, "--update-golden", "needs --golden DIR"});

  // Everything is loaded before anything runs: bad input stops the check with nothing written.
  std::vector<Job> jobs(files.size());
  std::set<std::string> stems;
  for (std::size_t i = 0; i < files.size(); ++i) {
    jobs[i].file = files[i];
    const std::string stem = fs::path(files[i]).stem().string();
    if (!stems.insert(stem).second)
      errors.push_back(input_error(files[i], "another scenario file is also named " + stem + " (goldens are kept by file name)"));
    try {
      jobs[i].scenario = load(files[i], *cat, common.lenient);
      apply_controller_time(jobs[i].scenario, common);
      print_input_notes(jobs[i].scenario, common, err, /*not_modelled=*/true);
    } catch (const InputError& e) {
      errors.insert(errors.end(), e.diagnostics().begin(), e.diagnostics().end());
    }
  }
  if (!errors.empty()) throw InputError(errors);

  // The runs, on `jobs` threads; each writes only its own slot, so the output is a serial run's.
  const bool keep_decisions = !o.golden_dir.empty();
  const sim::SimOptions opts = sim_options(cat, common, keep_decisions);
  const std::size_t workers = o.jobs > 0 ? static_cast<std::size_t>(o.jobs) : std::max(1U, std::thread::hardware_concurrency());
  parallel_for(jobs.size(), workers, [&](std::size_t i) {
    try {
      jobs[i].result = sim::run_scenario(jobs[i].scenario, opts);
    } catch (...) {
      jobs[i].error = std::current_exception();
    }
  });
  for (const auto& j : jobs)
    if (j.error) std::rethrow_exception(j.error);

  std::vector<report::CheckedScenario> checked;
  for (auto& j : jobs) {
    report::CheckedScenario c;
    c.file = j.file;
    c.name = fs::path(j.file).stem().string();
    c.expectations = j.result.expectations;
    const nlohmann::json now = report::result_json(j.result);
    c.runs = report::golden_runs(now, report::decision_log_jsonl(j.result));
    if (!o.golden_dir.empty()) {
      c.golden_checked = true;
      c.golden_required = o.require_golden;
      c.golden_dir = (fs::path(o.golden_dir) / c.name).string();
      const fs::path result_file = fs::path(c.golden_dir) / "result.json";
      const fs::path decisions_file = fs::path(c.golden_dir) / "decisions.jsonl";
      if (o.update_golden) {
        report::write_run_outputs(c.golden_dir, j.result);
        c.golden_updated = true;
      } else if (!fs::exists(result_file) || !fs::exists(decisions_file)) {
        c.golden_missing = "no result.json and decisions.jsonl there (write them with --update-golden)";
      } else {
        const auto golden = nlohmann::json::parse(read_text(result_file.string()), nullptr, /*allow_exceptions=*/false);
        if (golden.is_discarded())
          throw InputError({input_error(result_file.string(), "not a capsim result.json (invalid JSON)")});
        c.golden = report::compare_golden(report::golden_runs(golden, read_text(decisions_file.string())), c.runs,
                                          j.scenario.golden);
        if (o.fail_on_cost_increase || o.fail_on_cost_decrease)
          for (auto& g : c.golden) {
            if (g.missing_golden) continue;
            // Monthly cost (the run's length may differ from the golden's).
            const double before = report::monthly_usd(g.cost_before, g.hours_before);
            const double after = report::monthly_usd(g.cost_after, g.hours_after);
            const double pct = before > 0 ? (after - before) / before * 100.0 : (after > 0 ? 100.0 : 0.0);
            g.passed = !(o.fail_on_cost_increase && pct > *o.fail_on_cost_increase) &&
                       !(o.fail_on_cost_decrease && -pct > *o.fail_on_cost_decrease);
          }
      }
    }
    checked.push_back(std::move(c));
  }

  // Report files as one set: either all of them appear or none.
  std::vector<std::pair<std::string, std::string>> reports;
  if (!o.junit.empty()) reports.emplace_back(o.junit, report::junit_xml(checked));
  if (!o.markdown.empty()) reports.emplace_back(o.markdown, report::check_markdown(checked));
  if (!o.html.empty()) reports.emplace_back(o.html, report::check_html(checked));
  for (const auto& [path, text] : reports) report::write_file_atomic(path, text);

  out << report::check_text(checked);
  const bool all = std::all_of(checked.begin(), checked.end(), report::scenario_passed);
  return all ? k_exit_ok : k_exit_expectation_failed;
}

}  // namespace capsim::cli::detail
