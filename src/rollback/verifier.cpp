// Verifier: re-reads every plan item and tells restored / attacker's / changed / failed / gone.
#include <algorithm>

#include <sfrewind/rollback/executor.hpp>

#include "rollback/exec_calls.hpp"
#include "rollback/exec_state.hpp"

namespace sfrewind::rollback {
namespace {

constexpr std::string_view kVerifyNames[] = {"restored", "attacker", "changed", "failed", "gone"};

bool verifiable(const PlanItem& it) { return !it.api_field.empty(); }

std::vector<HttpCall> calls_for(const Plan& plan) {
  std::vector<std::pair<std::string, std::vector<std::string>>> ids;
  std::unordered_map<std::string, std::vector<std::string>> fields;
  for (const auto& it : plan.items) {  // sorted by (sobject, record_id, field)
    if (!verifiable(it)) continue;
    if (ids.empty() || ids.back().first != it.sobject) ids.push_back({it.sobject, {}});
    auto& list = ids.back().second;
    if (list.empty() || list.back() != it.record_id) list.push_back(it.record_id);
    fields[it.sobject].push_back(it.api_field);
  }
  for (auto& [sobject, names] : fields) {
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
  }
  return reread_calls(plan.api_version, ids, fields);
}

VerifyStatus status_of(const PlanItem& it, const LiveRecord* rec, const JournalState& journal,
                       std::string& live) {
  if (!rec || !rec->exists) return VerifyStatus::kGone;
  auto f = rec->fields.find(it.api_field);
  if (f == rec->fields.end()) return VerifyStatus::kGone;
  live = value_literal(f->second);
  auto restore = decode_json_literal(it.restore_to);
  auto attacker = decode_json_literal(it.attacker_value);
  if (restore && same_value(f->second, *restore)) return VerifyStatus::kRestored;
  if (attacker && same_value(f->second, *attacker)) {
    const JournalItemState* js = journal.find(it.record_id, it.api_field);
    bool failed = js && js->outcome == ItemOutcome::kFailed;
    return failed ? VerifyStatus::kFailed : VerifyStatus::kAttacker;
  }
  return VerifyStatus::kChanged;
}

// A re-read is only reads: one whose answer was lost or broken is simply asked again.
Status read_live_retrying(api::RestClient& client, const HttpCall& call, LiveMap& live,
                          std::int64_t& calls) {
  constexpr int kAttempts = 5;
  for (int attempt = 1;; ++attempt) {
    Status s = read_live(client, call, live, calls);
    if (s || attempt >= kAttempts || !transient_failure(s.error())) return s;
  }
}

void tally(VerifySummary& s, VerifyStatus status) {
  switch (status) {
    case VerifyStatus::kRestored: ++s.restored; break;
    case VerifyStatus::kAttacker: ++s.attacker; break;
    case VerifyStatus::kChanged: ++s.changed; break;
    case VerifyStatus::kFailed: ++s.failed; break;
    case VerifyStatus::kGone: ++s.gone; break;
  }
}

}  // namespace

std::string_view verify_status_name(VerifyStatus status) {
  return kVerifyNames[static_cast<std::size_t>(status)];
}

// Appends one `verify` journal entry per ready item, so reports show what was verified and when.
static Status journal_verification(Store& store, const std::string& plan_id, const VerifySummary& summary) {
  std::vector<JournalEntry> entries;
  for (const VerifyItem& v : summary.items) {
    if (v.plan_status != ItemStatus::kReady) continue;
    entries.push_back(JournalEntry{plan_id, 0, "verify", v.record_id, v.field,
                                   std::string(verify_status_name(v.status)), v.live});
  }
  return store.append_journal(entries);
}

Result<VerifySummary> verify_plan(api::RestClient& client, Store& store, const Plan& plan) {
  auto journal = load_journal_state(store, plan.plan_id);
  if (!journal) return journal.error();
  VerifySummary summary;
  LiveMap live;
  for (const auto& call : calls_for(plan)) {
    if (auto s = read_live_retrying(client, call, live, summary.api_calls); !s) {
      return with_context(s.error(), "verify");
    }
  }
  for (const auto& it : plan.items) {
    if (!verifiable(it)) continue;
    VerifyItem v{it.sobject, it.record_id, it.api_field, it.status, VerifyStatus::kGone, "null"};
    auto rec = live.find(it.record_id);
    v.status = status_of(it, rec == live.end() ? nullptr : &rec->second, *journal, v.live);
    if (it.status == ItemStatus::kReady) tally(summary, v.status);
    summary.items.push_back(std::move(v));
  }
  if (auto s = journal_verification(store, plan.plan_id, summary); !s) return s.error();
  return summary;
}

}  // namespace sfrewind::rollback
