// Catalog: parsing of the instance-catalog/ files (embedded or from a directory), the lookups, and
// the spot price model documented in instance-catalog/PROVENANCE.md.
#include "capsim/catalog/catalog.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "capsim/core/diagnostic.hpp"
#include "capsim/core/rng.hpp"
#include "catalog/embedded_files.hpp"

namespace capsim::catalog {
namespace {

std::string key_of(std::string_view a, std::string_view b) {
  std::string k;
  k.reserve(a.size() + b.size() + 1);
  k.append(a);
  k.push_back('\t');
  k.append(b);
  return k;
}

// map[key] = value, in O(1) when keys arrive in increasing order (the generated files are sorted).
template <typename Map, typename V>
void insert_or_assign_sorted(Map& m, std::string key, V&& value) {
  if (m.empty() || m.rbegin()->first < key) m.emplace_hint(m.end(), std::move(key), std::forward<V>(value));
  else m.insert_or_assign(std::move(key), std::forward<V>(value));
}

constexpr std::array<std::string_view, 5> k_bands = {"<5%", "5-10%", "10-15%", "15-20%", ">20%"};
constexpr std::size_t k_max_diagnostics = 50;

// ---------------------------------------------------------------------------------------------
// A minimal CSV reader: comma separated, optional double quotes ("" escapes a quote), LF or CRLF
// line ends, blank lines skipped. Fields carry their 1-based column for diagnostics.

struct Field {
  std::string_view text;
  int col{1};
};

struct Row {
  int line{0};
  std::vector<Field> fields;
  std::string unquoted;  // backing store of quoted fields (reserved per line, never reallocated)
};

class CsvReader {
 public:
  explicit CsvReader(std::string_view text) : m_text(text) {}

  // Reads the next non-blank line; false at the end. Sets `error` for an unterminated quote.
  bool next(Row& row, std::string& error) {
    error.clear();
    while (m_pos < m_text.size()) {
      std::size_t end = m_text.find('\n', m_pos);
      if (end == std::string_view::npos) end = m_text.size();
      std::string_view line = m_text.substr(m_pos, end - m_pos);
      m_pos = end + 1;
      ++m_line;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
      row.line = m_line;
      split(line, row, error);
      return true;
    }
    return false;
  }

 private:
  static void split(std::string_view line, Row& row, std::string& error) {
    row.fields.clear();
    row.unquoted.clear();
    std::size_t i = 0;
    while (true) {
      Field f;
      f.col = static_cast<int>(i) + 1;
      if (i < line.size() && line[i] == '"') {
        if (row.unquoted.capacity() < line.size()) row.unquoted.reserve(line.size());
        const std::size_t start = row.unquoted.size();
        ++i;
        bool closed = false;
        while (i < line.size()) {
          if (line[i] == '"') {
            if (i + 1 < line.size() && line[i + 1] == '"') {
              row.unquoted.push_back('"');
              i += 2;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          row.unquoted.push_back(line[i++]);
        }
        if (!closed) {
          error = "unterminated quoted field";
          return;
        }
        // Anything between the closing quote and the next comma is kept verbatim.
        std::size_t comma = line.find(',', i);
        std::size_t stop = comma == std::string_view::npos ? line.size() : comma;
        row.unquoted.append(line.substr(i, stop - i));
        f.text = std::string_view(row.unquoted).substr(start);
        i = stop;
      } else {
        std::size_t comma = line.find(',', i);
        std::size_t stop = comma == std::string_view::npos ? line.size() : comma;
        f.text = line.substr(i, stop - i);
        i = stop;
      }
      row.fields.push_back(f);
      if (i >= line.size()) return;
      ++i;  // skip the comma
      if (i == line.size()) {  // trailing comma: one more empty field
        Field last;
        last.col = static_cast<int>(i) + 1;
        row.fields.push_back(last);
        return;
      }
    }
  }

  std::string_view m_text;
  std::size_t m_pos{0};
  int m_line{0};
};

class Diags {
 public:
  void add(const std::string& file, int line, int col, std::string path, std::string message) {
    if (m_diags.size() >= k_max_diagnostics) return;
    Diagnostic d;
    d.file = file;
    d.line = line;
    d.col = col;
    d.severity = Severity::error;
    d.path = std::move(path);
    d.message = std::move(message);
    m_diags.push_back(std::move(d));
  }
  bool empty() const { return m_diags.empty(); }
  [[noreturn]] void throw_all() { throw InputError(std::move(m_diags)); }

 private:
  std::vector<Diagnostic> m_diags;
};

std::string quote_value(std::string_view s) {
  std::string q = "\"";
  q.append(s);
  q.push_back('"');
  return q;
}

// One CSV table with a header row: columns are found by name, so order does not matter and
// unknown columns are ignored.
class Table {
 public:
  Table(std::string file, std::string_view text, Diags& diags) : m_file(std::move(file)), m_reader(text), m_diags(diags) {
    Row header;
    std::string err;
    if (!m_reader.next(header, err)) {
      m_diags.add(m_file, 0, 0, "", "empty file, expected a header row");
      m_ok = false;
      return;
    }
    if (!err.empty()) {
      m_diags.add(m_file, header.line, 1, "", err);
      m_ok = false;
      return;
    }
    m_header_line = header.line;
    for (std::size_t i = 0; i < header.fields.size(); ++i) m_columns.emplace_back(std::string(header.fields[i].text), i);
    m_width = header.fields.size();
  }

  // Index of a column; reports a missing required column once.
  std::optional<std::size_t> column(std::string_view name, bool required) {
    for (const auto& [n, i] : m_columns)
      if (n == name) return i;
    if (required && m_ok) m_diags.add(m_file, m_header_line, 1, "", "missing column " + quote_value(name));
    if (required) m_missing_required = true;
    return std::nullopt;
  }
  bool usable() const { return m_ok && !m_missing_required; }

  // Next data row with the header's number of fields (malformed rows are reported and skipped).
  bool next(Row& row) {
    std::string err;
    while (m_reader.next(row, err)) {
      if (!err.empty()) {
        m_diags.add(m_file, row.line, 1, "", err);
        continue;
      }
      if (row.fields.size() != m_width) {
        m_diags.add(m_file, row.line, 1, "",
                    "expected " + std::to_string(m_width) + " fields, got " + std::to_string(row.fields.size()));
        continue;
      }
      return true;
    }
    return false;
  }

  const std::string& file() const { return m_file; }
  Diags& diags() { return m_diags; }

 private:
  std::string m_file;
  CsvReader m_reader;
  Diags& m_diags;
  std::vector<std::pair<std::string, std::size_t>> m_columns;
  std::size_t m_width{0};
  int m_header_line{1};
  bool m_ok{true};
  bool m_missing_required{false};
};

// Field accessors for one row; each records a diagnostic and clears `ok` on a bad value.
class Cells {
 public:
  Cells(Table& t, const Row& r) : m_table(t), m_row(r) {}
  bool ok() const { return m_ok; }

  const Field* field(std::optional<std::size_t> idx) const { return idx ? &m_row.fields[*idx] : nullptr; }

  std::string_view text(std::optional<std::size_t> idx) const {
    const Field* f = field(idx);
    return f ? f->text : std::string_view();
  }

  void error(std::optional<std::size_t> idx, std::string_view column, std::string message) {
    const Field* f = field(idx);
    m_table.diags().add(m_table.file(), m_row.line, f ? f->col : 1, std::string(column), std::move(message));
    m_ok = false;
  }

  // Integer in [min, max]; blank gives `blank` (nullopt = blank not allowed).
  template <typename T>
  T integer(std::optional<std::size_t> idx, std::string_view column, T min, std::optional<T> blank) {
    const Field* f = field(idx);
    if (!f || f->text.empty()) {
      if (blank) return *blank;
      error(idx, column, "expected an integer, got \"\"");
      return T{};
    }
    T v{};
    const char* b = f->text.data();
    const char* e = b + f->text.size();
    auto [p, ec] = std::from_chars(b, e, v);
    if (ec != std::errc() || p != e || v < min) {
      error(idx, column,
            std::string(min == 0 ? "expected a non-negative integer" : min > 0 ? "expected a positive integer"
                                                                                : "expected an integer") +
                ", got " + quote_value(f->text));
      return T{};
    }
    return v;
  }

  bool boolean(std::optional<std::size_t> idx, std::string_view column, bool blank) {
    const Field* f = field(idx);
    if (!f || f->text.empty()) return blank;
    if (f->text == "true") return true;
    if (f->text == "false") return false;
    error(idx, column, "expected \"true\" or \"false\", got " + quote_value(f->text));
    return blank;
  }

 private:
  Table& m_table;
  const Row& m_row;
  bool m_ok{true};
};

// Exact decimal USD -> nano-USD: digits, optionally '.' and at most 9 fraction digits.
std::optional<std::int64_t> parse_usd_nano(std::string_view s) {
  std::size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  if (whole.empty() || whole.size() > 9 || frac.size() > 9) return std::nullopt;
  if (dot != std::string_view::npos && frac.empty()) return std::nullopt;
  std::int64_t v = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  std::int64_t f = 0;
  for (std::size_t i = 0; i < 9; ++i) {
    char c = i < frac.size() ? frac[i] : '0';
    if (c < '0' || c > '9') return std::nullopt;
    f = f * 10 + (c - '0');
  }
  return v * 1'000'000'000 + f;
}

// Karpenter's instanceTypeScheme `(^[a-z]+)(\-[0-9]+tb)?([0-9]+).*\.` (aws:pkg/providers/
// instancetype/types.go): category = leading letters, generation = the digits after them (and
// after an optional "-<n>tb"), provided a '.' follows. Used when a catalog lacks the columns.
std::pair<std::string, int> category_generation(std::string_view name) {
  std::size_t i = 0;
  while (i < name.size() && name[i] >= 'a' && name[i] <= 'z') ++i;
  if (i == 0) return {};
  std::string category(name.substr(0, i));
  std::size_t j = i;
  if (j < name.size() && name[j] == '-') {
    std::size_t k = j + 1;
    while (k < name.size() && name[k] >= '0' && name[k] <= '9') ++k;
    if (k > j + 1 && name.substr(k, 2) == "tb") j = k + 2;
  }
  std::size_t d = j;
  while (d < name.size() && name[d] >= '0' && name[d] <= '9') ++d;
  if (d == j || name.find('.', d) == std::string_view::npos) return {};
  int gen = 0;
  std::from_chars(name.data() + j, name.data() + d, gen);
  return {category, gen};
}

struct Texts {
  std::string types_file, prices_file, regions_file;
  std::string_view types, prices, regions;
  std::string provenance;
};

void parse_types(Table& t, Catalog::Builder& b, std::map<std::string, int, std::less<>>& names) {
  auto c_name = t.column("instance_type", true);
  auto c_vcpu = t.column("vcpu", true);
  auto c_mem = t.column("memory_mib", true);
  auto c_arch = t.column("arch", true);
  auto c_family = t.column("family", false);
  auto c_category = t.column("category", false);
  auto c_generation = t.column("generation", false);
  auto c_size = t.column("size", false);
  auto c_gpu_count = t.column("gpu_count", false);
  auto c_gpu_name = t.column("gpu_name", false);
  auto c_gpu_man = t.column("gpu_manufacturer", false);
  auto c_gpu_mem = t.column("gpu_memory_mib", false);
  auto c_acc_count = t.column("accelerator_count", false);
  auto c_acc_name = t.column("accelerator_name", false);
  auto c_acc_man = t.column("accelerator_manufacturer", false);
  auto c_cpu_man = t.column("cpu_manufacturer", false);
  auto c_clock = t.column("cpu_sustained_clock_mhz", false);
  auto c_hyp = t.column("hypervisor", false);
  auto c_max_enis = t.column("max_enis", false);
  auto c_enis_default = t.column("max_enis_default_card", false);
  auto c_cards = t.column("network_cards", false);
  auto c_ipv4 = t.column("ipv4_per_eni", false);
  auto c_branch = t.column("branch_enis", false);
  auto c_trunk = t.column("trunking_compatible", false);
  auto c_net = t.column("network_bandwidth_mbps", false);
  auto c_ebs = t.column("ebs_bandwidth_mbps", false);
  auto c_nvme = t.column("local_nvme_gb", false);
  auto c_metal = t.column("bare_metal", false);
  auto c_burst = t.column("burstable", false);
  auto c_current = t.column("current_generation", false);
  auto c_kpods = t.column("karpenter_pods", false);
  auto c_kcpu = t.column("karpenter_allocatable_cpu_millis", false);
  auto c_kmem = t.column("karpenter_allocatable_memory_mib", false);
  if (!t.usable()) return;

  Row row;
  while (t.next(row)) {
    Cells c(t, row);
    InstanceTypeInfo it;
    it.name = c.text(c_name);
    if (it.name.empty()) {
      c.error(c_name, "instance_type", "expected an instance type name such as \"m5.large\", got \"\"");
      continue;
    }
    std::size_t dot = it.name.find('.');
    bool one_dot = dot != std::string::npos && it.name.find('.', dot + 1) == std::string::npos;
    it.family = c_family ? std::string(c.text(c_family)) : (one_dot ? it.name.substr(0, dot) : std::string());
    it.size = c_size ? std::string(c.text(c_size)) : (one_dot ? it.name.substr(dot + 1) : std::string());
    auto [cat, gen] = category_generation(it.name);
    it.category = c_category ? std::string(c.text(c_category)) : cat;
    it.generation = c_generation ? c.integer<int>(c_generation, "generation", 0, 0) : gen;
    it.vcpu = c.integer<int>(c_vcpu, "vcpu", 1, std::nullopt);
    it.memory_mib = c.integer<std::int64_t>(c_mem, "memory_mib", 1, std::nullopt);
    it.gpu_count = c.integer<int>(c_gpu_count, "gpu_count", 0, 0);
    it.gpu_name = c.text(c_gpu_name);
    it.gpu_manufacturer = c.text(c_gpu_man);
    it.gpu_memory_mib = c.integer<std::int64_t>(c_gpu_mem, "gpu_memory_mib", 0, 0);
    it.accelerator_count = c.integer<int>(c_acc_count, "accelerator_count", 0, 0);
    it.accelerator_name = c.text(c_acc_name);
    it.accelerator_manufacturer = c.text(c_acc_man);
    it.arch = c.text(c_arch);
    if (it.arch != "amd64" && it.arch != "arm64") c.error(c_arch, "arch", "expected \"amd64\" or \"arm64\", got " + quote_value(it.arch));
    it.cpu_manufacturer = c.text(c_cpu_man);
    it.cpu_sustained_clock_mhz = c.integer<int>(c_clock, "cpu_sustained_clock_mhz", 0, 0);
    it.hypervisor = c.text(c_hyp);
    it.has_eni_data = !c.text(c_enis_default).empty() && !c.text(c_ipv4).empty();
    it.max_enis = c.integer<int>(c_max_enis, "max_enis", 0, 0);
    it.max_enis_default_card = c.integer<int>(c_enis_default, "max_enis_default_card", 0, 0);
    it.network_cards = c.integer<int>(c_cards, "network_cards", 0, 0);
    it.ipv4_per_eni = c.integer<int>(c_ipv4, "ipv4_per_eni", 0, 0);
    if (it.has_eni_data && it.ipv4_per_eni < 1)
      c.error(c_ipv4, "ipv4_per_eni", "expected a positive integer, got " + quote_value(c.text(c_ipv4)));
    it.branch_enis = c.integer<int>(c_branch, "branch_enis", 0, 0);
    it.trunking_compatible = c.boolean(c_trunk, "trunking_compatible", false);
    it.network_bandwidth_mbps = c.integer<std::int64_t>(c_net, "network_bandwidth_mbps", 0, 0);
    it.ebs_bandwidth_mbps = c.integer<std::int64_t>(c_ebs, "ebs_bandwidth_mbps", 0, 0);
    it.local_nvme_gb = c.integer<std::int64_t>(c_nvme, "local_nvme_gb", 0, 0);
    it.bare_metal = c.boolean(c_metal, "bare_metal", false);
    it.burstable = c.boolean(c_burst, "burstable", false);
    it.current_generation = c.boolean(c_current, "current_generation", true);
    it.karpenter_pods = c.integer<int>(c_kpods, "karpenter_pods", 0, 0);
    it.karpenter_allocatable_cpu_millis = c.integer<std::int64_t>(c_kcpu, "karpenter_allocatable_cpu_millis", 0, 0);
    it.karpenter_allocatable_memory_mib = c.integer<std::int64_t>(c_kmem, "karpenter_allocatable_memory_mib", 0, 0);
    if (!c.ok()) continue;
    if (auto [pos, inserted] = names.emplace(it.name, row.line); !inserted) {
      c.error(c_name, "instance_type",
              "duplicate instance type " + quote_value(it.name) + " (first on line " + std::to_string(pos->second) + ")");
      continue;
    }
    b.add_type(std::move(it));
  }
}

void parse_regions(Table& t, Catalog::Builder& b, std::map<std::string, int, std::less<>>& regions) {
  auto c_region = t.column("region", true);
  auto c_zones = t.column("zones", true);
  auto c_as_of = t.column("on_demand_as_of", false);
  auto c_source = t.column("on_demand_source", false);
  if (!t.usable()) return;
  Row row;
  while (t.next(row)) {
    Cells c(t, row);
    std::string region(c.text(c_region));
    if (region.empty()) {
      c.error(c_region, "region", "expected a region such as \"us-east-1\", got \"\"");
      continue;
    }
    std::vector<std::string> zones;
    std::istringstream in{std::string(c.text(c_zones))};
    for (std::string z; in >> z;) zones.push_back(z);
    if (zones.empty()) {
      c.error(c_zones, "zones", "expected at least one zone such as \"" + region + "a\", got \"\"");
      continue;
    }
    if (auto [pos, inserted] = regions.emplace(region, row.line); !inserted) {
      c.error(c_region, "region", "duplicate region " + quote_value(region) + " (first on line " + std::to_string(pos->second) + ")");
      continue;
    }
    b.set_zones(region, std::move(zones));
    std::string source(c.text(c_source));
    if (std::string_view as_of = c.text(c_as_of); !as_of.empty())
      source += (source.empty() ? "as of " : ", as of ") + std::string(as_of);
    if (!source.empty()) b.set_region_source(region, std::move(source));
  }
}

void parse_prices(Table& t, Catalog::Builder& b, const std::map<std::string, int, std::less<>>& names,
                  const std::map<std::string, int, std::less<>>& regions, const std::string& regions_file) {
  auto c_region = t.column("region", true);
  auto c_type = t.column("instance_type", true);
  auto c_od = t.column("on_demand_usd_per_hour", true);
  auto c_sav = t.column("spot_savings_pct", false);
  auto c_band = t.column("interruption_band", false);
  auto c_idx = t.column("interruption_band_index", false);
  if (!t.usable()) return;
  // Duplicate (region, type) pairs: free for sorted input (each key above the previous one);
  // otherwise a lookup in what was built so far.
  std::string last_key;
  std::string key;
  std::string regions_name = std::filesystem::path(regions_file).filename().string();
  Row row;
  while (t.next(row)) {
    Cells c(t, row);
    std::string_view region = c.text(c_region);
    std::string_view type = c.text(c_type);
    if (!regions.contains(region)) c.error(c_region, "region", "region " + quote_value(region) + " is not listed in " + regions_name);
    if (!names.contains(type)) c.error(c_type, "instance_type", "unknown instance type " + quote_value(type));
    std::string_view od_text = c.text(c_od);
    auto od = parse_usd_nano(od_text);
    if (!od) c.error(c_od, "on_demand_usd_per_hour", "expected a price in USD per hour such as \"0.096\", got " + quote_value(od_text));
    std::optional<SpotAdvice> advice;
    std::string_view sav_text = c.text(c_sav);
    std::string_view band = c.text(c_band);
    if (!sav_text.empty() || !band.empty()) {
      SpotAdvice a;
      a.savings_pct = c.integer<int>(c_sav, "spot_savings_pct", -1000, std::nullopt);
      if (a.savings_pct > 100)
        c.error(c_sav, "spot_savings_pct", "expected a saving of at most 100 (percent), got " + quote_value(sav_text));
      auto it = std::find(k_bands.begin(), k_bands.end(), band);
      if (it == k_bands.end()) {
        c.error(c_band, "interruption_band",
                "expected one of \"<5%\", \"5-10%\", \"10-15%\", \"15-20%\", \">20%\", got " + quote_value(band));
      } else {
        a.interruption_band = band;
        a.interruption_band_index = static_cast<int>(it - k_bands.begin());
        std::string_view idx_text = c.text(c_idx);
        if (!idx_text.empty() && idx_text != std::to_string(a.interruption_band_index))
          c.error(c_idx, "interruption_band_index",
                  "expected " + std::to_string(a.interruption_band_index) + " for band " + quote_value(band) + ", got " +
                      quote_value(idx_text));
      }
      advice = a;
    }
    if (!c.ok()) continue;
    key.assign(region).append(1, '\t').append(type);
    if (key > last_key) {
      last_key.swap(key);
    } else if (b.has_on_demand_price(region, type)) {
      c.error(c_type, "instance_type", "duplicate price for " + quote_value(type) + " in " + quote_value(region));
      continue;
    }
    b.set_on_demand_price(region, type, Money{*od});
    if (advice) b.set_spot_advice(region, type, *advice);
  }
}

std::shared_ptr<const Catalog> parse_catalog(const Texts& x) {
  Diags diags;
  Catalog::Builder b;
  std::map<std::string, int, std::less<>> names;
  std::map<std::string, int, std::less<>> regions;
  {
    Table t(x.types_file, x.types, diags);
    parse_types(t, b, names);
  }
  {
    Table t(x.regions_file, x.regions, diags);
    parse_regions(t, b, regions);
  }
  {
    Table t(x.prices_file, x.prices, diags);
    parse_prices(t, b, names, regions, x.regions_file);
  }
  if (!diags.empty()) diags.throw_all();
  b.set_provenance(x.provenance);
  return b.build();
}

std::optional<std::string> read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Spot price model (instance-catalog/PROVENANCE.md; tools/gen_catalog.py mirrors it).

Money model_regional_spot_price(Money on_demand, int savings_pct) {
  // round half up; on_demand >= 0 and 100 - savings_pct > 0 for every Spot Advisor row
  std::int64_t num = on_demand.nano_usd * (100 - savings_pct);
  return Money{(num + 50) / 100};
}

std::int64_t model_spot_spread_ppm(std::string_view zone, std::string_view type) {
  std::string key;
  key.reserve(zone.size() + type.size() + 1);
  key.append(zone);
  key.push_back('|');
  key.append(type);
  return static_cast<std::int64_t>(stable_hash(key) % 100001ULL) - 50000;
}

Money model_zone_spot_price(Money regional, std::string_view zone, std::string_view type) {
  std::int64_t num = regional.nano_usd * model_spot_spread_ppm(zone, type);
  std::int64_t adj = ((num < 0 ? -num : num) + 500'000) / 1'000'000;  // round half away from zero
  return Money{regional.nano_usd + (num < 0 ? -adj : adj)};
}

// ---------------------------------------------------------------------------------------------
// Builder

Catalog::Builder::Builder() : m_catalog(std::make_shared<Catalog>()) {}

Catalog::Builder& Catalog::Builder::add_type(InstanceTypeInfo info) {
  m_catalog->m_types.push_back(std::move(info));
  return *this;
}

Catalog::Builder& Catalog::Builder::set_zones(std::string_view region, std::vector<std::string> zones) {
  m_catalog->m_zones[std::string(region)] = std::move(zones);
  return *this;
}

Catalog::Builder& Catalog::Builder::set_region_source(std::string_view region, std::string source) {
  m_catalog->m_region_source[std::string(region)] = std::move(source);
  return *this;
}

Catalog::Builder& Catalog::Builder::set_on_demand_price(std::string_view region, std::string_view type, Money price) {
  insert_or_assign_sorted(m_catalog->m_od_nano, key_of(region, type), price.nano_usd);
  return *this;
}

bool Catalog::Builder::has_on_demand_price(std::string_view region, std::string_view type) const {
  return m_catalog->m_od_nano.contains(key_of(region, type));
}

Catalog::Builder& Catalog::Builder::set_spot_advice(std::string_view region, std::string_view type, SpotAdvice advice) {
  insert_or_assign_sorted(m_catalog->m_advice, key_of(region, type), std::move(advice));
  return *this;
}

Catalog::Builder& Catalog::Builder::set_spot_price(std::string_view zone, std::string_view type, Money price) {
  m_catalog->m_spot_nano[key_of(zone, type)] = price.nano_usd;
  return *this;
}

Catalog::Builder& Catalog::Builder::set_provenance(std::string text) {
  m_catalog->m_provenance = std::move(text);
  return *this;
}

std::shared_ptr<const Catalog> Catalog::Builder::build() {
  auto& types = m_catalog->m_types;
  std::sort(types.begin(), types.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  for (std::size_t i = 1; i < types.size(); ++i)
    CAPSIM_ASSERT(types[i - 1].name != types[i].name, "duplicate instance type " + types[i].name);
  std::string_view last_region;
  for (const auto& entry : m_catalog->m_od_nano) {
    std::string_view region = std::string_view(entry.first).substr(0, entry.first.find('\t'));
    if (region == last_region) continue;  // keys are sorted: one lookup per region
    m_catalog->m_zones.try_emplace(std::string(region));
    last_region = region;
  }
  std::shared_ptr<const Catalog> out = std::move(m_catalog);
  m_catalog = std::make_shared<Catalog>();
  return out;
}

// ---------------------------------------------------------------------------------------------
// Catalog

std::shared_ptr<const Catalog> Catalog::embedded() {
  static const std::shared_ptr<const Catalog> k_catalog = [] {
    Texts x;
    x.types_file = "instance-catalog/instance-types.csv";
    x.prices_file = "instance-catalog/prices.csv";
    x.regions_file = "instance-catalog/regions.csv";
    x.types = detail::embedded_file("instance-types.csv");
    x.prices = detail::embedded_file("prices.csv");
    x.regions = detail::embedded_file("regions.csv");
    x.provenance = std::string(detail::embedded_file("PROVENANCE.md"));
    return parse_catalog(x);
  }();
  return k_catalog;
}

std::shared_ptr<const Catalog> Catalog::load_directory(const std::string& dir) {
  namespace fs = std::filesystem;
  const fs::path base(dir);
  Texts x;
  x.types_file = (base / "instance-types.csv").string();
  x.prices_file = (base / "prices.csv").string();
  x.regions_file = (base / "regions.csv").string();
  std::vector<Diagnostic> missing;
  auto load = [&](const std::string& file) {
    auto text = read_file(file);
    if (!text) {
      Diagnostic d;
      d.file = file;
      d.message = "cannot read the file (a catalog directory holds instance-types.csv, prices.csv and regions.csv)";
      missing.push_back(std::move(d));
      return std::string();
    }
    return std::move(*text);
  };
  std::string types = load(x.types_file);
  std::string prices = load(x.prices_file);
  std::string regions = load(x.regions_file);
  if (!missing.empty()) throw InputError(std::move(missing));
  x.types = types;
  x.prices = prices;
  x.regions = regions;
  x.provenance = read_file(base / "PROVENANCE.md").value_or(std::string());
  return parse_catalog(x);
}

const InstanceTypeInfo* Catalog::find(std::string_view name) const {
  auto it = std::lower_bound(m_types.begin(), m_types.end(), name,
                             [](const InstanceTypeInfo& a, std::string_view n) { return a.name < n; });
  if (it != m_types.end() && it->name == name) return &*it;
  return nullptr;
}

std::vector<std::string> Catalog::regions() const {
  std::vector<std::string> out;
  out.reserve(m_zones.size());
  for (const auto& [region, zones] : m_zones) out.push_back(region);
  return out;
}

const std::vector<std::string>& Catalog::zones(std::string_view region) const {
  static const std::vector<std::string> k_none;
  auto it = m_zones.find(region);
  return it == m_zones.end() ? k_none : it->second;
}

std::optional<Money> Catalog::on_demand_price(std::string_view region, std::string_view type) const {
  auto it = m_od_nano.find(key_of(region, type));
  if (it == m_od_nano.end()) return std::nullopt;
  return Money{it->second};
}

std::optional<SpotAdvice> Catalog::spot_advice(std::string_view region, std::string_view type) const {
  auto it = m_advice.find(key_of(region, type));
  if (it == m_advice.end()) return std::nullopt;
  return it->second;
}

std::optional<Money> Catalog::regional_spot_price(std::string_view region, std::string_view type) const {
  auto od = on_demand_price(region, type);
  auto advice = spot_advice(region, type);
  if (!od || !advice) return std::nullopt;
  return model_regional_spot_price(*od, advice->savings_pct);
}

std::optional<Money> Catalog::spot_price(std::string_view region, std::string_view zone, std::string_view type) const {
  if (auto it = m_spot_nano.find(key_of(zone, type)); it != m_spot_nano.end()) return Money{it->second};
  if (auto it = m_spot_region_nano.find(key_of(region, type)); it != m_spot_region_nano.end()) return Money{it->second};
  auto regional = regional_spot_price(region, type);
  if (!regional) return std::nullopt;
  return model_zone_spot_price(*regional, zone, type);
}

std::string Catalog::on_demand_source(std::string_view region, std::string_view type) const {
  if (auto it = m_price_source.find("od\t" + key_of(region, type)); it != m_price_source.end()) return it->second;
  if (!on_demand_price(region, type)) return {};
  auto it = m_region_source.find(region);
  return it == m_region_source.end() ? std::string("catalog") : it->second;
}

std::string Catalog::spot_source(std::string_view region, std::string_view zone, std::string_view type) const {
  if (auto it = m_price_source.find("spot\t" + key_of(zone, type)); it != m_price_source.end()) return it->second;
  if (auto it = m_price_source.find("spot\t" + key_of(region, type)); it != m_price_source.end()) return it->second;
  if (m_spot_nano.contains(key_of(zone, type))) return "catalog spot price of " + std::string(zone);
  auto advice = spot_advice(region, type);
  if (!advice || !on_demand_price(region, type)) return {};
  // instance-catalog/PROVENANCE.md: regional = on-demand x (1 - saving), then a fixed spread per zone.
  return "model: on-demand less the Spot Advisor saving of " + std::to_string(advice->savings_pct) +
         "%, spread per zone";
}

std::shared_ptr<const Catalog> Catalog::with_prices(const Catalog& base, std::string_view region,
                                                    const std::vector<PriceChange>& changes) {
  auto out = std::make_shared<Catalog>(base);
  for (const auto& c : changes) {
    if (c.capacity_type == "spot") {
      const std::string key = key_of(c.zone.empty() ? region : std::string_view(c.zone), c.instance_type);
      (c.zone.empty() ? out->m_spot_region_nano : out->m_spot_nano)[key] = c.price.nano_usd;
      out->m_price_source["spot\t" + key] = c.source;
    } else {
      const std::string key = key_of(region, c.instance_type);
      insert_or_assign_sorted(out->m_od_nano, key, c.price.nano_usd);
      out->m_price_source["od\t" + key] = c.source;
    }
  }
  out->m_zones.try_emplace(std::string(region));
  return out;
}

}  // namespace capsim::catalog
