// HistoryRow: one Field History row as the store keeps it, shared by sync, timeline and rollback.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <sfrewind/types.hpp>

namespace sfrewind {

// One row of <Obj>History / <Obj>__History / OpportunityFieldHistory. Values are text exactly as
// Salesforce sent them (store contract): nullopt is JSON null.
struct HistoryRow {
  std::string org_id;
  std::string history_id;      // 18 characters
  std::string sobject;         // the tracked object, e.g. "Invoice__c"
  std::string record_id;       // 18 characters
  std::string field;           // field API name or event name ("created", "ownerAssignment", ...)
  std::string data_type;       // history DataType ("Boolean", "EntityId", "Text", ...); may be empty
  std::optional<std::string> old_value;
  std::optional<std::string> new_value;
  std::string changed_by;      // user id, 18 characters
  Timestamp changed_at;        // second resolution on the wire
  bool is_deleted = false;

  FieldValue old_field_value() const { return FieldValue::from_stored(old_value, data_type); }
  FieldValue new_field_value() const { return FieldValue::from_stored(new_value, data_type); }
};

// Where one stored row sits in a store's record index: enough to choose rows before reading
// them (see Store::history_keys).
struct HistoryKey {
  std::string record_id;
  std::string field;
  Timestamp changed_at;
  std::int64_t row = 0;  // the row's handle in its store
};

// One change a user made, as the store's user index holds it (Store::each_user_change): which
// field of which record, read without reading the row.
struct UserChange {
  std::string sobject;
  std::string record_id;
  std::string field;  // field API name or event name
  Timestamp changed_at;
};

// Returns true when `field` names an event ("created", "ownerAssignment", "locked", ...) rather
// than a field: event names start with a lower-case letter and carry no "__".
bool is_history_event(std::string_view field);

}  // namespace sfrewind
