// Plan summaries: item counts by object, field and status.
#include <map>
#include <tuple>

#include <sfrewind/rollback/plan.hpp>

namespace sfrewind::rollback {

std::vector<PlanCount> count_items(const Plan& plan) {
  std::map<std::tuple<std::string, std::string, ItemStatus>, std::size_t> groups;
  for (const auto& it : plan.items) ++groups[{it.sobject, it.field, it.status}];
  std::vector<PlanCount> out;
  out.reserve(groups.size());
  for (const auto& [key, n] : groups) {
    out.push_back(PlanCount{std::get<0>(key), std::get<1>(key), std::get<2>(key), n});
  }
  return out;
}

}  // namespace sfrewind::rollback
