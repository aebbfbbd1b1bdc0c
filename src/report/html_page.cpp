#include "capsim/report/html_page.hpp"

namespace capsim::report::detail {

namespace {
constexpr const char* k_style = R"(
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#222}p{max-width:80em}
h1{font-size:22px}h2{font-size:18px;margin-top:28px}h3{font-size:15px;margin:20px 0 4px}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}
th{background:#f2f2f2}td:first-child,th:first-child{text-align:left}
#decision-table{width:100%}#decision-table th,#decision-table td{text-align:left;font-size:12px;white-space:nowrap;vertical-align:top}
#decision-table td:last-child{white-space:normal;width:100%}
figure.chart-box{margin:10px 0}svg.chart{display:block;background:#fff;border:1px solid #ddd;width:100%;height:auto}
svg .title{font-weight:600;font-size:14px}svg .tick{font-size:11px;fill:#555}svg .axis-label{font-size:12px;fill:#333}
svg .grid{stroke:#eee}svg .axis{stroke:#888}svg .series.line{stroke-width:1.6}svg .series.area{fill-opacity:.8;stroke-width:.5}
svg .hover rect{fill:transparent}svg .hover rect:hover{fill:rgba(0,0,0,.06)}svg .legend text{font-size:12px}
.note{color:#666}.swatch{display:inline-block;width:11px;height:11px;margin-right:6px;border-radius:2px;vertical-align:-1px}
#decision-table td.repeat{white-space:nowrap;color:#555}.filters{margin:8px 0}.fail{color:#b00020;font-weight:600}.pass{color:#1b7f3b}
pre{background:#f7f7f7;padding:8px;overflow-x:auto;font-size:12px}
)";
}  // namespace

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string html_page(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>capsim: " + html_escape(title) +
         "</title><style>" + k_style + "</style></head>\n<body>\n" + body + "</body></html>\n";
}

}  // namespace capsim::report::detail
