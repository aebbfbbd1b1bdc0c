#include "report/chart_colors.hpp"

#include <cmath>
#include <cstdio>
#include <span>

namespace capsim::report::detail {

namespace {

// Distinct mid-tone colours that read on white, the first ten the most distinct.
constexpr const char* k_type_palette[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1",
                                          "#ff9da7", "#9c755f", "#1b9e77", "#a0cbe8", "#ffbe7d", "#8cd17d", "#86bcb6",
                                          "#f1ce63", "#d4a6c8", "#d95f02", "#499894", "#b6992d", "#7570b3"};
// Saturated colours for the few lines of the overlaid charts.
constexpr const char* k_autoscaler_palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd",
                                                "#ff7f0e", "#17becf", "#8c564b", "#e377c2"};

std::string hsl_hex(double hue_deg, double s, double l) {
  const double c = (1 - std::abs(2 * l - 1)) * s;
  const double h = hue_deg / 60.0;
  const double x = c * (1 - std::abs(std::fmod(h, 2.0) - 1));
  double r = 0, g = 0, b = 0;
  if (h < 1) r = c, g = x;
  else if (h < 2) r = x, g = c;
  else if (h < 3) g = c, b = x;
  else if (h < 4) g = x, b = c;
  else if (h < 5) r = x, b = c;
  else r = c, b = x;
  const double m = l - c / 2;
  auto byte = [&](double v) { return static_cast<int>(std::lround((v + m) * 255)); };
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", byte(r), byte(g), byte(b));
  return buf;
}

ColorMap assign(const std::set<std::string>& names, std::span<const char* const> palette) {
  ColorMap out;
  std::set<std::string> taken;
  std::size_t i = 0;
  for (const auto& name : names) {
    std::string color;
    if (i < palette.size()) {
      color = palette[i];
    } else {
      // Past the palette: golden-angle hues; a colour already on the page moves on 7 degrees.
      double hue = std::fmod(static_cast<double>(i - palette.size()) * 137.50776, 360.0);
      const double lightness = (i % 2) ? 0.40 : 0.62;
      color = hsl_hex(hue, 0.55, lightness);
      for (int k = 0; taken.count(color) && k < 52; ++k) color = hsl_hex(hue = std::fmod(hue + 7, 360.0), 0.55, lightness);
    }
    taken.insert(color);
    out.emplace(name, color);
    ++i;
  }
  return out;
}

}  // namespace

ColorMap instance_type_colors(const std::set<std::string>& types) {
  std::set<std::string> real = types;
  real.erase(k_launching);
  ColorMap out = assign(real, k_type_palette);
  if (types.count(k_launching)) out.emplace(k_launching, k_launching_color);
  return out;
}

ColorMap autoscaler_colors(const std::set<std::string>& autoscalers) {
  std::set<std::string> real = autoscalers;
  real.erase(k_lower_bound);
  ColorMap out = assign(real, k_autoscaler_palette);
  if (autoscalers.count(k_lower_bound)) out.emplace(k_lower_bound, k_lower_bound_color);
  return out;
}

}  // namespace capsim::report::detail
