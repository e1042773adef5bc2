// Review query of `timeline`: one record's history, and its values at a time.
#include <algorithm>
#include <future>
#include <map>
#include <set>
#include <span>

#include <fmt/format.h>

#include <sfrewind/api/soql.hpp>
#include <sfrewind/report/review_query.hpp>
#include <sfrewind/sync/snapshot.hpp>

namespace sfrewind::report {
namespace {

Error bad(std::string message) { return make_error(ErrorCode::kInvalidArgument, std::move(message)); }

// The values of `record_ids` in the newest snapshot, under their history field names, by record.
Result<std::map<std::string, std::vector<timeline::SnapshotValue>>> latest_snapshot_values(
    Store& store, const std::string& org_id, std::span<const std::string> record_ids) {
  std::map<std::string, std::vector<timeline::SnapshotValue>> out;
  auto latest = store.latest_snapshot(org_id);
  if (!latest) return latest.error();
  if (!*latest) return out;
  auto values = store.snapshot_values_of(org_id, (*latest)->snapshot_id, record_ids);
  if (!values) return values.error();
  for (const SnapshotValue& v : *values) {
    out[v.record_id].push_back(timeline::SnapshotValue{
        sync::history_field_name(v.field), sync::snapshot_field_value(v), (*latest)->taken_at});
  }
  return out;
}

void keep_field(timeline::RecordTimeline& record, const std::string& field) {
  std::erase_if(record.fields, [&](const timeline::FieldChain& c) { return c.field != field; });
  std::erase_if(record.events, [&](const timeline::Event& e) { return e.name != field; });
}

// "" (every field) or one plain field name.
Status check_field(const std::string& field) {
  if (field.empty() || (api::validate_identifier(field) && field.find('.') == std::string::npos)) {
    return ok();
  }
  return bad(fmt::format("invalid field name '{}'", field));
}

// The usernames of `ids`, the users who made the rows read, not of the org's every user.
Status load_editor_names(Store& store, const std::string& org_id, const std::set<std::string>& ids,
                         UserNames& names) {
  for (const std::string& id : ids) {
    auto user = store.find_user(org_id, id);
    if (!user) return user.error();
    if (*user) names[id] = (*user)->username;
  }
  return ok();
}

// The same for the users who made `rows`.
Status load_editor_names(Store& store, const std::string& org_id,
                         std::span<const HistoryRow> rows, UserNames& names) {
  std::set<std::string> ids;
  for (const HistoryRow& r : rows) ids.insert(r.changed_by);
  return load_editor_names(store, org_id, ids, names);
}

Error no_field_history(const std::string& field, const std::string& record_id) {
  return bad(fmt::format("no history stored for field {} of record {}", field, record_id));
}

Result<std::vector<std::string>> parse_records(const std::vector<std::string>& records) {
  std::vector<std::string> ids;
  std::set<std::string> seen;
  for (const std::string& text : records) {
    auto id = RecordId::parse(text);
    if (!id) return id.error();  // "invalid record id 'X': why", kInvalidArgument
    if (seen.insert(id->str()).second) ids.push_back(id->str());
  }
  if (ids.empty()) return bad("no record id given");
  return ids;
}

using SnapshotsByRecord = std::map<std::string, std::vector<timeline::SnapshotValue>>;

// Records per batch of load_values_at (10,000 records: 0.45-0.71 s at once, RSS 100 MB).
constexpr std::size_t kValuesBatch = 1024;

// What one batch reads from the store: the rows its values depend on, and (when the field is
// required) the records with a row of it.
struct BatchRows {
  std::vector<HistoryRow> rows;
  std::set<std::string> with_field;
};

// Reads the rows the values of `ids` at `at` depend on (snapshot values' fit included): located
// in the record index, then read by handle.
Result<BatchRows> read_batch(Store& store, const ValuesAtRequest& request, Timestamp at,
                             std::span<const std::string> ids, const SnapshotsByRecord& snaps) {
  timeline::ValuesAtRows::SnapshotFields snapshot_fields;
  for (const std::string& id : ids) {
    auto found = snaps.find(id);
    if (found == snaps.end()) continue;
    for (const timeline::SnapshotValue& v : found->second) {
      snapshot_fields.taken_at = v.taken_at;  // one snapshot, the latest: one time
      snapshot_fields.fields.emplace_back(id, v.field);
    }
  }
  timeline::ValuesAtRows picker(at, std::move(snapshot_fields));
  const bool field_required = request.require_field && !request.field.empty();
  BatchRows out;
  auto keys = store.each_history_key(ids, [&](const HistoryKey& k) {
    if (field_required && k.field == request.field) out.with_field.insert(k.record_id);
    picker.add(k);
  });
  if (!keys) return keys.error();
  auto rows = store.history_rows_at(picker.finish());
  if (!rows) return rows.error();
  out.rows = std::move(*rows);
  return out;
}

// The values of `ids` at result.at from their batch's rows, appended to result.records in their
// order; the users who made the rows go to `editors`.
Status build_batch(const ValuesAtRequest& request, std::span<const std::string> ids,
                   const BatchRows& read, const SnapshotsByRecord& snaps, ValuesAtResult& result,
                   std::set<std::string>& editors) {
  for (const HistoryRow& r : read.rows) editors.insert(r.changed_by);
  auto timelines = timeline::build_timelines(read.rows);
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < timelines.size(); ++i) index[timelines[i].record_id] = i;
  const bool field_required = request.require_field && !request.field.empty();
  for (const std::string& id : ids) {
    auto it = index.find(id);
    if (it == index.end()) return bad(fmt::format("no history stored for record {}", id));
    if (field_required && !read.with_field.contains(id)) return no_field_history(request.field, id);
    timeline::RecordTimeline& record = timelines[it->second];
    auto found = snaps.find(id);
    std::vector<timeline::SnapshotValue> own;
    if (found != snaps.end()) own = found->second;
    if (!request.field.empty()) {
      keep_field(record, request.field);
      std::erase_if(own, [&](const timeline::SnapshotValue& v) { return v.field != request.field; });
    }
    result.records.push_back({record.sobject, id, timeline::values_at(record, result.at, {}, own)});
  }
  return ok();
}

// Every batch of `ids`: each batch's rows are read on a thread of its own while this one builds
// the values of the batch before, through the one connection, used by one thread at a time, so
// every batch reads the same snapshot. A batch's rows are freed before the one after next is
// read: memory holds two batches' rows. 10,000 records, thirty alternated runs: median 0.34 s
// against 0.39 s on one thread (reading its rows and timelines there too: 0.39 s).
Status load_batches(Store& store, const ValuesAtRequest& request, std::span<const std::string> ids,
                    const SnapshotsByRecord& snaps, ValuesAtResult& result,
                    std::set<std::string>& editors) {
  auto batch = [&](std::size_t b) {
    return ids.subspan(b * kValuesBatch, std::min(kValuesBatch, ids.size() - b * kValuesBatch));
  };
  const std::size_t batches = (ids.size() + kValuesBatch - 1) / kValuesBatch;
  auto read = [&](std::size_t b) {
    // One batch alone is read here: a thread would only add its start to a small query.
    return std::async(batches > 1 ? std::launch::async : std::launch::deferred,
                      [&, b] { return read_batch(store, request, result.at, batch(b), snaps); });
  };
  std::future<Result<BatchRows>> next = read(0);
  for (std::size_t b = 0; b < batches; ++b) {
    Result<BatchRows> rows = next.get();
    if (b + 1 < batches && rows) next = read(b + 1);
    if (!rows) return rows.error();
    if (auto s = build_batch(request, batch(b), *rows, snaps, result, editors); !s) return s;
  }
  return ok();
}

}  // namespace

Result<ValuesAtResult> load_values_at(Store& store, const ValuesAtRequest& request) {
  auto ids = parse_records(request.records);
  if (!ids) return ids.error();
  if (auto s = check_field(request.field); !s) return s.error();
  if (request.at.empty()) return bad("values of several records need --at");
  auto at = Timestamp::parse_cli(request.at, request.now);
  if (!at) return with_context(at.error(), "--at");
  ValuesAtResult result;
  result.at = *at;
  auto snapshot = store.read_snapshot();  // every read below sees the same store
  if (!snapshot) return snapshot.error();
  auto org = single_org(store);
  if (!org) return org.error();
  result.org_id = *org;
  auto snaps = latest_snapshot_values(store, *org, *ids);
  if (!snaps) return snaps.error();
  // In batches: each batch's rows and timelines are freed before long, so later batches reuse
  // their memory rather than touching fresh pages (on a VM, as costly as the reads).
  std::set<std::string> editors;
  if (auto s = load_batches(store, request, *ids, *snaps, result, editors); !s) return s.error();
  if (auto s = load_editor_names(store, *org, editors, result.names); !s) return s.error();
  return result;
}

Result<TimelineResult> load_timeline(Store& store, const TimelineRequest& request) {
  auto id = RecordId::parse(request.record);
  if (!id) return id.error();
  if (auto s = check_field(request.field); !s) return s.error();
  TimelineResult result;
  if (!request.at.empty()) {
    auto at = Timestamp::parse_cli(request.at, request.now);
    if (!at) return with_context(at.error(), "--at");
    result.at = *at;
  }
  auto snapshot = store.read_snapshot();  // every read below sees the same store
  if (!snapshot) return snapshot.error();
  auto org = single_org(store);
  if (!org) return org.error();
  result.org_id = *org;
  HistoryFilter filter;
  filter.org_id = *org;
  filter.record_id = id->str();
  auto rows = store.history_rows(filter);
  if (!rows) return rows.error();
  if (rows->empty()) return bad(fmt::format("no history stored for record {}", id->str()));
  auto timelines = timeline::build_timelines(*rows);
  result.record = std::move(timelines.front());
  if (!request.field.empty()) {
    keep_field(result.record, request.field);
    if (result.record.fields.empty() && result.record.events.empty()) {
      return no_field_history(request.field, id->str());
    }
  }
  if (auto s = load_editor_names(store, *org, *rows, result.names); !s) return s.error();
  if (result.at) {
    const std::string record_id = id->str();
    auto snaps = latest_snapshot_values(store, *org, std::span<const std::string>(&record_id, 1));
    if (!snaps) return snaps.error();
    std::vector<timeline::SnapshotValue>& own = (*snaps)[record_id];
    if (!request.field.empty()) {
      std::erase_if(own, [&](const timeline::SnapshotValue& s) { return s.field != request.field; });
    }
    result.values = timeline::values_at(result.record, *result.at, {}, own);
  }
  return result;
}

}  // namespace sfrewind::report
