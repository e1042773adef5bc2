// Executor: batch by batch, re-read, compare, journal the intent, write, journal the outcomes.
#include <sfrewind/rollback/executor.hpp>

#include <iterator>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include <sfrewind/rollback/batcher.hpp>

#include "rollback/exec_calls.hpp"
#include "rollback/exec_state.hpp"

namespace sfrewind::rollback {
namespace {

constexpr std::string_view kOutcomeNames[] = {"applied", "already_restored", "drifted", "failed",
                                              "pending"};

// Extra write calls for records that failed on a row lock (UNABLE_TO_LOCK_ROW).
constexpr int kLockRetries = 2;
// Extra runs of a batch whose call failed on the way (reset, cut answer, 5xx after retries).
constexpr int kBatchRetries = 4;

// One run: the plan, its ready items and what is known about each.
struct Run {
  api::RestClient& client;
  Store& store;
  const Plan& plan;
  const ExecuteOptions& options;
  BatchMode mode;
  std::vector<const PlanItem*> ready;
  std::vector<bool> had_intent;                   // by index into ready
  std::unordered_map<std::string, std::vector<std::size_t>> by_record;  // record id -> indexes
  ExecuteSummary summary;
};

void settle(Run& run, std::size_t i, ItemOutcome outcome, std::string detail) {
  run.summary.items[i].outcome = outcome;
  run.summary.items[i].detail = std::move(detail);
}

JournalEntry entry(const Run& run, std::size_t batch_no, std::size_t i, std::string kind) {
  const PlanItem& it = *run.ready[i];
  const ItemResult& r = run.summary.items[i];
  JournalEntry e{run.plan.plan_id, static_cast<std::int64_t>(batch_no + 1), std::move(kind),
                 it.record_id, it.api_field, "", ""};
  if (e.kind == kJournalOutcome) {
    e.outcome = std::string(item_outcome_name(r.outcome));
    e.detail = r.detail;
  } else {
    e.detail = std::string(batch_mode_name(run.mode));
  }
  return e;
}

Status journal(Run& run, std::size_t batch_no, const std::vector<std::size_t>& idx,
               const char* kind) {
  if (run.options.dry_run || idx.empty()) return ok();
  std::vector<JournalEntry> entries;
  for (std::size_t i : idx) entries.push_back(entry(run, batch_no, i, kind));
  return run.store.append_journal(entries);
}

// Compares the live value of item i with the plan; true when it must be written.
bool decide(Run& run, std::size_t i, const LiveMap& live, std::vector<std::size_t>& settled) {
  const PlanItem& it = *run.ready[i];
  auto rec = live.find(it.record_id);
  auto done = [&](ItemOutcome o, std::string d) {
    settle(run, i, o, std::move(d));
    settled.push_back(i);
    return false;
  };
  if (rec == live.end() || !rec->second.exists) {
    return done(ItemOutcome::kFailed, "ENTITY_IS_DELETED: the record is deleted or unknown");
  }
  auto f = rec->second.fields.find(it.api_field);
  if (f == rec->second.fields.end()) return done(ItemOutcome::kFailed, "field not readable");
  auto restore = decode_json_literal(it.restore_to);
  auto attacker = decode_json_literal(it.attacker_value);
  if (!restore || !attacker) return done(ItemOutcome::kFailed, "plan value not decodable");
  if (same_value(f->second, *restore)) {
    if (run.had_intent[i]) return done(ItemOutcome::kApplied, "confirmed after an interrupted call");
    return done(ItemOutcome::kAlreadyRestored, "");
  }
  if (same_value(f->second, *attacker)) return true;
  return done(ItemOutcome::kDrifted, "live value " + value_literal(f->second));
}

// The write calls for the items to send: the planned body when it is all of them.
std::vector<Batch> write_batches(const Run& run, const Batch& planned,
                                 const std::vector<std::size_t>& send, std::size_t in_batch) {
  if (send.size() == in_batch) return {planned};
  std::vector<PlanItem> items;
  for (std::size_t i : send) items.push_back(*run.ready[i]);
  return make_batches(items, run.mode, run.plan.api_version).batches;
}

void record_results(Run& run, const std::vector<std::size_t>& sent,
                    const std::unordered_map<std::string, WriteResult>& results) {
  for (std::size_t i : sent) {
    auto r = results.find(run.ready[i]->record_id);
    if (r == results.end()) {
      settle(run, i, ItemOutcome::kFailed, "no result for the record");
    } else if (r->second.kind == WriteResult::Kind::kOk) {
      settle(run, i, ItemOutcome::kApplied, "");
    } else if (r->second.kind == WriteResult::Kind::kPrecondition) {
      settle(run, i, ItemOutcome::kDrifted, r->second.detail);
    } else {
      settle(run, i, ItemOutcome::kFailed, r->second.detail);
    }
  }
}

// The items of `items` whose record the call writes.
std::vector<std::size_t> in_call(const Run& run, const Batch& call,
                                 const std::vector<std::size_t>& items) {
  std::unordered_set<std::string> ids(call.record_ids.begin(), call.record_ids.end());
  std::vector<std::size_t> out;
  for (std::size_t i : items) {
    if (ids.count(run.ready[i]->record_id)) out.push_back(i);
  }
  return out;
}

Result<std::unordered_map<std::string, WriteResult>> send(Run& run, const Batch& call,
                                                           const LiveMap& live) {
  Batch filled = call;
  if (run.mode == BatchMode::kGuarded) {
    auto body = fill_guards(call.body, live);
    if (!body) return body.error();
    filled.body = std::move(*body);
  }
  auto results = send_write(run.client, filled, run.summary.api_calls);
  if (results) run.summary.records_written += call.record_ids.size();
  return results;
}

// Items of `sent` that failed on a row lock: nothing was written, so sending again is safe.
std::vector<std::size_t> locked(const Run& run, const std::vector<std::size_t>& sent) {
  std::vector<std::size_t> out;
  for (std::size_t i : sent) {
    const ItemResult& r = run.summary.items[i];
    if (r.outcome == ItemOutcome::kFailed && r.detail.rfind("UNABLE_TO_LOCK_ROW", 0) == 0) {
      out.push_back(i);
    }
  }
  return out;
}

// Sends the items of one write call, retrying row-lock failures; false when the test hook
// stopped the run.
Result<bool> write(Run& run, std::size_t b, const Batch& call, const std::vector<std::size_t>& send_items,
                   const LiveMap& live) {
  std::vector<std::size_t> sent = in_call(run, call, send_items);
  if (auto s = journal(run, b, sent, kJournalIntent); !s) return s.error();
  for (std::size_t i : sent) run.had_intent[i] = true;  // a failed call may still have landed
  auto results = send(run, call, live);
  if (!results) return results.error();
  if (run.options.after_write && !run.options.after_write(b)) return false;
  record_results(run, sent, *results);
  for (int attempt = 0; attempt < kLockRetries; ++attempt) {
    std::vector<std::size_t> again = locked(run, sent);
    if (again.empty()) break;
    for (const Batch& retry : write_batches(run, call, again, 0)) {
      auto r = send(run, retry, live);
      if (!r) return r.error();
      record_results(run, in_call(run, retry, again), *r);
    }
  }
  if (auto s = journal(run, b, sent, kJournalOutcome); !s) return s.error();
  return true;
}

// One batch: re-read, decide, journal, write. False when the run was stopped.
Result<bool> run_batch(Run& run, std::size_t b, const Batch& batch) {
  std::vector<std::size_t> todo;
  for (const auto& id : batch.record_ids) {
    for (std::size_t i : run.by_record[id]) {
      if (run.summary.items[i].outcome == ItemOutcome::kPending) todo.push_back(i);
    }
  }
  if (todo.empty()) return true;
  LiveMap live;
  for (const auto& call : batch.rereads) {
    if (auto s = read_live(run.client, call, live, run.summary.api_calls); !s) return s.error();
  }
  std::vector<std::size_t> send, settled;
  for (std::size_t i : todo) {
    if (decide(run, i, live, settled)) send.push_back(i);
  }
  if (auto s = journal(run, b, settled, kJournalOutcome); !s) return s.error();
  if (send.empty() || run.options.dry_run) return true;
  std::size_t in_batch = 0;
  for (const auto& id : batch.record_ids) in_batch += run.by_record[id].size();
  for (const Batch& call : write_batches(run, batch, send, in_batch)) {
    auto go = write(run, b, call, send, live);
    if (!go || !*go) return go;
  }
  return true;
}

Result<bool> run_batch_retrying(Run& run, std::size_t b, const Batch& batch) {
  for (int attempt = 0;; ++attempt) {
    auto go = run_batch(run, b, batch);
    // The batch's re-read settles whatever an interrupted or unreadable write call did (the HTTP
    // layer never resends a write), so a transient failure runs the whole batch again.
    if (go || attempt >= kBatchRetries || !transient_failure(go.error())) return go;
  }
}

void count(ExecuteSummary& s) {
  for (const auto& r : s.items) {
    s.from_journal += r.from_journal ? 1 : 0;
    switch (r.outcome) {
      case ItemOutcome::kApplied: ++s.applied; break;
      case ItemOutcome::kAlreadyRestored: ++s.already_restored; break;
      case ItemOutcome::kDrifted: ++s.drifted; break;
      case ItemOutcome::kFailed: ++s.failed; break;
      case ItemOutcome::kPending: ++s.pending; break;
    }
  }
}

Status prepare(Run& run) {
  auto stored = run.store.load_plan(run.plan.plan_id);
  if (!stored) return stored.error();
  if (!*stored) {
    return make_error(ErrorCode::kInvalidArgument, "plan " + run.plan.plan_id + " is not in the store");
  }
  if ((*stored)->content_hash != run.plan.hash) {
    return make_error(ErrorCode::kInvalidArgument, "plan " + run.plan.plan_id + " differs from the stored one");
  }
  auto state = load_journal_state(run.store, run.plan.plan_id);
  if (!state) return state.error();
  for (const auto& it : run.plan.items) {
    if (it.status != ItemStatus::kReady) continue;
    std::size_t i = run.ready.size();
    run.ready.push_back(&it);
    run.by_record[it.record_id].push_back(i);
    ItemResult r{it.sobject, it.record_id, it.api_field, ItemOutcome::kPending, "", false};
    const JournalItemState* js = state->find(it.record_id, it.api_field);
    // Only a write whose outcome was never journaled may have landed unseen.
    run.had_intent.push_back(js && js->open_intent);
    // A failed item is tried again (after the batch's re-read): the org wrote nothing for it.
    // Applied, already restored and drifted items stay settled.
    if (js && js->outcome && *js->outcome != ItemOutcome::kFailed) {
      r.outcome = *js->outcome;
      r.detail = js->detail;
      r.from_journal = true;
    }
    run.summary.items.push_back(std::move(r));
  }
  return ok();
}

}  // namespace

std::string_view item_outcome_name(ItemOutcome outcome) {
  return kOutcomeNames[static_cast<std::size_t>(outcome)];
}

Result<ItemOutcome> parse_item_outcome(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kOutcomeNames); ++i) {
    if (kOutcomeNames[i] == name) return static_cast<ItemOutcome>(i);
  }
  return make_error(ErrorCode::kInvalidArgument, fmt::format("unknown outcome '{}'", name));
}

Result<ExecuteSummary> execute_plan(api::RestClient& client, Store& store, const Plan& plan,
                                    const ExecuteOptions& options) {
  if (auto s = check_runner(client, plan); !s) return s.error();
  BatchMode mode = options.mode.value_or(plan.mode);
  Run run{client, store, plan, options, mode, {}, {}, {}, {}};
  if (auto s = prepare(run); !s) return s.error();
  std::vector<Batch> rebatched;
  const std::vector<Batch>* batches = &plan.batches;
  run.summary.estimate = plan.estimate;
  if (mode != plan.mode) {
    Batches b = make_batches(plan.items, mode, plan.api_version);
    rebatched = std::move(b.batches);
    batches = &rebatched;
    run.summary.estimate = b.estimate;
  }
  run.summary.mode = mode;
  ExecuteProgress progress{0, batches->size(), 0, 0, 0};
  for (std::size_t b = 0; b < batches->size(); ++b) {
    if (options.before_batch && !options.before_batch(b)) {
      run.summary.stopped = true;
      break;
    }
    auto go = run_batch_retrying(run, b, (*batches)[b]);
    if (!go) return with_context(go.error(), fmt::format("apply batch {}", b + 1));
    if (!*go) {
      run.summary.stopped = true;
      break;
    }
    if (options.progress) {
      progress.batch = b + 1;
      for (const auto& r : run.summary.items) {
        progress.applied += r.outcome == ItemOutcome::kApplied ? 1 : 0;
      }
      options.progress(progress);
      progress.applied = 0;
    }
  }
  count(run.summary);
  return std::move(run.summary);
}

}  // namespace sfrewind::rollback
