// RollbackPlan: the reviewed, hashed description of what `apply` will write, and its JSON file.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sfrewind/error.hpp>
#include <sfrewind/types.hpp>

namespace sfrewind::rollback {

enum class ItemStatus { kReady, kConflict, kNoop, kUnrestorable };

// "ready", "conflict", "noop" or "unrestorable".
std::string_view item_status_name(ItemStatus status);
// The inverse of item_status_name; kInvalidArgument for anything else.
Result<ItemStatus> parse_item_status(std::string_view name);

// One (record, field) the users changed inside the window.
struct PlanItem {
  std::string sobject;
  std::string record_id;
  std::string field;          // history field name ("Owner", "Paid__c")
  std::string api_field;      // the field written ("OwnerId" for history's "Owner")
  std::string describe_type;  // describe type of api_field; empty when unknown
  ItemStatus status = ItemStatus::kUnrestorable;
  // JSON literals encoded for describe_type with FieldValue::to_json ("false", "1500.0",
  // "\"2026-03-10\"", "null"). A lookup holds the record id.
  std::string restore_to = "null";
  std::string attacker_value = "null";
  std::optional<std::string> restore_name;   // lookup display names, when history has them
  std::optional<std::string> attacker_name;
  // Why the item is not ready (conflict, unrestorable); for a rescued item, what was rescued.
  std::string reason;
  bool rescued_from_snapshot = false;  // restore_to comes from a snapshot, not history
  bool ambiguous = false;              // a same-second order involved could not be settled
  std::size_t changes = 0;             // the users' changes of this field inside the window
  std::string first_history_id;        // the users' first change in the window
  Timestamp first_changed_at;
  std::string last_history_id;         // the users' last change in the window
  Timestamp last_changed_at;
  std::vector<std::string> conflict_by;  // other editors after the users' first change, sorted
};

// A record the users created or deleted, listed for a human decision.
struct RecordRef {
  std::string sobject;
  std::string record_id;
  std::string changed_by;  // empty when history does not say who
  std::optional<Timestamp> changed_at;
  std::string history_id;  // the event row, when there is one
};

// One HTTP call: the method, the path below the instance URL and a compact JSON body.
struct HttpCall {
  std::string method;
  std::string path;
  std::string body;
};

enum class BatchMode { kCollections, kGuarded };

// "collections" or "guarded".
std::string_view batch_mode_name(BatchMode mode);
// The inverse of batch_mode_name; kInvalidArgument for anything else.
Result<BatchMode> parse_batch_mode(std::string_view name);

// One write call and the re-read call the executor sends just before it.
struct Batch {
  std::string method;  // "POST"
  std::string path;    // "/services/data/vXX.X/composite"
  std::string body;    // compact JSON; guarded bodies carry If-Unmodified-Since placeholders
  std::vector<std::string> record_ids;  // records written, in body order
  std::vector<HttpCall> rereads;        // /composite GET-collection calls covering the batch
};

// API calls a plan uses: writes plus re-reads (see batcher.hpp for the formula).
struct ApiEstimate {
  std::size_t write_calls = 0;
  std::size_t reread_calls = 0;
  std::size_t total() const { return write_calls + reread_calls; }
};

// A rollback plan. Items are sorted by (sobject, record_id, field).
struct Plan {
  std::string plan_id;  // "p" + the first 16 hex digits of the hash
  std::vector<std::string> users;
  Timestamp window_from;
  Timestamp window_to;
  std::string api_version = "62.0";
  BatchMode mode = BatchMode::kCollections;
  std::vector<PlanItem> items;
  std::vector<RecordRef> created;
  std::vector<RecordRef> deleted;
  std::vector<Batch> batches;
  ApiEstimate estimate;
  // "sha256:" + hex SHA-256 of the canonical JSON: compact, keys in file order, no "hash"
  // member and an empty "plan_id".
  std::string hash;
};

// Items of one (sobject, field, status), for the plan's printed summary.
struct PlanCount {
  std::string sobject;
  std::string field;
  ItemStatus status = ItemStatus::kReady;
  std::size_t items = 0;
};

// Item counts grouped by (sobject, field, status), sorted by those keys.
std::vector<PlanCount> count_items(const Plan& plan);

// Sets plan.plan_id and plan.hash from the other members. Deterministic. Both stay empty when
// SHA-256 is unavailable (libcrypto.so.3, opened on first use, cannot be loaded).
void finalize_plan(Plan& plan);

// The hash finalize_plan would give `plan` (plan_id and hash are not covered); "" when SHA-256
// is unavailable.
std::string plan_hash(const Plan& plan);

// The plan file: pretty JSON, keys in a fixed order, ending in a newline. Deterministic.
std::string plan_to_json(const Plan& plan);

// finalize_plan, then plan_to_json, with the file's text written on a second thread while the
// hash is computed (the id and hash are filled in after). Same plan and text as the two calls.
std::string finalize_plan_to_json(Plan& plan);

// Reads a plan file. Returns kInvalidArgument for malformed JSON, a missing or mistyped member,
// or a hash or plan id that no longer matches the contents (a hand-edited plan).
Result<Plan> plan_from_json(std::string_view text);

// Decodes one JSON scalar literal of a plan ("null", "true", "12.5", "\"x\"") into a value.
// Strings become text. Returns kInvalidArgument for anything else.
Result<FieldValue> decode_json_literal(std::string_view literal);

}  // namespace sfrewind::rollback
