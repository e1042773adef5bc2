// Snapshot review: the difference between two snapshots and drift against history.
#include <algorithm>
#include <limits>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include <sfrewind/sync/snapshot.hpp>
#include <sfrewind/timeline/timeline.hpp>

namespace sfrewind::sync {
namespace {

using Key = std::pair<std::string, std::string>;  // record_id, field

std::map<Key, const SnapshotValue*> by_key(std::span<const SnapshotValue> values) {
  std::map<Key, const SnapshotValue*> out;
  for (const SnapshotValue& v : values) out[{v.record_id, v.field}] = &v;
  return out;
}

// (record, history field) -> the last change that holds a value, in chain order.
std::map<Key, const timeline::Change*> last_changes(const timeline::Chains& chains) {
  std::map<Key, const timeline::Change*> out;
  for (const auto& chain : chains.chains) {
    for (const auto& c : chain.changes) {
      if (c.old_value.is_null() && c.new_value.is_null()) continue;  // history kept no value
      out[{chain.record_id, chain.field}] = &c;
    }
  }
  return out;
}

std::string quoted(const FieldValue& v) { return v.is_null() ? "null" : "'" + v.text() + "'"; }

std::string value_json(const FieldValue& v) {
  switch (v.kind()) {
    case FieldValue::Kind::kNull: return "null";
    case FieldValue::Kind::kBoolean:
    case FieldValue::Kind::kNumber: return v.text();
    default: return json_quote(v.text());
  }
}

// The distinct values of member `m` of `values`, sorted.
std::vector<std::string> distinct(std::span<const SnapshotValue> values,
                                  std::string SnapshotValue::*m) {
  std::vector<std::string> out;
  for (const SnapshotValue& v : values) out.push_back(v.*m);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// The chains of every stored row of the objects of `values`.
Result<timeline::Chains> object_chains(Store& store, const std::string& org_id,
                                       std::span<const SnapshotValue> values) {
  std::vector<HistoryRow> rows;
  for (const std::string& o : distinct(values, &SnapshotValue::sobject)) {
    HistoryFilter filter;
    filter.org_id = org_id;
    filter.sobject = o;
    auto stored = store.history(filter);
    if (!stored) return stored.error();
    for (auto& s : *stored) rows.push_back(std::move(s.row));
  }
  return timeline::build_chains(rows);
}

bool holds_value(const timeline::FieldChain& chain) {
  return std::any_of(chain.changes.begin(), chain.changes.end(), [](const timeline::Change& c) {
    return !c.old_value.is_null() || !c.new_value.is_null();
  });
}

// The pairs of `chains` none of whose rows there holds a value.
std::vector<Key> valueless(const timeline::Chains& chains) {
  std::vector<Key> out;
  for (const auto& chain : chains.chains) {
    if (!holds_value(chain)) out.emplace_back(chain.record_id, chain.field);
  }
  return out;
}

// Those of `pairs` with a row that holds a value anywhere in their history.
Result<std::vector<Key>> with_values(Store& store, const std::string& org_id,
                                     std::vector<Key> pairs) {
  HistoryFilter valued;
  valued.org_id = org_id;
  valued.record_fields = std::move(pairs);
  valued.with_value = true;
  std::vector<Key> out;
  auto s = store.each_history_row(valued, [&](const HistoryRow& r) {
    out.emplace_back(r.record_id, r.field);
  });
  if (!s) return s.error();
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// The chains drift depends on, in a store of one org: of each field of the records of `values`,
// its last second of changes and the runs their order depends on (timeline::ValuesAtRows at the
// end of time), located in the record index and read in row order; and the whole chain of a field
// whose rows there hold no value but an earlier row does, as drift wants the last change that
// holds one. Reading every row of the objects record by record took 31 s for 1.1M rows; reading
// the whole chains of long text fields, whose rows never hold a value, 2 s of 5.5 for 1.1M.
Result<timeline::Chains> drift_chains(Store& store, const std::string& org_id,
                                      std::span<const SnapshotValue> values) {
  timeline::ValuesAtRows picker(Timestamp(std::numeric_limits<std::int64_t>::max()));
  auto keys = store.each_history_key(distinct(values, &SnapshotValue::record_id),
                                     [&](const HistoryKey& k) { picker.add(k); });
  if (!keys) return keys.error();
  auto rows = store.history_rows_at(picker.finish());
  if (!rows) return rows.error();
  HistoryFilter whole;
  whole.org_id = org_id;
  {
    // Freed before any second build, which then reuses its memory rather than fresh pages.
    timeline::Chains chains = timeline::build_chains(*rows);
    std::vector<Key> empty = valueless(chains);
    if (empty.empty()) return chains;
    auto valued = with_values(store, org_id, std::move(empty));
    if (!valued) return valued.error();
    if (valued->empty()) return chains;
    whole.record_fields = std::move(*valued);
  }
  auto more = store.history_rows(whole);
  if (!more) return more.error();
  rows->insert(rows->end(), std::make_move_iterator(more->begin()),
               std::make_move_iterator(more->end()));
  return timeline::build_chains(*rows);
}

using ValueMap = std::map<Key, const SnapshotValue*>;

// Appends the drift of `newer` against history's `chains` and the older values `old_map`.
void add_drift(const ValueMap& old_map, std::span<const SnapshotValue> newer,
               const timeline::Chains& chains, std::vector<Drift>& out) {
  auto last = last_changes(chains);
  for (const SnapshotValue& v : newer) {
    FieldValue live = snapshot_field_value(v);
    if (auto h = last.find({v.record_id, history_field_name(v.field)}); h != last.end()) {
      if (!same_value(h->second->new_value, live)) {
        out.push_back(Drift{v.sobject, v.record_id, v.field, live, h->second->new_value, "history",
                            h->second->history_id});
      }
      continue;
    }
    if (auto o = old_map.find({v.record_id, v.field}); o != old_map.end()) {
      FieldValue was = snapshot_field_value(*o->second);
      if (!same_value(was, live)) {
        out.push_back(Drift{v.sobject, v.record_id, v.field, live, was, "snapshot", ""});
      }
    }
  }
}

// Sorts changes or drift by (object, record, field).
template <class Item>
void sort_items(std::vector<Item>& out) {
  std::sort(out.begin(), out.end(), [](const Item& a, const Item& b) {
    return std::tie(a.sobject, a.record_id, a.field) < std::tie(b.sobject, b.record_id, b.field);
  });
}

// Drift of `newer` against history's `chains` and `older`, as find_drift defines it.
std::vector<Drift> drift_of(std::span<const SnapshotValue> older,
                            std::span<const SnapshotValue> newer, const timeline::Chains& chains) {
  std::vector<Drift> out;
  add_drift(by_key(older), newer, chains, out);
  sort_items(out);
  return out;
}

// Appends the changes from `old_map` to `newer`; a value new to a store that held values
// before (`had_values`) is added.
void add_changes(const ValueMap& old_map, bool had_values, std::span<const SnapshotValue> newer,
                 std::vector<ValueChange>& out) {
  for (const SnapshotValue& v : newer) {
    FieldValue now = snapshot_field_value(v);
    auto it = old_map.find({v.record_id, v.field});
    if (it == old_map.end()) {
      if (had_values) out.push_back(ValueChange{v.sobject, v.record_id, v.field, true, {}, now});
      continue;
    }
    FieldValue was = snapshot_field_value(*it->second);
    if (!same_value(was, now)) {
      out.push_back(ValueChange{v.sobject, v.record_id, v.field, false, was, now});
    }
  }
}

// Records a review reads at a time, their values and history: reading every value and the
// history behind it at once was most of its memory and grew with the org (1.1M rows, 200,000
// values: 632 MB at once, 111 MB this way, and faster, the working set being smaller).
constexpr std::size_t kReviewRecords = 5000;

// Values of `records` as of `snapshot_id`, none for snapshot 0.
Result<std::vector<SnapshotValue>> values_of(Store& store, const std::string& org_id,
                                             std::int64_t snapshot_id,
                                             std::span<const std::string> records) {
  if (snapshot_id <= 0) return std::vector<SnapshotValue>();
  return store.snapshot_values_of(org_id, snapshot_id, records);
}

// review_snapshot for a store of one org, kReviewRecords records at a time.
Result<SnapshotReview> review_in_parts(Store& store, const std::string& org_id,
                                       std::int64_t older_id, std::int64_t newer_id) {
  auto records = store.snapshot_records(org_id, newer_id);
  if (!records) return records.error();
  bool had_values = false;
  if (older_id > 0) {
    auto before = store.snapshot_records(org_id, older_id);
    if (!before) return before.error();
    had_values = !before->empty();
  }
  SnapshotReview review;
  std::span<const std::string> all(*records);
  for (std::size_t b = 0; b < all.size(); b += kReviewRecords) {
    auto part = all.subspan(b, std::min(kReviewRecords, all.size() - b));
    auto newer = values_of(store, org_id, newer_id, part);
    if (!newer) return newer.error();
    auto older = values_of(store, org_id, older_id, part);
    if (!older) return older.error();
    const ValueMap old_map = by_key(*older);
    add_changes(old_map, had_values, *newer, review.changes);
    auto chains = drift_chains(store, org_id, *newer);
    if (!chains) return chains.error();
    add_drift(old_map, *newer, *chains, review.drift);
  }
  sort_items(review.changes);
  sort_items(review.drift);
  return review;
}

}  // namespace

std::vector<ValueChange> diff_values(std::span<const SnapshotValue> older,
                                     std::span<const SnapshotValue> newer) {
  std::vector<ValueChange> out;
  add_changes(by_key(older), !older.empty(), newer, out);
  sort_items(out);
  return out;
}

std::vector<Drift> find_drift(std::span<const SnapshotValue> older,
                              std::span<const SnapshotValue> newer,
                              std::span<const HistoryRow> history) {
  return drift_of(older, newer, timeline::build_chains(history));
}

Result<SnapshotReview> review_snapshot(Store& store, const std::string& org_id,
                                       std::int64_t older_id, std::int64_t newer_id) {
  auto orgs = store.org_ids();
  if (!orgs) return orgs.error();
  if (orgs->size() == 1 && orgs->front() == org_id) {
    return review_in_parts(store, org_id, older_id, newer_id);
  }
  // The record index has no org: with several orgs in the store, every row of the objects.
  auto newer = store.snapshot_values(org_id, newer_id);
  if (!newer) return newer.error();
  std::vector<SnapshotValue> older;
  if (older_id > 0) {
    auto o = store.snapshot_values(org_id, older_id);
    if (!o) return o.error();
    older = std::move(*o);
  }
  auto chains = object_chains(store, org_id, *newer);
  if (!chains) return chains.error();
  return SnapshotReview{diff_values(older, *newer), drift_of(older, *newer, *chains)};
}

std::vector<std::vector<std::string>> changes_table(std::span<const ValueChange> changes) {
  std::vector<std::vector<std::string>> t{{"OBJECT", "RECORD", "FIELD", "OLD", "NEW"}};
  for (const ValueChange& c : changes) {
    t.push_back({c.sobject, c.record_id, c.field, c.added ? "(new)" : quoted(c.old_value),
                 quoted(c.new_value)});
  }
  return t;
}

std::vector<std::vector<std::string>> drift_table(std::span<const Drift> drift) {
  std::vector<std::vector<std::string>> t{{"OBJECT", "RECORD", "FIELD", "LIVE", "EXPECTED", "FROM"}};
  for (const Drift& d : drift) {
    t.push_back({d.sobject, d.record_id, d.field, quoted(d.live), quoted(d.expected), d.expected_from});
  }
  return t;
}

std::string review_json(const SnapshotSummary& s, const SnapshotReview& r) {
  std::string changes;
  for (const ValueChange& c : r.changes) {
    changes += fmt::format("{}\n{{\"sobject\":{},\"record_id\":{},\"field\":{},\"added\":{},"
                           "\"old_value\":{},\"new_value\":{}}}",
                           changes.empty() ? "" : ",", json_quote(c.sobject), json_quote(c.record_id),
                           json_quote(c.field), c.added ? "true" : "false", value_json(c.old_value),
                           value_json(c.new_value));
  }
  std::string drift;
  for (const Drift& d : r.drift) {
    drift += fmt::format("{}\n{{\"sobject\":{},\"record_id\":{},\"field\":{},\"live\":{},"
                         "\"expected\":{},\"expected_from\":{},\"history_id\":{}}}",
                         drift.empty() ? "" : ",", json_quote(d.sobject), json_quote(d.record_id),
                         json_quote(d.field), value_json(d.live), value_json(d.expected),
                         json_quote(d.expected_from),
                         d.history_id.empty() ? "null" : json_quote(d.history_id));
  }
  return fmt::format("{{\"snapshot_id\":{},\"previous_id\":{},\"records\":{},\"values\":{},"
                     "\"changes\":[{}],\"drift\":[{}]}}\n",
                     s.snapshot_id, s.previous_id, s.records, s.values, changes, drift);
}

std::string drift_line(const Drift& d) {
  return fmt::format("drift: {} {} {} is {}, {} says {}", d.sobject, d.record_id, d.field,
                     quoted(d.live), d.expected_from, quoted(d.expected));
}

}  // namespace sfrewind::sync
