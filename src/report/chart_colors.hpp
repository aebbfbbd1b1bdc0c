// The colours of a report page's chart series (module-private). One colour per instance type and
// one per autoscaler for the whole page, so a type or an autoscaler looks the same in every chart
// and in every autoscaler's section of a compare page:
// - instance types: sorted by name (byte order), the i-th of all the types drawn anywhere on the
//   page takes the i-th of 20 palette colours; past those, golden-angle hues (137.5 degrees apart)
//   alternating darker / lighter, a hue already taken moved on 7 degrees until the colour is new.
//   The pseudo-type "launching" (a node whose instance type is not known yet) is always grey.
// - autoscalers: the same rule over the page's autoscaler names with an 8-colour palette of its
//   own; "lower-bound" is always near-black (and drawn dashed).
// The colour therefore depends only on the set of names on the page, never on chart order.
#pragma once

#include <map>
#include <set>
#include <string>

namespace capsim::report::detail {

inline constexpr const char* k_launching = "launching";
inline constexpr const char* k_launching_color = "#b0b0b0";
inline constexpr const char* k_lower_bound = "lower-bound";
inline constexpr const char* k_lower_bound_color = "#222222";

using ColorMap = std::map<std::string, std::string>;  // name -> "#rrggbb"

ColorMap instance_type_colors(const std::set<std::string>& types);
ColorMap autoscaler_colors(const std::set<std::string>& autoscalers);

}  // namespace capsim::report::detail
