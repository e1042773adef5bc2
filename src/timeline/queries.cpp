// Who-changed queries: filters and per (user, object, field) summaries over history rows.
#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <unordered_set>

#include <sfrewind/timeline/timeline.hpp>

namespace sfrewind::timeline {
namespace {

// Key of the Text row a lookup EntityId row pairs with.
std::string pair_key(const HistoryRow& r) {
  std::string k;
  k.reserve(r.record_id.size() + r.field.size() + r.changed_by.size() + 24);
  k.append(r.record_id).push_back('\x1f');
  k.append(r.field).push_back('\x1f');
  k.append(r.changed_by).push_back('\x1f');
  k.append(std::to_string(r.changed_at.ms()));
  return k;
}

}  // namespace

bool matches(const HistoryRow& row, const ChangeFilter& filter) {
  if (!filter.users.empty() &&
      std::find(filter.users.begin(), filter.users.end(), row.changed_by) == filter.users.end()) {
    return false;
  }
  if (!filter.sobject.empty() && row.sobject != filter.sobject) return false;
  if (!filter.field.empty() && row.field != filter.field) return false;
  if (filter.from && row.changed_at < *filter.from) return false;
  if (filter.to && !(row.changed_at < *filter.to)) return false;
  if (!filter.include_events && is_history_event(row.field)) return false;
  return true;
}

std::vector<HistoryRow> filter_rows(std::span<const HistoryRow> rows, const ChangeFilter& filter) {
  std::vector<HistoryRow> out;
  for (const auto& r : rows) {
    if (matches(r, filter)) out.push_back(r);
  }
  std::sort(out.begin(), out.end(), [](const HistoryRow& a, const HistoryRow& b) {
    return std::tie(a.changed_at, a.history_id) < std::tie(b.changed_at, b.history_id);
  });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const HistoryRow& a, const HistoryRow& b) {
                          return a.history_id == b.history_id;
                        }),
            out.end());
  return out;
}

std::vector<SummaryRow> summarize(std::span<const HistoryRow> rows, const ChangeFilter& filter) {
  std::vector<HistoryRow> kept = filter_rows(rows, filter);
  std::unordered_set<std::string> id_rows;
  for (const auto& r : kept) {
    if (r.data_type == "EntityId") id_rows.insert(pair_key(r));
  }
  using Key = std::tuple<std::string, std::string, std::string>;
  std::map<Key, SummaryRow> groups;
  std::map<Key, std::unordered_set<std::string>> records;
  for (const auto& r : kept) {
    Key key{r.changed_by, r.sobject, r.field};
    auto [it, fresh] = groups.try_emplace(key);
    SummaryRow& s = it->second;
    if (fresh) {
      s.changed_by = r.changed_by;
      s.sobject = r.sobject;
      s.field = r.field;
      s.first = r.changed_at;
    }
    s.last = r.changed_at;  // rows are sorted by time
    ++s.rows;
    bool name_row = r.data_type != "EntityId" && id_rows.count(pair_key(r)) > 0;
    if (!name_row) ++s.changes;
    records[key].insert(r.record_id);
  }
  std::vector<SummaryRow> out;
  out.reserve(groups.size());
  for (auto& [key, s] : groups) {
    s.records = records[key].size();
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace sfrewind::timeline
