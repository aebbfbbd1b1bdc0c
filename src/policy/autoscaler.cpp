#include "capsim/policy/autoscaler.hpp"

namespace capsim::policy {

void Actions::append(Actions&& o) {
  for (auto& l : o.launches) launches.push_back(std::move(l));
  for (auto& m : o.marks) marks.push_back(std::move(m));
  for (auto& d : o.deletions) deletions.push_back(std::move(d));
  for (auto& n : o.notes) notes.push_back(std::move(n));
}

}  // namespace capsim::policy
