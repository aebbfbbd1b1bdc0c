// The self-contained HTML page shared by the HTML writers (the run report, check and diff pages,
// sweep reports): escaping and the page frame with its inline style. No external resources.
#pragma once

#include <string>

namespace capsim::report::detail {

std::string html_escape(const std::string& s);
// <!DOCTYPE html> ... <title>capsim: title</title><style>...</style> ... body ... </html>
std::string html_page(const std::string& title, const std::string& body);

}  // namespace capsim::report::detail
