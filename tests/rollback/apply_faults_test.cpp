// Apply's fault matrix against the in-process emulator: every fault alone and mixed, then a clean
// rerun; no item is ever written twice and the org ends as after a clean apply.
#include <algorithm>

#include <doctest/doctest.h>

#include <sfrewind/api/rest_client.hpp>
#include <sfrewind/auth/token_provider.hpp>
#include <sfrewind/rollback/batcher.hpp>
#include <sfrewind/rollback/executor.hpp>
#include <sfrewind/store/store.hpp>

#include "cli/plan_source.hpp"
#include "emu/org.hpp"
#include "rollback/acme_fixture.hpp"

namespace sfrewind::test::rollback_tests {
namespace {

http::HttpOptions fast_http() {
  http::HttpOptions h;
  h.retry.max_attempts = 6;
  h.retry.base_delay = std::chrono::milliseconds(1);
  h.retry.max_delay = std::chrono::milliseconds(5);
  h.no_proxy = "*";
  return h;
}

api::RestClient fast_responder(AcmeFixture& f) {
  auto tokens = auth::TokenProvider::make(
      auth::AuthConfig(auth::ClientCredentialsConfig{f.server().base_url(), "acme-responder-app",
                                                     "acme-responder-secret"}),
      fast_http());
  REQUIRE(tokens);
  auto client = api::RestClient::make(std::move(*tokens), api::RestOptions{"62.0", fast_http()});
  REQUIRE(client);
  return std::move(*client);
}

// A synced org, its store and the CLI's plan re-batched small so a run makes many calls.
struct Setup {
  AcmeFixture f;
  std::optional<Store> store;
  rollback::Plan plan;

  Setup() {
    f.sync();
    auto s = Store::open(StoreOptions{f.store_path(), false, false});
    REQUIRE(s);
    store.emplace(std::move(*s));
    auto loaded = cli::load_plan_ref(*store, f.plan());
    REQUIRE(loaded);
    plan = loaded->plan;
    rollback::BatchLimits limits;
    limits.records_per_collection = 50;
    limits.collections_per_composite = 2;
    limits.subrequests_per_composite = 20;
    auto b = rollback::make_batches(plan.items, plan.mode, plan.api_version, limits);
    plan.batches = std::move(b.batches);
    plan.estimate = b.estimate;
    rollback::finalize_plan(plan);
    REQUIRE(store->save_plan(cli::stored_plan(plan, "org"), cli::stored_items(plan)));
  }

  Result<rollback::ExecuteSummary> apply() {
    auto client = fast_responder(f);
    return rollback::execute_plan(client, *store, plan);
  }

  std::map<std::pair<std::string, std::string>, int> writes() {
    std::map<std::pair<std::string, std::string>, int> out;
    for (const auto& w : f.server().write_log()) {
      if (w.user == "responder@acme.example") out[{w.record_id, w.field}]++;
    }
    return out;
  }

  std::size_t ready() const {
    std::size_t n = 0;
    for (const auto& it : plan.items) n += it.status == rollback::ItemStatus::kReady ? 1 : 0;
    return n;
  }

  // The ready items' record ids of one object, in plan order.
  std::vector<std::string> records_of(const std::string& sobject) const {
    std::vector<std::string> out;
    for (const auto& it : plan.items) {
      bool ready = it.status == rollback::ItemStatus::kReady;
      if (ready && it.sobject == sobject && (out.empty() || out.back() != it.record_id)) {
        out.push_back(it.record_id);
      }
    }
    return out;
  }
};

// The org after a clean apply: computed once, every faulted run must end there.
const OrgState& clean_state() {
  static OrgState state = [] {
    Setup s;
    auto run = s.apply();
    REQUIRE(run);
    REQUIRE(run->applied == s.ready());
    return s.f.state();
  }();
  return state;
}

// The new faults of `f` really fired during the run (a case that never hit them proves nothing).
void check_fired(const emu::Server& server, const emu::FaultOptions& f) {
  emu::FaultStats st = server.fault_stats();
  if (f.spike_every > 0) CHECK(st.spikes > 0);
  if (f.malformed_every > 0) CHECK(st.malformed > 0);
  if (f.refresh_fail > 0) CHECK(st.refresh_failed == f.refresh_fail);
  if (f.refresh_deny) CHECK(st.refresh_denied > 0);
}

void check_written_at_most_once(Setup& s) {
  for (const auto& [k, n] : s.writes()) CHECK_MESSAGE(n == 1, k.first << "." << k.second << " x" << n);
}

// Clears the faults, reruns, and checks the end state, the write log and the journal.
void check_clean_rerun(Setup& s) {
  s.f.server().set_faults(emu::FaultOptions{});
  auto rerun = s.apply();
  REQUIRE_MESSAGE(rerun, (rerun ? "" : rerun.error().message));
  CHECK(rerun->pending == 0);
  check_written_at_most_once(s);
  CHECK(s.writes().size() == s.ready());
  CHECK(s.f.state() == clean_state());
  CHECK(s.store->verify_journal().value_or(-1) == 0);
}

TEST_SUITE("faults") {

TEST_CASE("apply under each transient fault alone and mixed completes and writes each item once") {
  struct Case { std::string name; emu::FaultOptions faults; };
  std::vector<Case> cases(9);
  cases[0].name = "fixed latency";
  cases[0].faults.latency_ms = 25;
  cases[1].name = "503 bursts";
  cases[1].faults.burst_503_every = 3;
  cases[1].faults.burst_503_length = 3;
  cases[2].name = "connection resets";
  cases[2].faults.reset_every = 5;
  cases[3].name = "truncated bodies";
  cases[3].faults.truncate_every = 5;
  cases[4].name = "token expiry mid-run";
  cases[4].faults.token_expire_after = 2;
  cases[5].name = "mixed";
  cases[5].faults.latency_ms = 3;
  cases[5].faults.burst_503_every = 5;
  cases[5].faults.reset_every = 7;
  cases[5].faults.truncate_every = 9;
  cases[5].faults.token_expire_after = 3;
  cases[5].faults.spike_every = 6;
  cases[5].faults.spike_ms = 20;
  cases[5].faults.malformed_every = 6;
  cases[5].faults.refresh_fail = 2;
  cases[6].name = "latency spikes";
  cases[6].faults.spike_every = 3;
  cases[6].faults.spike_ms = 40;
  cases[7].name = "malformed JSON";  // a complete 200 that does not parse: re-read, never resent
  cases[7].faults.malformed_every = 4;
  cases[8].name = "refresh failing";  // 503, reset, 503, reset at the token endpoint, then fine
  cases[8].faults.token_expire_after = 3;
  cases[8].faults.refresh_fail = 4;
  for (const Case& c : cases) {
    CAPTURE(c.name);
    Setup s;
    s.f.server().set_faults(c.faults);
    auto run = s.apply();
    REQUIRE_MESSAGE(run, (run ? "" : run.error().message));
    CHECK(run->applied == s.ready());
    CHECK_FALSE(run->needs_attention());
    check_written_at_most_once(s);
    check_fired(s.f.server(), c.faults);
    if (c.name == "malformed JSON") {
      // Some write's answer did not parse: the batch's re-read found it landed.
      std::size_t confirmed = 0;
      for (const auto& item : run->items) {
        confirmed += item.detail == "confirmed after an interrupted call" ? 1 : 0;
      }
      CHECK(confirmed > 0);
    }
    check_clean_rerun(s);
  }
}

TEST_CASE("apply whose answers never parse writes nothing twice and stops saying what was saved") {
  Setup s;
  emu::FaultOptions broken;
  broken.malformed_every = 1;
  s.f.server().set_faults(broken);
  auto r = s.f.cli({"apply", s.plan.plan_id, "--yes"});
  CHECK(r.code == 1);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(r.err.find("not valid JSON") != std::string::npos);
  CHECK(r.err.find("saved in the journal") != std::string::npos);
  CHECK(s.writes().empty());  // every re-read failed, so no write was ever sent
  check_fired(s.f.server(), broken);
  check_clean_rerun(s);
}

TEST_CASE("apply whose session cannot be renewed stops with exit 1 saying to re-authenticate") {
  Setup s;
  emu::FaultOptions deny;
  deny.token_expire_after = 4;  // two batches (re-read and write each), then 401
  deny.refresh_deny = true;     // and the token endpoint answers invalid_grant
  s.f.server().set_faults(deny);
  auto r = s.f.cli({"apply", s.plan.plan_id, "--yes"});
  CHECK(r.code == 1);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(r.err.find("invalid_grant") != std::string::npos);
  CHECK(r.err.find("re-authenticate (client credentials)") != std::string::npos);
  CHECK(r.err.find("saved in the journal") != std::string::npos);
  CHECK(r.err.find("rerun 'sfrewind apply " + s.plan.plan_id + " --yes' to resume") !=
        std::string::npos);
  CHECK(r.err.find("acme-responder-secret") == std::string::npos);
  CHECK(r.err.find("!AQ") == std::string::npos);  // no access token
  std::size_t partial = s.writes().size();
  CHECK(partial > 0);
  CHECK(partial < s.ready());
  check_written_at_most_once(s);
  check_fired(s.f.server(), deny);
  s.f.server().set_faults(emu::FaultOptions{});
  auto again = s.f.cli({"apply", s.plan.plan_id, "--yes"});
  CHECK_MESSAGE(again.code == 0, again.err);
  check_clean_rerun(s);
}

TEST_CASE("apply stopped by REQUEST_LIMIT_EXCEEDED says what was saved and a rerun completes") {
  Setup s;
  emu::FaultOptions limit;
  limit.limit_after = static_cast<int>(s.f.api_calls()) + 6;
  s.f.server().set_faults(limit);
  auto r = s.f.cli({"apply", s.plan.plan_id, "--yes"});
  CHECK(r.code == 1);
  CHECK(r.err.find("REQUEST_LIMIT_EXCEEDED") != std::string::npos);
  CHECK(r.err.find("saved in the journal") != std::string::npos);
  CHECK(r.err.find("rerun 'sfrewind apply " + s.plan.plan_id + " --yes' to resume") !=
        std::string::npos);
  std::size_t partial = s.writes().size();
  CHECK(partial > 0);
  CHECK(partial < s.ready());
  check_written_at_most_once(s);
  s.f.server().set_faults(emu::FaultOptions{});
  auto again = s.f.cli({"apply", s.plan.plan_id, "--yes"});
  CHECK_MESSAGE(again.code == 0, again.err);
  CHECK(again.out.find("settled by earlier runs") != std::string::npos);
  check_clean_rerun(s);
}

TEST_CASE("locked records fail alone with the failure recorded and the rest is restored") {
  Setup s;
  auto invoices = s.records_of("Invoice__c");
  REQUIRE(invoices.size() > 10);
  emu::FaultOptions faults;
  faults.lock_records = {invoices[3], invoices[7]};
  s.f.server().set_faults(faults);
  auto run = s.apply();
  REQUIRE(run);
  CHECK(run->needs_attention());  // the CLI exits 3 on this (rollback_cli tests)
  CHECK(run->failed == 4);        // two fields on each locked invoice
  CHECK(run->applied == s.ready() - 4);
  for (const auto& item : run->items) {
    bool is_locked = item.record_id == invoices[3] || item.record_id == invoices[7];
    CHECK((item.outcome == rollback::ItemOutcome::kFailed) == is_locked);
    if (is_locked) CHECK(item.detail.find("UNABLE_TO_LOCK_ROW") != std::string::npos);
  }
  auto w = s.writes();
  for (const auto& [k, n] : w) CHECK(k.first != invoices[3]);
  check_written_at_most_once(s);
  CHECK(s.store->verify_journal().value_or(-1) == 0);
}

TEST_CASE("a validation failure on some records fails those items only and is recorded") {
  Setup s;
  auto invoices = s.records_of("Invoice__c");
  REQUIRE(invoices.size() > 5);
  {
    auto lock = s.f.server().lock();
    emu::Org& org = s.f.server().org();
    int t = org.table("Invoice__c");
    REQUIRE(t >= 0);
    emu::Table& tab = org.tables[static_cast<std::size_t>(t)];
    emu::ValidationRule rule;
    rule.name = "Chaos_Test_Rule";
    rule.message = "This invoice cannot be reopened.";
    std::uint32_t row = 0;
    for (; row < tab.rows.size(); ++row) {
      if (org.record_id(t, row) == invoices[2]) break;
    }
    REQUIRE(row < tab.rows.size());
    rule.conds.push_back({"Name", "=", tab.rows[row].v[static_cast<std::size_t>(tab.def.field("Name"))]});
    tab.def.rules.push_back(rule);
  }
  auto run = s.apply();
  REQUIRE(run);
  CHECK(run->needs_attention());
  CHECK(run->failed == 2);
  for (const auto& item : run->items) {
    if (item.record_id != invoices[2]) continue;
    CHECK(item.outcome == rollback::ItemOutcome::kFailed);
    CHECK(item.detail.find("FIELD_CUSTOM_VALIDATION_EXCEPTION") != std::string::npos);
  }
  CHECK(s.writes().size() == s.ready() - 2);
  check_written_at_most_once(s);
  // A rerun tries the failed items again (after a re-read); the rule still refuses them.
  auto again = s.apply();
  REQUIRE(again);
  CHECK(again->failed == 2);
  CHECK(again->from_journal == s.ready() - 2);
  CHECK(s.writes().size() == s.ready() - 2);
  check_written_at_most_once(s);
}

TEST_CASE("an item that failed on a locked row is applied once by the next apply") {
  Setup s;
  auto invoices = s.records_of("Invoice__c");
  REQUIRE(invoices.size() > 10);
  const std::string locked = invoices[5];
  emu::FaultOptions faults;
  faults.lock_records = {locked};
  s.f.server().set_faults(faults);
  auto first = s.f.cli({"apply", s.plan.plan_id, "--yes"});
  CHECK(first.code == 3);
  CHECK(first.out.find("UNABLE_TO_LOCK_ROW") != std::string::npos);
  CHECK(first.out.find("2 failed") != std::string::npos);
  for (const auto& [k, n] : s.writes()) CHECK(k.first != locked);
  s.f.server().set_faults(emu::FaultOptions{});
  auto second = s.f.cli({"apply", s.plan.plan_id, "--yes"});
  CHECK_MESSAGE(second.code == 0, second.err);
  // Every item is applied now; all but the locked record's two were settled by the first run.
  CHECK_MESSAGE(second.out.find(": " + std::to_string(s.ready()) +
                                " applied, 0 already restored, 0 drifted, 0 failed, 0 pending (" +
                                std::to_string(s.ready() - 2) + " settled by earlier runs)") !=
                    std::string::npos,
                second.out);
  CHECK(second.out.find("records written: 1;") != std::string::npos);
  int locked_writes = 0;
  for (const auto& [k, n] : s.writes()) {
    if (k.first == locked) locked_writes += n;
  }
  CHECK(locked_writes == 2);  // two fields, each written once
  check_written_at_most_once(s);
  CHECK(s.writes().size() == s.ready());
  auto verify = s.f.cli({"verify", s.plan.plan_id});
  CHECK_MESSAGE(verify.code == 0, verify.out);
  CHECK(verify.out.find("ready items: " + std::to_string(s.ready()) + " restored") !=
        std::string::npos);
  CHECK(s.f.state() == clean_state());
  auto third = s.f.cli({"apply", s.plan.plan_id, "--yes"});  // nothing left to do
  CHECK(third.code == 0);
  CHECK(s.writes().size() == s.ready());
}

TEST_CASE("a record deleted between plan and apply is reported and the rest is restored") {
  Setup s;
  auto invoices = s.records_of("Invoice__c");
  REQUIRE(invoices.size() > 5);
  auto client = fast_responder(s.f);
  REQUIRE(client.call(http::Method::kDelete,
                      client.data_path() + "/sobjects/Invoice__c/" + invoices[4]));
  auto r = s.f.cli({"apply", s.plan.plan_id, "--yes"});
  CHECK(r.code == 3);
  CHECK(r.out.find("ENTITY_IS_DELETED") != std::string::npos);
  CHECK(r.out.find("2 failed") != std::string::npos);
  auto w = s.writes();
  CHECK(w.size() == s.ready() - 2);
  for (const auto& [k, n] : w) CHECK(k.first != invoices[4]);
  check_written_at_most_once(s);
}

}  // TEST_SUITE

}  // namespace
}  // namespace sfrewind::test::rollback_tests
