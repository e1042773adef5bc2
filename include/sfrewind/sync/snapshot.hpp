// Snapshots: the current values of the watched fields of every record of the watched objects,
// the difference between the last two snapshots, and drift against history.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <sfrewind/api/rest_client.hpp>
#include <sfrewind/error.hpp>
#include <sfrewind/history.hpp>
#include <sfrewind/store/store.hpp>
#include <sfrewind/sync/history_sync.hpp>

namespace sfrewind::sync {

struct SnapshotOptions {
  // Objects to snapshot (validated); empty = every object with history-tracked fields.
  std::vector<std::string> objects;
  // Extra fields, tracked or not, as (object, fields); their objects are snapshotted too.
  // Untracked fields make drift visible for edits history never records.
  std::vector<FieldSelection> extra_fields;
  int batch_size = 2000;  // 200-2000
};

struct SnapshotSummary {
  std::string org_id;
  std::int64_t snapshot_id = 0;
  std::int64_t previous_id = 0;  // the snapshot before this one, 0 when this is the first
  std::vector<std::string> objects;
  std::vector<std::string> incremental_objects;  // read from their last SystemModstamp on
  std::int64_t records = 0;                      // records read in this run
  std::int64_t values = 0;                       // values stored in this run
};

// Checks the options offline (names, batch size). Errors: kInvalidArgument.
Status check_snapshot_options(const SnapshotOptions& options);

// Queries `SELECT Id, SystemModstamp, <fields> FROM <object>` for every watched object (the
// tracked fields from discover() plus options.extra_fields) and stores the values as a new
// snapshot. An object is read incrementally (`WHERE SystemModstamp >= <newest stored>`) when
// an earlier snapshot covered exactly the same fields of it; otherwise fully. The snapshot's
// `objects` column lists what it covered as "Object.Field,..." (that is how the next run knows).
// Records deleted since the previous snapshot keep their last stored values.
// Errors: kInvalidArgument for unknown objects or bad names; others as RestClient / Store.
Result<SnapshotSummary> take_snapshot(api::RestClient& client, Store& store,
                                      const SnapshotOptions& options);

// Parses "Object.Field" items into selections, grouped by object in first-seen order.
// Errors: kInvalidArgument naming the first item that is not Object.Field with valid names.
Result<std::vector<FieldSelection>> parse_field_list(const std::vector<std::string>& items);

// The history Field name of a record field: standard lookups are tracked under their
// relationship name (OwnerId -> Owner, AccountId -> Account); everything else as itself.
std::string history_field_name(std::string_view api_name);

// A stored value as a FieldValue (value_kind "boolean", "number", "string", "null").
FieldValue snapshot_field_value(const SnapshotValue& value);

// One (record, field) whose value differs between two snapshots.
struct ValueChange {
  std::string sobject;
  std::string record_id;
  std::string field;
  bool added = false;  // the older snapshot has no value for it (a new record or field)
  FieldValue old_value;
  FieldValue new_value;
};

// Drift: the live value (in the newer snapshot) differs from what the store says it should be,
// i.e. a change history did not see. For each (record, field) of the newer snapshot:
//  - expected = the new value of the last change in history's chain of (record,
//    history_field_name(field)), when history has a change of that field holding values
//    (long text history keeps none: such rows are ignored); source "history".
//  - otherwise expected = the value in the older snapshot, when it has one; source "snapshot".
//    This is the case of untracked fields: history never records their edits, so any change
//    between two snapshots is drift.
//  - otherwise nothing is expected and there is no drift.
// Drift when !same_value(expected, live). History must be synced before the snapshot (nightly
// runs `sync` then `snapshot`), or edits made in between show as drift until the next sync.
struct Drift {
  std::string sobject;
  std::string record_id;
  std::string field;
  FieldValue live;
  FieldValue expected;
  std::string expected_from;  // "history" | "snapshot"
  std::string history_id;     // expected_from == "history": the deciding row
};

// Pure diff of two sets of values (any order). Sorted by (sobject, record_id, field).
std::vector<ValueChange> diff_values(std::span<const SnapshotValue> older,
                                     std::span<const SnapshotValue> newer);

// Pure drift check of `newer` against `history` rows and `older` values, as defined above.
// Sorted by (sobject, record_id, field).
std::vector<Drift> find_drift(std::span<const SnapshotValue> older,
                              std::span<const SnapshotValue> newer,
                              std::span<const HistoryRow> history);

// What changed between snapshot `older_id` (0 = none) and `newer_id`, and the drift in `newer_id`.
struct SnapshotReview {
  std::vector<ValueChange> changes;
  std::vector<Drift> drift;
};
Result<SnapshotReview> review_snapshot(Store& store, const std::string& org_id,
                                       std::int64_t older_id, std::int64_t newer_id);

// Output of a review: tables of cells (first row the header), and JSON.
std::vector<std::vector<std::string>> changes_table(std::span<const ValueChange> changes);
std::vector<std::vector<std::string>> drift_table(std::span<const Drift> drift);
std::string review_json(const SnapshotSummary& summary, const SnapshotReview& review);
// One line per drift: "drift: Account 001... Industry is 'X', history/snapshot says 'Y'".
std::string drift_line(const Drift& drift);

}  // namespace sfrewind::sync
