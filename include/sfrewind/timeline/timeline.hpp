// Timeline: history rows -> per (record, field) change chains, events, values at a time, and
// who-changed queries. Pure code: no I/O.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <unordered_set>
#include <vector>

#include <sfrewind/history.hpp>
#include <sfrewind/types.hpp>

namespace sfrewind::timeline {

// One change of one field. A lookup change (an `EntityId` row paired with the `Text` row of the
// same record, field, second and user) becomes one Change: values are the ids, names the names.
struct Change {
  std::string sobject;
  std::string record_id;
  std::string field;
  std::string history_id;       // the row's id; for a lookup the EntityId row's id
  std::string name_history_id;  // lookup only: the Text row's id (empty when unpaired)
  std::string data_type;        // history DataType of the value row ("EntityId" for lookups)
  FieldValue old_value;
  FieldValue new_value;
  bool is_lookup = false;                 // true when the value row is an EntityId row
  std::optional<std::string> old_name;    // lookup display names, when a Text row was paired
  std::optional<std::string> new_name;
  std::string changed_by;
  Timestamp changed_at;
  bool is_deleted = false;
  // True when the order of this change inside its second could not be settled by the value
  // chain (several orders fit, or none does).
  bool ambiguous = false;
};

// The ordered changes of one (record, field).
struct FieldChain {
  std::string sobject;
  std::string record_id;
  std::string field;
  std::vector<Change> changes;  // oldest first; same-second order settled by the value chain
  bool has_ambiguity = false;   // true when any change is ambiguous
};

// An event row (`created`, `ownerAssignment`, `locked`, deletion events...): see
// sfrewind::is_history_event.
struct Event {
  std::string sobject;
  std::string record_id;
  std::string name;  // the history Field value, e.g. "created"
  std::string history_id;
  std::optional<std::string> old_value;
  std::optional<std::string> new_value;
  std::string changed_by;
  Timestamp changed_at;
};

// Every chain and event of a set of rows.
struct Chains {
  std::vector<FieldChain> chains;  // sorted by (sobject, record_id, field)
  std::vector<Event> events;       // sorted by (sobject, record_id, changed_at, history_id)
};

// One record: its field chains and its events.
struct RecordTimeline {
  std::string sobject;
  std::string record_id;
  std::vector<FieldChain> fields;  // sorted by field name
  std::vector<Event> events;       // oldest first
};

// Builds chains and events from `rows` (any order, any records). Rows with the same history id
// are taken once. Runs in O(n log n).
Chains build_chains(std::span<const HistoryRow> rows);

// Groups build_chains(rows) per record, sorted by (sobject, record_id).
std::vector<RecordTimeline> build_timelines(std::span<const HistoryRow> rows);

// Returns true when `event_name` records a deletion ("deleted", "recordDeleted"...).
bool is_deletion_event(std::string_view event_name);

// Where a value at a time came from.
enum class ValueSource { kHistory, kSnapshot, kUnknown };

// Returns "history", "snapshot" or "unknown".
std::string_view value_source_name(ValueSource source);

// A stored current value of one field of one record.
struct SnapshotValue {
  std::string field;
  FieldValue value;
  Timestamp taken_at;
};

// The value of one field at a time, and where it came from.
struct ValueAt {
  std::string field;
  FieldValue value;                 // null when unknown
  std::optional<std::string> name;  // lookup display name, when history has it
  ValueSource source = ValueSource::kUnknown;
  std::string history_id;  // source == kHistory: the row the value comes from
  bool ambiguous = false;  // the deciding change's order is ambiguous, or it ties a snapshot
};

// The value of every field of `record` just before `at` (changes at `at` or later do not count).
// Fields are `watched` plus every field with a chain or a snapshot, sorted by name. Per field:
// a snapshot wins when no change lies between it and `at`; otherwise the new value of the last
// change before `at`, else the old value of the first change at or after `at`, else unknown.
std::vector<ValueAt> values_at(const RecordTimeline& record, Timestamp at,
                               std::span<const std::string> watched = {},
                               std::span<const SnapshotValue> snapshots = {});

// The rows (HistoryKey::row) values_at(record, at) needs, from `keys` sorted by (record_id,
// field, changed_at): per field, the second holding the last change before `at`; when that
// second holds several rows, also the seconds back to the latest one with a single row (whose
// new value settles the order of the seconds after it), else the whole field. A field with
// nothing before `at` needs only its first second. Event rows are needed only for a record that
// has nothing else. values_at over timelines built from these rows equals values_at over every
// row (for snapshot values, see ValuesAtRows::SnapshotFields).
std::vector<std::int64_t> rows_for_values_at(std::span<const HistoryKey> keys, Timestamp at);

// rows_for_values_at over keys streamed one at a time (same order), keeping only the current
// field's keys.
class ValuesAtRows {
 public:
  struct Key {
    Timestamp changed_at;
    std::int64_t row = 0;
  };
  // Fields that also have a value in one snapshot, taken at `taken_at`: (record id, history
  // field name) pairs. values_at's fit of such a value looks at the changes in the snapshot's
  // second and, for a snapshot taken at or after `at`, at the first change from `at` on; their
  // seconds are picked too, so that values_at(record, at, {}, snapshot values) over the rows
  // picked equals it over every row.
  struct SnapshotFields {
    Timestamp taken_at;
    std::vector<std::pair<std::string, std::string>> fields;  // any order
  };
  explicit ValuesAtRows(Timestamp at) : at_(at) {}
  ValuesAtRows(Timestamp at, SnapshotFields snapshot);
  void add(const HistoryKey& key);
  std::vector<std::int64_t> finish();

 private:
  void end_field();
  void end_record();

  Timestamp at_;
  std::optional<SnapshotFields> snapshot_;  // fields sorted
  std::string record_;
  std::string field_;
  std::vector<Key> field_keys_;
  std::vector<std::int64_t> events_;  // the current record's event rows
  bool has_fields_ = false;
  std::vector<std::int64_t> rows_;
};

// A who-changed filter; empty members match everything.
struct ChangeFilter {
  std::vector<std::string> users;  // CreatedById values
  std::string sobject;
  std::string field;
  std::optional<Timestamp> from;  // inclusive
  std::optional<Timestamp> to;    // exclusive
  bool include_events = true;
};

// Returns true when `row` passes `filter`.
bool matches(const HistoryRow& row, const ChangeFilter& filter);

// The rows passing `filter`, sorted by (changed_at, history_id).
std::vector<HistoryRow> filter_rows(std::span<const HistoryRow> rows, const ChangeFilter& filter);

// One line of a who-changed summary.
struct SummaryRow {
  std::string changed_by;
  std::string sobject;
  std::string field;
  std::size_t changes = 0;  // lookup pairs (EntityId + Text rows) count once
  std::size_t rows = 0;     // history rows
  std::size_t records = 0;  // distinct records
  Timestamp first;
  Timestamp last;
};

// Groups the rows passing `filter` by (changed_by, sobject, field), sorted by those keys.
std::vector<SummaryRow> summarize(std::span<const HistoryRow> rows, const ChangeFilter& filter);

// summarize() over rows streamed in two passes and not kept: every row (or at least every
// EntityId row) through note_lookup(), then every row through add(), then finish() once.
// REQUIRES: no history id repeats (summarize() drops repeats; a store's org never has them).
class SummaryBuilder {
 public:
  explicit SummaryBuilder(ChangeFilter filter);
  // Remembers a lookup (EntityId) row passing the filter, so add() knows its name row.
  void note_lookup(const HistoryRow& row);
  void add(const HistoryRow& row);
  std::vector<SummaryRow> finish();

 private:
  struct Group {
    SummaryRow row;
    std::unordered_set<std::string> records;
  };
  using Key = std::tuple<std::string, std::string, std::string>;  // changed_by, sobject, field
  const std::string& pair_key(const HistoryRow& row);

  ChangeFilter filter_;
  std::unordered_set<std::string> lookups_;  // pair keys of EntityId rows
  std::map<Key, Group, std::less<>> groups_;
  std::string key_;  // pair_key's buffer
};

}  // namespace sfrewind::timeline
