// Who-changed queries: filters and per (user, object, field) summaries over history rows.
#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <unordered_set>

#include <sfrewind/timeline/timeline.hpp>

namespace sfrewind::timeline {
namespace {

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
  std::vector<HistoryRow> kept = filter_rows(rows, filter);  // drops repeated history ids
  SummaryBuilder builder(filter);
  for (const auto& r : kept) builder.note_lookup(r);
  for (const auto& r : kept) builder.add(r);
  return builder.finish();
}

SummaryBuilder::SummaryBuilder(ChangeFilter filter) : filter_(std::move(filter)) {}

// Key of the Text row a lookup EntityId row pairs with (same record, field, user and instant).
const std::string& SummaryBuilder::pair_key(const HistoryRow& r) {
  key_.clear();
  key_.append(r.record_id).push_back('\x1f');
  key_.append(r.field).push_back('\x1f');
  key_.append(r.changed_by).push_back('\x1f');
  key_.append(std::to_string(r.changed_at.ms()));
  return key_;
}

void SummaryBuilder::note_lookup(const HistoryRow& row) {
  if (row.data_type == "EntityId" && matches(row, filter_)) lookups_.insert(pair_key(row));
}

void SummaryBuilder::add(const HistoryRow& r) {
  if (!matches(r, filter_)) return;
  auto it = groups_.find(std::tie(r.changed_by, r.sobject, r.field));
  if (it == groups_.end()) {
    it = groups_.try_emplace(Key{r.changed_by, r.sobject, r.field}).first;
    SummaryRow& s = it->second.row;
    s.changed_by = r.changed_by;
    s.sobject = r.sobject;
    s.field = r.field;
    s.first = s.last = r.changed_at;
  }
  SummaryRow& s = it->second.row;
  s.first = std::min(s.first, r.changed_at);
  s.last = std::max(s.last, r.changed_at);
  ++s.rows;
  bool name_row = r.data_type != "EntityId" && !lookups_.empty() && lookups_.count(pair_key(r)) > 0;
  if (!name_row) ++s.changes;
  auto& records = it->second.records;
  if (records.find(r.record_id) == records.end()) records.insert(r.record_id);
}

std::vector<SummaryRow> SummaryBuilder::finish() {
  std::vector<SummaryRow> out;
  out.reserve(groups_.size());
  for (auto& [key, g] : groups_) {
    g.row.records = g.records.size();
    out.push_back(std::move(g.row));
  }
  groups_.clear();
  return out;
}

}  // namespace sfrewind::timeline
