// Planner: history rows + field metadata + snapshots -> a rollback Plan. Pure code: no I/O.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <sfrewind/error.hpp>
#include <sfrewind/history.hpp>
#include <sfrewind/rollback/batcher.hpp>
#include <sfrewind/rollback/plan.hpp>
#include <sfrewind/types.hpp>

namespace sfrewind::rollback {

// What describe says about one field.
struct FieldMeta {
  std::string type;  // describe type: "string", "textarea", "boolean", "reference", ...
  bool updateable = true;
  bool calculated = false;
  bool nillable = true;
  int length = 0;  // characters; 0 when unknown
  bool html_formatted = false;
  bool encrypted = false;  // also true for type "encryptedstring"
  // The field written when it differs from the key ("OwnerId" filed under "Owner"). When a
  // lookup's history field "X" has no metadata, the planner also tries "XId" and writes that.
  std::string api_name;
};

// A stored current value of one field of one record.
struct SnapshotEntry {
  std::string record_id;
  std::string field;  // history field name
  FieldValue value;
  Timestamp taken_at;
};

// The key of `fields` in PlanRequest: "Invoice__c.Paid__c".
std::string field_key(std::string_view sobject, std::string_view field);

struct PlanRequest {
  std::vector<std::string> users;  // 18-character user ids
  Timestamp from;                  // the window [from, to)
  Timestamp to;
  std::unordered_map<std::string, FieldMeta> fields;  // by field_key(sobject, field)
  std::vector<SnapshotEntry> snapshots;
  std::unordered_set<std::string> deleted_records;  // record ids deleted in the org
  std::string api_version = "62.0";
  BatchMode mode = BatchMode::kCollections;
  BatchLimits limits;
};

// Builds the plan for `request` from `rows`: every history row of every (record, field) the
// users touched, from every editor, including rows after the window, plus the users' event rows.
// Per (record, field) the users changed inside the window, one item:
//   restore_to = old value of their first change there, attacker_value = new value of their last;
//   unrestorable: record deleted, no metadata, calculated, not updateable (never rescued); long
//     text, multi-select, encrypted, value not recorded, possibly truncated at 255, lookup without
//     its id row, not encodable, null for a required field (rescued by the latest snapshot taken
//     before their first change with no change in between: status then goes on as below);
//   noop: the current value per history already equals restore_to;
//   conflict: anyone changed it after their last change, someone else between their first and
//     last, or a same-second order involved is ambiguous;
//   ready otherwise.
// Records with a `created` event by the users in the window go to plan.created; records with a
// deletion event by them, or touched by them and in deleted_records, to plan.deleted.
// Returns kInvalidArgument for no users, an empty window or an empty api_version.
// Runs in O(n log n) in the number of rows.
Result<Plan> build_plan(const PlanRequest& request, std::span<const HistoryRow> rows);

// build_plan for rows handed over in parts, so a caller streaming them from the store holds one
// part at a time: each part holds every row of the (record, field) pairs in it, and every pair
// of a record in deleted_records, or added by add_deleted, comes after that call. The plan is
// the one build_plan gives for all the parts' rows. `request` must outlive the builder.
class PlanBuilder {
 public:
  // kInvalidArgument as build_plan.
  static Result<PlanBuilder> start(const PlanRequest& request);
  static Result<PlanBuilder> start(const PlanRequest&& request) = delete;  // it would dangle
  PlanBuilder(PlanBuilder&&) noexcept;
  PlanBuilder& operator=(PlanBuilder&&) noexcept;
  ~PlanBuilder();

  // Room for about `items` items (at most one per (record, field) pair the users changed), so
  // a big plan's items are not moved from buffer to buffer as they grow.
  void reserve(std::size_t items);
  // A record deleted in the org, learned while reading (as PlanRequest::deleted_records).
  void add_deleted(const std::string& record_id);
  void add(std::span<const HistoryRow> rows);
  // A builder for the same request that has been given nothing yet (not even add_deleted's
  // records), for planning other parts on another thread; absorb() takes its work back.
  PlanBuilder fork() const;
  // Takes over what `later`, a fork() of this builder, was given. Rows of one record must all
  // have gone to one builder. Items stay in the order given when `later`'s parts come after
  // this one's in (object, record, field) order; otherwise finish() sorts them.
  void absorb(PlanBuilder&& later);
  Plan finish();
  // finish(), with `text` set to the plan file (plan_to_json), written while the hash is made.
  Plan finish(std::string& text);

 private:
  struct State;
  explicit PlanBuilder(std::unique_ptr<State> state);
  void assemble();
  std::unique_ptr<State> state_;
};

}  // namespace sfrewind::rollback
