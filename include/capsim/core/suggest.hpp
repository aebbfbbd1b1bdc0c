// "Did you mean": the candidate nearest to a misspelt word, for scenario keys, manifest fields,
// metrics and subcommands alike.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace capsim {

// The candidate nearest to `word` (optimal string alignment distance, case-insensitive; a
// case-only difference counts as a match) if it is close enough to suggest: at most a third of
// the word's length, 1 to 3 edits. The first of equally close candidates.
std::optional<std::string_view> closest_word(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace capsim
