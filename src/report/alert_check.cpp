// Alert checks after a sync, on the store.
#include <sfrewind/report/alert_check.hpp>

#include <map>
#include <set>

namespace sfrewind::report {
namespace {

Result<std::vector<HistoryRow>> read_rows(Store& store, HistoryFilter filter) {
  auto stored = store.history(filter);
  if (!stored) return stored.error();
  std::vector<HistoryRow> rows;
  rows.reserve(stored->size());
  for (auto& s : *stored) rows.push_back(std::move(s.row));
  return rows;
}

}  // namespace

Result<std::optional<Timestamp>> newest_change_any_org(Store& store) {
  auto orgs = store.org_ids();
  if (!orgs) return orgs.error();
  std::optional<Timestamp> newest;
  for (const std::string& org : *orgs) {
    auto t = store.newest_change(org);
    if (!t) return t.error();
    if (*t && (!newest || *newest < **t)) newest = *t;
  }
  return newest;
}

Result<std::vector<std::string>> check_alerts(Store& store, const std::string& org_id,
                                              std::optional<Timestamp> cutoff,
                                              const timeline::AlertRules& rules) {
  std::vector<std::string> out;
  auto users = store.users(org_id);
  if (!users) return users.error();
  std::set<std::string> integration;
  std::map<std::string, std::string> names;
  for (const UserRecord& u : *users) {
    names[u.user_id] = u.username;
    if (u.is_integration) integration.insert(u.user_id);
  }
  if (integration.empty()) return out;
  std::vector<std::string> ids(integration.begin(), integration.end());
  std::optional<Timestamp> after;
  if (cutoff) after = Timestamp(cutoff->ms() + 1);
  auto fresh = read_rows(store, HistoryFilter{org_id, ids, "", "", "", after, std::nullopt, {}, "", {}});
  if (!fresh) return fresh.error();
  std::vector<HistoryRow> baseline;
  timeline::AlertRules effective = rules;
  if (cutoff) {
    auto base = read_rows(store, HistoryFilter{org_id, ids, "", "", "", std::nullopt, after, {}, "", {}});
    if (!base) return base.error();
    baseline = std::move(*base);
  } else {
    effective.new_field = false;
  }
  for (const auto& a : timeline::evaluate_alerts(baseline, *fresh, integration, effective)) {
    out.push_back(timeline::alert_message(a, names, rules));
  }
  return out;
}

}  // namespace sfrewind::report
