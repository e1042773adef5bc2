// Executor and Verifier: run a rollback plan against an org (compare before write, journal,
// resume) and check the org against it afterwards.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sfrewind/api/rest_client.hpp>
#include <sfrewind/error.hpp>
#include <sfrewind/rollback/plan.hpp>
#include <sfrewind/store/store.hpp>

namespace sfrewind::rollback {

// What became of one ready item.
enum class ItemOutcome {
  kApplied,          // written by this or an earlier run (or confirmed after an interrupted call)
  kAlreadyRestored,  // the live value already equalled restore_to: nothing written
  kDrifted,          // the live value was neither the attacker's nor restore_to (or 412)
  kFailed,           // the org refused the write (validation, lock, deleted record, ...)
  kPending,          // not reached (stopped early, or a dry run)
};

// "applied", "already_restored", "drifted", "failed", "pending".
std::string_view item_outcome_name(ItemOutcome outcome);
// The inverse of item_outcome_name; kInvalidArgument for anything else.
Result<ItemOutcome> parse_item_outcome(std::string_view name);

// One ready item after a run.
struct ItemResult {
  std::string sobject;
  std::string record_id;
  std::string field;  // the api field written
  ItemOutcome outcome = ItemOutcome::kPending;
  std::string detail;     // error code and message, live value of a drifted item, ...
  bool from_journal = false;  // settled by an earlier run (not failed): nothing sent this time
};

struct ExecuteProgress {
  std::size_t batch = 0;  // batches finished
  std::size_t batches = 0;
  std::size_t applied = 0;
  std::size_t drifted = 0;
  std::size_t failed = 0;
};

struct ExecuteOptions {
  std::optional<BatchMode> mode;  // nullopt = the plan's mode; another mode re-batches the plan
  bool dry_run = false;           // re-read and compare only: no write, no journal
  std::function<void(const ExecuteProgress&)> progress;
  // Called before batch `batch_no` (0-based); false stops the run there (cancellation).
  std::function<bool(std::size_t batch_no)> before_batch;
  // Test hook: called after batch `batch_no`'s write call returned and before its outcomes are
  // journaled; false stops the run there, as if the process had been killed mid-call.
  std::function<bool(std::size_t batch_no)> after_write;
};

struct ExecuteSummary {
  std::vector<ItemResult> items;  // one per ready item, in plan order
  std::size_t applied = 0;
  std::size_t already_restored = 0;
  std::size_t drifted = 0;
  std::size_t failed = 0;
  std::size_t pending = 0;
  std::size_t from_journal = 0;  // items settled by earlier runs
  std::size_t records_written = 0;  // records sent in write calls by this run
  std::int64_t api_calls = 0;       // calls this run made: re-reads plus writes
  ApiEstimate estimate;             // the estimate of the batches run
  BatchMode mode = BatchMode::kCollections;
  bool stopped = false;  // before_batch or after_write stopped the run
  bool needs_attention() const { return drifted + failed > 0; }
};

// Returns kInvalidArgument when the credential of `client` belongs to one of plan.users, or its
// user cannot be determined (the rollback must not run as the compromised user).
Status check_runner(api::RestClient& client, const Plan& plan);

// Runs `plan` batch by batch: re-reads each batch's live values, writes only items still holding
// attacker_value, journals intents before and per-record outcomes after every write call in
// `store`. Records refused with UNABLE_TO_LOCK_ROW are sent again up to twice (extra calls
// beyond the plan's estimate happen only then). A rerun resumes: items recorded as applied,
// already restored or drifted are never sent again; items recorded as failed (the org said it
// wrote nothing) are tried again after the usual re-read; an intent with no outcome after it is
// settled from the live value. Per-record failures are data in the summary.
// Errors: check_runner's, kInvalidArgument for an unknown plan in the store, and call or store
// failures (the journal then shows how far the run got; rerun to resume).
Result<ExecuteSummary> execute_plan(api::RestClient& client, Store& store, const Plan& plan,
                                    const ExecuteOptions& options = {});

// Where an item stands in the org now.
enum class VerifyStatus {
  kRestored,  // live value equals restore_to
  kAttacker,  // still the attacker's value
  kChanged,   // something else
  kFailed,    // still the attacker's value and the journal recorded a failed write
  kGone,      // the record is deleted or unknown
};

// "restored", "attacker", "changed", "failed", "gone".
std::string_view verify_status_name(VerifyStatus status);

struct VerifyItem {
  std::string sobject;
  std::string record_id;
  std::string field;  // api field
  ItemStatus plan_status = ItemStatus::kReady;
  VerifyStatus status = VerifyStatus::kChanged;
  std::string live;  // live value as a JSON literal
};

struct VerifySummary {
  std::vector<VerifyItem> items;  // every plan item with an api field, in plan order
  std::size_t restored = 0;       // counts over ready items only
  std::size_t attacker = 0;
  std::size_t changed = 0;
  std::size_t failed = 0;
  std::size_t gone = 0;
  std::int64_t api_calls = 0;
  bool all_restored() const { return attacker + changed + failed + gone == 0; }
};

// Re-reads every item of `plan` (GET collections inside /composite calls) and compares it with
// the plan, using the journal in `store` to tell failed writes. Errors: call failures.
Result<VerifySummary> verify_plan(api::RestClient& client, Store& store, const Plan& plan);

}  // namespace sfrewind::rollback
