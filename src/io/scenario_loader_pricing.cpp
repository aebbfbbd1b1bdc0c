// spec.pricing of the Scenario document (spec::Pricing) and the price file it names.
#include <algorithm>
#include <charconv>
#include <fstream>

#include "io/scenario_loader_detail.hpp"

namespace capsim::io::detail {
namespace {

std::optional<double> parse_number(std::string_view s) {
  double v = 0;
  const char* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc() || p != end || s.empty()) return std::nullopt;
  return v;
}

constexpr std::string_view k_price_file_columns = "instance_type, usd_per_hour, capacity_type, zone, region, os";

// "12%", "12.5%" or a fraction such as 0.12; a share of 0 to 100 %.
std::optional<double> read_share(Doc& d, MapView& m, std::string_view key) {
  const YAML::Node v = m.get(key);
  if (!present(v)) return std::nullopt;
  const std::string path = m.path(key);
  const std::string text = v.IsScalar() ? v.Scalar() : std::string();
  double x = -1;
  if (!text.empty() && text.back() == '%') {
    if (auto n = parse_number(text.substr(0, text.size() - 1))) x = *n / 100.0;
  } else if (auto n = parse_number(text)) {
    x = *n;
  }
  if (x < 0 || x > 1) {
    d.error(v, path, "expected a share such as \"12%\" or 0.12 (from 0 to 100 %), got " + describe(v));
    return std::nullopt;
  }
  return x;
}

std::optional<Money> read_price(Doc& d, const YAML::Node& v, const std::string& path) {
  auto n = v.IsScalar() ? parse_number(v.Scalar()) : std::nullopt;
  if (!n || *n < 0 || *n > 10'000) {
    d.error(v, path, "expected a price in USD per hour such as 0.0416, got " + describe(v));
    return std::nullopt;
  }
  return Money::from_usd(*n);
}

// spotPrices: {instanceType: price} (every zone) or {instanceType: {zone: price}}.
void read_spot_prices(Loader& l, Doc& d, MapView& p) {
  const YAML::Node n = p.get("spotPrices");
  if (!present(n)) return;
  MapView m(d, n, p.path("spotPrices"));
  if (!m.ok()) return;
  for (auto& e : m.entries()) {
    e.used = true;
    const std::string path = m.path(e.key);
    if (!l.known_type(e.key)) {
      d.error(e.key_node, path, "unknown instance type " + quote(e.key));
      continue;
    }
    if (e.value.IsMap()) {
      MapView z(d, e.value, path);
      for (auto& ze : z.entries()) {
        ze.used = true;
        if (auto msg = zone_error(l, ze.key, l.sc.region)) {
          d.error(ze.key_node, z.path(ze.key), std::move(*msg));
          continue;
        }
        if (auto price = read_price(d, ze.value, z.path(ze.key)))
          l.sc.pricing.prices.push_back({e.key, "spot", ze.key, "linux", *price, "spec.pricing.spotPrices"});
      }
      continue;
    }
    if (auto price = read_price(d, e.value, path))
      l.sc.pricing.prices.push_back({e.key, "spot", "", "linux", *price, "spec.pricing.spotPrices"});
  }
}

void read_family_discounts(Loader& l, Doc& d, MapView& p) {
  const YAML::Node n = p.get("familyDiscounts");
  if (!present(n)) return;
  MapView m(d, n, p.path("familyDiscounts"));
  if (!m.ok()) return;
  std::vector<std::string> keys;
  for (auto& e : m.entries()) keys.push_back(e.key);
  for (const auto& key : keys) {
    const bool known = std::any_of(l.cat.types().begin(), l.cat.types().end(),
                                   [&](const catalog::InstanceTypeInfo& t) { return t.family == key; });
    if (!known && !l.synthetic()) {
      d.error(m.get(key), m.path(key), "unknown instance family " + quote(key) + " (families are such as \"m5\", \"c6i\")");
      continue;
    }
    if (auto v = read_share(d, m, key)) l.sc.pricing.family_discounts[key] = *v;
  }
}

void read_ebs_rates(Loader& l, Doc& d, MapView& p) {
  const YAML::Node n = p.get("ebs");
  if (!present(n)) return;
  MapView m(d, n, p.path("ebs"));
  if (!m.ok()) return;
  const std::vector<std::string_view> types = {"gp3", "gp2", "io1", "io2", "st1", "sc1", "standard"};
  m.reject_unknown(types);
  for (auto& e : m.entries()) {
    if (std::find(types.begin(), types.end(), e.key) == types.end()) continue;  // reported as unknown
    e.used = true;
    auto v = e.value.IsScalar() ? parse_number(e.value.Scalar()) : std::nullopt;
    if (!v || *v < 0)
      d.error(e.value, m.path(e.key), "expected USD per GiB-month such as 0.08, got " + describe(e.value));
    else
      l.sc.pricing.ebs_usd_per_gib_month[e.key] = *v;
  }
}

struct CsvRow {
  int line{0};
  std::vector<std::string> cells;
  std::vector<int> cols;  // 1-based column of each cell
};

// Plain comma-separated values (no quoting: no field of a price file needs it).
std::vector<CsvRow> split_csv(std::istream& in) {
  std::vector<CsvRow> rows;
  std::string text;
  for (int line = 1; std::getline(in, text); ++line) {
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.empty() || text.front() == '#') continue;
    CsvRow r;
    r.line = line;
    std::size_t start = 0;
    while (true) {
      const std::size_t comma = text.find(',', start);
      std::string cell = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      const std::size_t lead = cell.find_first_not_of(' ');
      r.cols.push_back(static_cast<int>(start + (lead == std::string::npos ? 0 : lead)) + 1);
      cell.erase(0, lead == std::string::npos ? cell.size() : lead);
      cell.erase(cell.find_last_not_of(' ') + 1);
      r.cells.push_back(std::move(cell));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    rows.push_back(std::move(r));
  }
  return rows;
}

class PriceFile {
 public:
  PriceFile(Loader& l, std::string file) : m_l(l), m_file(std::move(file)) {}

  void read(std::istream& in, const std::string& shown) {
    m_shown = shown;
    auto rows = split_csv(in);
    if (rows.empty()) return fail(1, 1, "expected a header row with the columns " + std::string(k_price_file_columns));
    if (!read_header(rows.front())) return;
    for (std::size_t i = 1; i < rows.size(); ++i) read_row(rows[i]);
  }

 private:
  Loader& m_l;
  std::string m_file;
  std::string m_shown;
  std::map<std::string, std::size_t, std::less<>> m_col;

  void fail(int line, int col, std::string message) {
    Diagnostic d;
    d.file = m_file;
    d.line = line;
    d.col = col;
    d.message = std::move(message);
    m_l.diags.errors.push_back(std::move(d));
  }

  bool read_header(const CsvRow& h) {
    static const std::vector<std::string_view> k_known = {"instance_type", "usd_per_hour", "capacity_type", "zone", "region", "os"};
    for (std::size_t i = 0; i < h.cells.size(); ++i) {
      if (std::find(k_known.begin(), k_known.end(), h.cells[i]) == k_known.end()) {
        std::string msg = "unknown column " + quote(h.cells[i]);
        if (auto s = closest(h.cells[i], k_known)) msg += ", did you mean " + quote(*s) + "?";
        fail(h.line, h.cols[i], msg + " (columns: " + std::string(k_price_file_columns) + ")");
        return false;
      }
      m_col[h.cells[i]] = i;
    }
    for (const char* need : {"instance_type", "usd_per_hour"})
      if (!m_col.contains(need)) {
        fail(h.line, 1, "missing column " + quote(need) + " (columns: " + std::string(k_price_file_columns) + ")");
        return false;
      }
    return true;
  }

  // The cell of `column` ("" when the file has no such column); its 1-based column in `col`.
  std::string cell(const CsvRow& r, std::string_view column, int& col) const {
    auto it = m_col.find(column);
    col = 1;
    if (it == m_col.end() || it->second >= r.cells.size()) return {};
    col = r.cols[it->second];
    return r.cells[it->second];
  }

  void read_row(const CsvRow& r) {
    int c_region = 0, c_type = 0, c_price = 0, c_cap = 0, c_zone = 0, c_os = 0;
    const std::string region = cell(r, "region", c_region);
    if (!region.empty() && region != m_l.sc.region) return;  // another region's row
    spec::PriceOverride o;
    o.instance_type = cell(r, "instance_type", c_type);
    const std::string price = cell(r, "usd_per_hour", c_price);
    const std::string cap = cell(r, "capacity_type", c_cap);
    o.zone = cell(r, "zone", c_zone);
    const std::string os = cell(r, "os", c_os);
    o.source = m_shown + ":" + std::to_string(r.line);
    if (!m_l.known_type(o.instance_type)) return fail(r.line, c_type, "unknown instance type " + quote(o.instance_type));
    auto n = parse_number(price);
    if (!n || *n < 0 || *n > 10'000)
      return fail(r.line, c_price, "expected a price in USD per hour such as 0.0416, got " + quote(price));
    o.price = Money::from_usd(*n);
    if (!cap.empty()) {
      if (cap != "on-demand" && cap != "spot")
        return fail(r.line, c_cap, "expected capacity_type \"on-demand\" or \"spot\", got " + quote(cap));
      o.capacity_type = cap;
    }
    if (!os.empty()) {
      if (os != "linux" && os != "windows") return fail(r.line, c_os, "expected os \"linux\" or \"windows\", got " + quote(os));
      o.os = os;
    }
    if (!o.zone.empty()) {
      if (o.capacity_type != "spot")
        return fail(r.line, c_zone, "an on-demand price is regional: leave zone empty (spot prices may name a zone)");
      if (auto msg = zone_error(m_l, o.zone, m_l.sc.region)) return fail(r.line, c_zone, std::move(*msg));
    }
    m_l.sc.pricing.prices.push_back(std::move(o));
  }
};

void read_price_file(Loader& l, Doc& d, MapView& p) {
  auto name = p.str("priceFile");
  if (!name) return;
  const std::string resolved = l.resolve(*name);
  std::ifstream in(resolved);
  if (!in) {
    d.error(p.get("priceFile"), p.path("priceFile"), "cannot read the price file " + quote(resolved));
    return;
  }
  PriceFile(l, resolved).read(in, *name);
}

}  // namespace

void read_pricing(Loader& l, Doc& d, const YAML::Node& n, const std::string& path) {
  MapView p(d, n, path);
  if (!p.ok()) return;
  p.reject_unknown({"onDemandDiscount", "familyDiscounts", "spotPrices", "priceFile", "eksClusterFee", "ebs"});
  spec::Pricing& pr = l.sc.pricing;
  if (auto v = read_share(d, p, "onDemandDiscount")) pr.on_demand_discount = *v;
  read_family_discounts(l, d, p);
  read_price_file(l, d, p);  // file rows first; inline spot prices are applied after them
  read_spot_prices(l, d, p);
  if (auto v = p.enumeration("eksClusterFee", {"standard", "extended", "none"})) pr.eks_support = *v;
  read_ebs_rates(l, d, p);
}

}  // namespace capsim::io::detail
