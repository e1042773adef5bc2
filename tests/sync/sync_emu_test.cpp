// History sync against the in-process emulator: fills the store, is incremental, survives faults.
#include <algorithm>

#include <doctest/doctest.h>

#include <sfrewind/auth/token_provider.hpp>
#include <sfrewind/store/store.hpp>
#include <sfrewind/sync/history_sync.hpp>

#include "support/acme.hpp"
#include "support/cli_run.hpp"
#include "support/temp_dir.hpp"

using namespace sfrewind;
using sfrewind::test::TempDir;

namespace {

http::HttpOptions fast_http() {
  http::HttpOptions h;
  h.retry.max_attempts = 8;
  h.retry.base_delay = std::chrono::milliseconds(1);
  h.retry.max_delay = std::chrono::milliseconds(5);
  h.no_proxy = "*";
  return h;
}

std::shared_ptr<auth::TokenProvider> responder(const emu::Server& server) {
  auto tokens = auth::TokenProvider::make(
      auth::ClientCredentialsConfig{server.base_url(), "acme-responder-app", "acme-responder-secret"},
      fast_http());
  REQUIRE(tokens);
  return *tokens;
}

Result<sync::SyncSummary> run_sync(emu::Server& server, Store& store, int jobs = 4,
                                   int batch = 200) {
  sync::SyncOptions options;
  options.jobs = jobs;
  options.batch_size = batch;
  options.rest.http = fast_http();
  return sync::sync_history(responder(server), store, options);
}

constexpr const char* kOrg = "00D5g00000ACME1EAP";

// The new faults of `f` really fired during the run (a case that never hit them proves nothing).
void check_fired(const emu::Server& server, const emu::FaultOptions& f) {
  emu::FaultStats st = server.fault_stats();
  if (f.spike_every > 0) CHECK(st.spikes > 0);
  if (f.malformed_every > 0) CHECK(st.malformed > 0);
  if (f.refresh_fail > 0) CHECK(st.refresh_failed == f.refresh_fail);
  if (f.refresh_deny) CHECK(st.refresh_denied > 0);
}

// The history table of a clean sync of the sample, computed once for every test that compares.
const std::vector<std::string>& clean_history() {
  static const std::vector<std::string> rows = [] {
    TempDir dir;
    auto server = test::start_acme();
    REQUIRE(server);
    auto store = Store::open({dir.file("clean.db")});
    REQUIRE(store);
    REQUIRE(run_sync(*server, *store));
    return test::history_dump(dir.file("clean.db"));
  }();
  return rows;
}

}  // namespace

TEST_SUITE("sync") {
  TEST_CASE("a first sync stores every history row of the sample with values as sent") {
    auto server = test::start_acme();
    REQUIRE(server);
    TempDir dir;
    std::string path = dir.file("s.db");
    auto store = Store::open({path});
    REQUIRE(store);
    auto summary = run_sync(*server, *store);
    REQUIRE_MESSAGE(summary, (summary ? "" : summary.error().message));
    CHECK(summary->new_rows() == 2635);
    CHECK(test::sql_one(path, "SELECT count(*) FROM history") == "2635");
    // The incident: 600 invoice rows, 25 bank accounts and an owner (two rows) by the attacker.
    CHECK(test::sql_one(path,
                        "SELECT count(*) FROM history h JOIN users u ON u.user_id = h.changed_by "
                        "WHERE u.username = 'integration.accounting@acme.example' AND "
                        "h.changed_at >= '2026-11-20T01:00:00.000Z' AND "
                        "h.changed_at < '2026-11-20T03:00:00.000Z'") == "627");
    CHECK(test::sql_one(path, "SELECT count(*) FROM history WHERE field = 'Owner' AND "
                              "changed_at LIKE '2026-11-20T02:41:07%'") == "2");
    CHECK(test::sql_one(path, "SELECT group_concat(data_type, ',') FROM (SELECT data_type FROM "
                              "history WHERE field = 'Owner' AND changed_at LIKE "
                              "'2026-11-20T02:41:07%' ORDER BY data_type)") == "EntityId,Text");
    // Deleted invoice history arrives through queryAll, flagged.
    CHECK(test::sql_one(path, "SELECT count(*) > 0 FROM history WHERE is_deleted = 1") == "1");
    // Values as Salesforce sent them: booleans as true/false, dates as text, ids 18 chars.
    CHECK(test::sql_one(path, "SELECT count(*) FROM history WHERE field = 'Paid__c' AND "
                              "new_value NOT IN ('true', 'false')") == "0");
    CHECK(test::sql_one(path, "SELECT count(*) FROM history WHERE length(record_id) != 18 OR "
                              "length(history_id) != 18 OR length(changed_by) != 18") == "0");
    CHECK(test::sql_one(path, "SELECT count(*) FROM history WHERE changed_at NOT GLOB "
                              "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:"
                              "[0-9][0-9].[0-9][0-9][0-9]Z'") == "0");
    CHECK(test::sql_one(path, "SELECT count(*) FROM users") == std::to_string(summary->users_synced));
    CHECK(test::sql_one(path, "SELECT is_integration FROM users WHERE username = "
                              "'integration.accounting@acme.example'") == "1");
  }

  TEST_CASE("a second sync fetches only what is new") {
    auto server = test::start_acme();
    REQUIRE(server);
    TempDir dir;
    std::string path = dir.file("s.db");
    auto store = Store::open({path});
    REQUIRE(store);
    REQUIRE(run_sync(*server, *store));
    auto again = run_sync(*server, *store);
    REQUIRE(again);
    CHECK(again->new_rows() == 0);
    CHECK(again->seen_rows() < 100);  // only the overlap before the watermark is re-read
    CHECK(test::sql_one(path, "SELECT count(*) FROM history") == "2635");
    CHECK(test::sql_one(path, "SELECT count(*) FROM sync_slices") == "0");
  }

  TEST_CASE("sync with faults ends with exactly the rows of a clean sync") {
    TempDir dir;
    const std::vector<std::string>& clean = clean_history();
    REQUIRE(clean.size() == 2635);
    struct Case { const char* name; emu::FaultOptions faults; };
    emu::FaultOptions bursts;
    bursts.burst_503_every = 4;
    bursts.burst_503_length = 3;
    emu::FaultOptions resets;
    resets.reset_every = 5;
    emu::FaultOptions truncated;
    truncated.truncate_every = 4;
    emu::FaultOptions expiry;
    expiry.token_expire_after = 3;
    emu::FaultOptions locators;
    locators.expire_locators = true;
    emu::FaultOptions spikes;
    spikes.spike_every = 4;
    spikes.spike_ms = 30;
    emu::FaultOptions malformed;
    malformed.malformed_every = 4;
    emu::FaultOptions refresh;
    refresh.token_expire_after = 3;
    refresh.refresh_fail = 4;  // 503, reset, 503, reset, then the token endpoint recovers
    emu::FaultOptions mixed;
    mixed.burst_503_every = 9;
    mixed.reset_every = 11;
    mixed.truncate_every = 13;
    mixed.token_expire_after = 7;
    mixed.latency_ms = 2;
    mixed.spike_every = 10;
    mixed.spike_ms = 20;
    mixed.malformed_every = 12;
    mixed.refresh_fail = 2;
    const Case cases[] = {{"503 bursts", bursts},        {"resets", resets},
                          {"truncated bodies", truncated}, {"token expiry", expiry},
                          {"expired locators", locators}, {"latency spikes", spikes},
                          {"malformed JSON", malformed},  {"refresh failing", refresh},
                          {"mixed", mixed}};
    for (const Case& c : cases) {
      CAPTURE(c.name);
      auto server = test::start_acme(c.faults);
      REQUIRE(server);
      std::string path = dir.file(std::string(c.name) + ".db");
      auto store = Store::open({path});
      REQUIRE(store);
      auto summary = run_sync(*server, *store, 3, 200);
      REQUIRE_MESSAGE(summary, (summary ? "" : summary.error().message));
      CHECK(test::history_dump(path) == clean);
      // A restarted query repeats the rows of its last second; they are stored and counted once.
      CHECK(summary->new_rows() == clean.size());
      CHECK(test::sql_one(path, "SELECT count(*) FROM sync_slices") == "0");
      check_fired(*server, c.faults);
    }
  }

  TEST_CASE("a sync whose session cannot be renewed keeps its rows and says to re-authenticate") {
    TempDir dir;
    const std::vector<std::string>& clean = clean_history();
    REQUIRE(clean.size() == 2635);
    emu::FaultOptions deny;
    deny.token_expire_after = 24;  // past discovery and planning (11 calls): dies among the pages
    deny.refresh_deny = true;      // then the token endpoint answers invalid_grant
    auto server = test::start_acme(deny);
    REQUIRE(server);
    std::string path = dir.file("s.db");
    // The refresh-token flow: a 401 makes the CLI ask the token endpoint with the refresh token.
    std::vector<std::string> args = {"--store", path, "sync", "--jobs", "2", "--batch-size", "200",
                                     "--refresh-token", "acme-responder-refresh-TEST-ONLY",
                                     "--client-id", "acme-responder-app", "--client-secret",
                                     "acme-responder-secret", "--login-url", server->base_url()};
    auto stopped = test::run_cli(args);
    CHECK(stopped.code == 1);
    CHECK(std::count(stopped.err.begin(), stopped.err.end(), '\n') == 1);
    CHECK(stopped.err.find("sync stopped after saving") != std::string::npos);
    CHECK(stopped.err.find("invalid_grant") != std::string::npos);
    // Whichever connection meets the refusal first (a refresh, or another connection's next
    // call logging in again) must say the same.
    CHECK_MESSAGE(stopped.err.find("re-authenticate (refresh token), then rerun 'sfrewind sync' "
                                   "to resume") != std::string::npos,
                  stopped.err);
    for (const char* secret : {"acme-responder-secret", "acme-responder-refresh-TEST-ONLY", "!AQ"}) {
      CHECK_MESSAGE(stopped.err.find(secret) == std::string::npos, secret);
    }
    std::string partial = test::sql_one(path, "SELECT count(*) FROM history");
    CHECK(std::stoi(partial) > 0);  // the pages fetched before the refusal are stored
    CHECK(std::stoi(partial) < 2635);
    check_fired(*server, deny);
    server->set_faults(emu::FaultOptions{});
    auto resumed = test::run_cli(args);
    CHECK_MESSAGE(resumed.code == 0, resumed.err);
    CHECK(test::history_dump(path) == clean);
  }

  TEST_CASE("a sync stopped by the API limit keeps its rows and the next run completes") {
    TempDir dir;
    std::string path = dir.file("s.db");
    emu::FaultOptions limit;
    limit.limit_after = 14;
    auto server = test::start_acme(limit);
    REQUIRE(server);
    auto store = Store::open({path});
    REQUIRE(store);
    auto stopped = run_sync(*server, *store, 2, 200);
    REQUIRE_FALSE(stopped);
    CHECK(stopped.error().code == ErrorCode::kRateLimited);
    CHECK(stopped.error().message.find("rerun 'sfrewind sync' to resume") != std::string::npos);
    std::string partial = test::sql_one(path, "SELECT count(*) FROM history");
    CHECK(partial != "2635");
    server->set_faults(emu::FaultOptions{});
    auto resumed = run_sync(*server, *store, 2, 200);
    REQUIRE_MESSAGE(resumed, (resumed ? "" : resumed.error().message));
    CHECK(test::sql_one(path, "SELECT count(*) FROM history") == "2635");
  }

  TEST_CASE("an edit made after a sync arrives with the next one attributed to its user") {
    auto server = test::start_acme();
    REQUIRE(server);
    TempDir dir;
    std::string path = dir.file("s.db");
    auto store = Store::open({path});
    REQUIRE(run_sync(*server, *store));
    std::string invoice = test::sql_one(path, "SELECT record_id FROM history WHERE sobject = "
                                              "'Invoice__c' AND is_deleted = 0 LIMIT 1");
    auto api = api::RestClient::make(responder(*server), api::RestOptions{"62.0", fast_http()});
    REQUIRE(api);
    api::CollectionRecord r{"Invoice__c", invoice, {{"Amount__c", "123.45"}}};
    auto outcome = api->update_records({r});
    REQUIRE(outcome);
    REQUIRE(outcome->size() == 1);
    CHECK(outcome->front().success);
    auto next = run_sync(*server, *store);
    REQUIRE(next);
    CHECK(next->new_rows() == 1);
    CHECK(test::sql_one(path, "SELECT h.new_value || ' ' || u.username FROM history h JOIN users "
                              "u ON u.user_id = h.changed_by WHERE h.record_id = '" + invoice +
                              "' AND h.field = 'Amount__c' ORDER BY h.changed_at DESC LIMIT 1") ==
          "123.45 responder@acme.example");
  }

  TEST_CASE("discovery reports the sample's tracked fields and which can be restored") {
    auto server = test::start_acme();
    REQUIRE(server);
    auto api = api::RestClient::make(responder(*server), api::RestOptions{"62.0", fast_http()});
    REQUIRE(api);
    auto objects = sync::discover(*api, {});
    REQUIRE(objects);
    std::map<std::string, std::string> seen;
    for (const auto& o : *objects) {
      for (const auto& f : o.fields) {
        seen[o.object.sobject + "." + f.name] = f.restorable ? "yes" : f.reason;
      }
    }
    CHECK(seen["Invoice__c.Paid__c"] == "yes");
    CHECK(seen["Invoice__c.Date_Paid__c"] == "yes");
    CHECK(seen["Invoice__c.Notes__c"] == "long text");
    CHECK(seen["Account.Bank_Account__c"] == "yes");
    CHECK(seen.count("Invoice__c.Days_Outstanding__c") == 0);
    auto bad = sync::discover(*api, {"No_Such_Object__c"});
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == ErrorCode::kInvalidArgument);
  }
}
