#include "capsim/core/suggest.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace capsim {

std::optional<std::string_view> closest_word(std::string_view word, const std::vector<std::string_view>& candidates) {
  // Optimal string alignment distance (insertions, deletions, substitutions and adjacent
  // transpositions), case-insensitive; a case-only difference counts as a match.
  auto lower = [](std::string_view v) {
    std::string out(v);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  const std::string a = lower(word);
  const std::size_t limit = std::clamp<std::size_t>(a.size() / 3, 1, 3);
  std::optional<std::string_view> best;
  std::size_t best_d = limit + 1;
  for (auto cand : candidates) {
    const std::string b = lower(cand);
    if (a.size() + limit < b.size() || b.size() + limit < a.size()) continue;
    std::vector<std::vector<std::size_t>> t(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) t[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) t[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i)
      for (std::size_t j = 1; j <= b.size(); ++j) {
        const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
        t[i][j] = std::min({t[i - 1][j] + 1, t[i][j - 1] + 1, t[i - 1][j - 1] + cost});
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) t[i][j] = std::min(t[i][j], t[i - 2][j - 2] + 1);
      }
    if (t[a.size()][b.size()] < best_d) {  // the first of equally close candidates
      best_d = t[a.size()][b.size()];
      best = cand;
    }
  }
  return best;
}

}  // namespace capsim
