// Review query of `timeline`: one record's history, and its values at a time.
#include <fmt/format.h>

#include <sfrewind/api/soql.hpp>
#include <sfrewind/report/review_query.hpp>
#include <sfrewind/sync/snapshot.hpp>

namespace sfrewind::report {
namespace {

Error bad(std::string message) { return make_error(ErrorCode::kInvalidArgument, std::move(message)); }

// The record's values in the newest snapshot, under their history field names.
Result<std::vector<timeline::SnapshotValue>> latest_snapshot_values(Store& store,
                                                                    const std::string& org_id,
                                                                    const std::string& sobject,
                                                                    const std::string& record_id) {
  std::vector<timeline::SnapshotValue> out;
  auto latest = store.latest_snapshot(org_id);
  if (!latest) return latest.error();
  if (!*latest) return out;
  auto values = store.snapshot_values(org_id, (*latest)->snapshot_id, sobject);
  if (!values) return values.error();
  for (const SnapshotValue& v : *values) {
    if (v.record_id != record_id) continue;
    out.push_back(timeline::SnapshotValue{sync::history_field_name(v.field),
                                          sync::snapshot_field_value(v), (*latest)->taken_at});
  }
  return out;
}

void keep_field(timeline::RecordTimeline& record, const std::string& field) {
  std::erase_if(record.fields, [&](const timeline::FieldChain& c) { return c.field != field; });
  std::erase_if(record.events, [&](const timeline::Event& e) { return e.name != field; });
}

}  // namespace

Result<TimelineResult> load_timeline(Store& store, const TimelineRequest& request) {
  auto id = RecordId::parse(request.record);
  if (!id) return bad(fmt::format("invalid record id '{}': {}", request.record, id.error().message));
  if (!request.field.empty() &&
      (!api::validate_identifier(request.field) || request.field.find('.') != std::string::npos)) {
    return bad(fmt::format("invalid field name '{}'", request.field));
  }
  TimelineResult result;
  if (!request.at.empty()) {
    auto at = Timestamp::parse_cli(request.at, request.now);
    if (!at) return with_context(at.error(), "--at");
    result.at = *at;
  }
  auto org = single_org(store);
  if (!org) return org.error();
  result.org_id = *org;
  HistoryFilter filter;
  filter.org_id = *org;
  filter.record_id = id->str();
  auto stored = store.history(filter);
  if (!stored) return stored.error();
  if (stored->empty()) return bad(fmt::format("no history stored for record {}", id->str()));
  std::vector<HistoryRow> rows;
  for (auto& s : *stored) rows.push_back(std::move(s.row));
  auto timelines = timeline::build_timelines(rows);
  result.record = std::move(timelines.front());
  if (!request.field.empty()) {
    keep_field(result.record, request.field);
    if (result.record.fields.empty() && result.record.events.empty()) {
      return bad(fmt::format("no history stored for field {} of record {}", request.field, id->str()));
    }
  }
  auto names = store.users(*org);
  if (!names) return names.error();
  for (const UserRecord& u : *names) result.names[u.user_id] = u.username;
  if (result.at) {
    auto snaps = latest_snapshot_values(store, *org, result.record.sobject, id->str());
    if (!snaps) return snaps.error();
    if (!request.field.empty()) {
      std::erase_if(*snaps, [&](const timeline::SnapshotValue& s) { return s.field != request.field; });
    }
    result.values = timeline::values_at(result.record, *result.at, {}, *snaps);
  }
  return result;
}

}  // namespace sfrewind::report
