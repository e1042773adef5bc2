// Snapshots against the acme emulator: diff after an edit, drift on an untracked field, the
// run lock, alert rules on sync, and the pure diff and drift rules.
#include <doctest/doctest.h>

#include <sfrewind/store/run_lock.hpp>
#include <sfrewind/sync/snapshot.hpp>

#include "support/acme_fixture.hpp"
#include "support/history_rows.hpp"

using namespace sfrewind;
using namespace sfrewind::test;

namespace {

// The account whose owner the attacker reassigned (Acme Customer 001).
std::string owner_account(Acme& acme) {
  Store store = acme.open_store();
  HistoryFilter f;
  f.org_id = store.org_ids()->front();
  f.field = "Owner";
  f.from = *Timestamp::parse("2026-11-20T01:00:00Z");
  return first_record(store, f);
}

SnapshotValue value(const std::string& record, const std::string& field,
                    std::optional<std::string> v, const char* kind) {
  return SnapshotValue{"Account", record, field, std::move(v), kind, ""};
}

}  // namespace

TEST_SUITE("snapshot") {
  TEST_CASE("snapshot --diff after an emulator edit lists it and finds no drift once synced") {
    Acme acme;
    acme.sync();
    auto first = acme.run({"snapshot", "--diff"}, true);
    INFO(first.err);
    REQUIRE(first.code == 0);
    CHECK(first.out.find("first snapshot: nothing to compare") != std::string::npos);
    std::string account = owner_account(acme);
    REQUIRE(!account.empty());
    acme.edit("tok-admin", "Account", account, "Credit_Limit__c", "123456.0");
    acme.sync();
    auto second = acme.run({"snapshot", "--diff"}, true);
    INFO(second.err);
    CHECK(second.code == 0);
    CHECK(second.err.empty());
    check_golden("review/snapshot_diff_after_edit.txt", second.out.substr(second.out.find('\n') + 1));
    CHECK(second.out.find("Credit_Limit__c") != std::string::npos);
    CHECK(second.out.find("'123456.0'") != std::string::npos);
  }

  TEST_CASE("an edit to an untracked field is reported as drift with exit 3") {
    Acme acme;
    acme.sync();
    auto first = acme.run({"snapshot", "--fields", "Account.Industry"}, true);
    INFO(first.err);
    REQUIRE(first.code == 0);
    std::string account = owner_account(acme);
    acme.edit("tok-admin", "Account", account, "Industry", "\"Mining\"");
    auto second = acme.run({"--json", "snapshot", "--fields", "Account.Industry", "--diff"}, true);
    INFO(second.err);
    CHECK(second.code == 3);
    check_golden("review/snapshot_drift_untracked.json", second.out);
    CHECK(second.out.find("\"field\":\"Industry\",\"live\":\"Mining\"") != std::string::npos);
    CHECK(second.out.find("\"expected_from\":\"snapshot\"") != std::string::npos);
  }

  TEST_CASE("a tracked edit the store's history has not seen is drift until the next sync") {
    Acme acme;
    acme.sync();
    REQUIRE(acme.run({"-q", "snapshot"}, true).code == 0);
    std::string account = owner_account(acme);
    acme.edit("tok-admin", "Account", account, "Bank_Account__c", "\"XX00\"");
    auto r = acme.run({"-q", "snapshot"}, true);
    CHECK(r.code == 3);
    CHECK(r.err.find("drift: Account " + account + " Bank_Account__c is 'XX00', history says") !=
          std::string::npos);
    acme.sync();
    CHECK(acme.run({"-q", "snapshot"}, true).code == 0);
  }

  TEST_CASE("a second run while the lock is held exits 75 with one line") {
    Acme acme;
    auto held = RunLock::acquire(RunLock::path_for_store(acme.store()));
    REQUIRE(held.has_value());
    for (auto cmd : {"sync", "snapshot"}) {
      auto r = acme.run({cmd}, true);
      CHECK(r.code == 75);
      CHECK(r.err.find("another sync or snapshot is running") != std::string::npos);
      CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    }
    CHECK(!std::filesystem::exists(acme.store()));
  }

  TEST_CASE("sync --alert flags the incident rate and a new field of an integration user") {
    Acme acme;
    auto first = acme.run({"-q", "sync", "--alert", "rate=100", "--alert", "new-field"}, true);
    CHECK(first.code == 3);
    CHECK(first.err.find("alert: rate: integration.accounting@acme.example changed") !=
          std::string::npos);
    CHECK(first.err.find("new field") == std::string::npos);  // empty store: no baseline
    auto quiet = acme.run({"-q", "sync", "--alert", "new-field"}, true);
    CHECK(quiet.code == 0);
    CHECK(quiet.out.empty());
    CHECK(quiet.err.empty());
    acme.edit("tok-marketing", "Account", owner_account(acme), "Credit_Limit__c", "1.0");
    auto r = acme.run({"-q", "sync", "--alert", "new-field"}, true);
    CHECK(r.code == 3);
    CHECK(r.err.find("alert: new field: integration.marketing@acme.example changed "
                     "Account.Credit_Limit__c for the first time") != std::string::npos);
  }

  TEST_CASE("bad input to snapshot and sync alerts is one line and exit 2 with nothing written") {
    Acme acme;
    const std::vector<std::vector<std::string>> bad = {
        {"snapshot", "--objects", "Account' OR Id != '"},
        {"snapshot", "--fields", "Industry"},
        {"snapshot", "--fields", "Account.No Such"},
        {"snapshot", "--batch-size", "5"},
        {"sync", "--alert", "rate=zero"},
        {"sync", "--alert", "sometimes"},
    };
    for (const auto& args : bad) {
      auto r = acme.run(args, true);
      INFO(args.back(), ": ", r.err);
      CHECK(r.code == 2);
      CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    }
    CHECK(!std::filesystem::exists(acme.store()));
  }

  TEST_CASE("diff lists changed and added values and drift follows history before snapshots") {
    const std::string a = make_id("001", 1);
    const std::string b = make_id("001", 2);
    std::vector<SnapshotValue> older{value(a, "Industry", "Energy", "string"),
                                     value(a, "Credit_Limit__c", "100", "number")};
    std::vector<SnapshotValue> newer{value(a, "Industry", "Mining", "string"),
                                     value(a, "Credit_Limit__c", "100.0", "number"),
                                     value(b, "Industry", std::nullopt, "null")};
    auto diff = sync::diff_values(older, newer);
    REQUIRE(diff.size() == 2);
    CHECK(diff[0].field == "Industry");
    CHECK(diff[0].new_value.text() == "Mining");
    CHECK(diff[1].added);
    RowTable h("Account");
    h.add(a, "Credit_Limit__c", "50", "100", make_id("005", 1), "2026-11-01T00:00:00Z", "Currency");
    auto drift = sync::find_drift(older, newer, h.rows());
    REQUIRE(drift.size() == 1);  // the number agrees with history, the untracked text does not
    CHECK(drift[0].field == "Industry");
    CHECK(drift[0].expected_from == "snapshot");
    CHECK(sync::history_field_name("OwnerId") == "Owner");
    CHECK(sync::history_field_name("Account__c") == "Account__c");
  }
  TEST_CASE("the store's drift check reads the rows it needs and finds what all rows give") {
    auto store = Store::open({":memory:"});
    REQUIRE(store);
    const std::string a = make_id("001", 1);
    const std::string b = make_id("001", 2);
    const std::string by = make_id("005", 1);
    RowTable h("Account");
    h.add(a, "Industry", std::nullopt, "Energy", by, "2026-11-01T00:00:00Z");
    h.add(a, "Industry", "Energy", "Mining", by, "2026-11-02T00:00:00Z");
    // One second, the lower history id last in the chain: only the change before orders them.
    h.add(a, "Industry", "Oil", "Gas", by, "2026-11-03T00:00:00Z");
    h.add(a, "Industry", "Mining", "Oil", by, "2026-11-03T00:00:00Z");
    // Long text: the last row holds no value, the one before does.
    h.add(a, "Description", std::nullopt, "old text", by, "2026-11-01T00:00:00Z");
    h.add(a, "Description", std::nullopt, std::nullopt, by, "2026-11-04T00:00:00Z");
    // Long text whose rows never hold a value: nothing in history to expect.
    h.add(a, "Notes__c", std::nullopt, std::nullopt, by, "2026-11-01T00:00:00Z");
    h.add(a, "Notes__c", std::nullopt, std::nullopt, by, "2026-11-04T00:00:00Z");
    h.add(a, "Credit_Limit__c", "50", "100", by, "2026-11-01T00:00:00Z", "Currency");
    h.add(b, "Industry", "Energy", "Retail", by, "2026-11-05T00:00:00Z");
    REQUIRE(store->insert_history("AccountHistory", h.rows()));
    const std::string org = h.rows().front().org_id;
    auto id = store->begin_snapshot(org, "Account", false);
    REQUIRE(id);
    std::vector<SnapshotValue> newer{value(a, "Industry", "Gas", "string"),
                                     value(a, "Description", "new text", "string"),
                                     value(a, "Notes__c", "any text", "string"),
                                     value(a, "Credit_Limit__c", "100", "number")};
    REQUIRE(store->add_snapshot_values(*id, org, newer));
    auto review = sync::review_snapshot(*store, org, 0, *id);
    REQUIRE(review);
    REQUIRE(review->drift.size() == 1);
    CHECK(review->drift[0].field == "Description");
    CHECK(review->drift[0].expected.text() == "old text");
    CHECK(review->drift[0].expected_from == "history");
    auto stored = store->snapshot_values(org, *id);
    auto all = sync::find_drift({}, *stored, h.rows());
    REQUIRE(all.size() == review->drift.size());
    CHECK(all[0].history_id == review->drift[0].history_id);
  }

  TEST_CASE("the store's drift check over many records, a few thousand at a time, misses none") {
    auto store = Store::open({":memory:"});
    REQUIRE(store);
    const std::string by = make_id("005", 1);
    RowTable h("Account");
    std::vector<SnapshotValue> newer;
    std::vector<std::string> drifted;
    for (long i = 1; i <= 12001; ++i) {
      const std::string rec = make_id("001", i);
      // Drift on records either side of every few thousand, and on a record's second value.
      bool drift = i % 997 == 0 || i % 5000 <= 1;
      h.add(rec, "Industry", "Energy", drift ? "Oil" : "Mining", by, "2026-11-01T00:00:00Z");
      if (i % 2500 <= 1) {
        h.add(rec, "Credit_Limit__c", "50", "100", by, "2026-11-01T00:00:00Z", "Currency");
        newer.push_back(value(rec, "Credit_Limit__c", "100", "number"));
      }
      newer.push_back(value(rec, "Industry", "Mining", "string"));
      if (drift) drifted.push_back(rec);
    }
    REQUIRE(store->insert_history("AccountHistory", h.rows()));
    const std::string org = h.rows().front().org_id;
    auto id = store->begin_snapshot(org, "Account", false);
    REQUIRE(id);
    REQUIRE(store->add_snapshot_values(*id, org, newer));
    auto review = sync::review_snapshot(*store, org, 0, *id);
    REQUIRE(review);
    REQUIRE(review->drift.size() == drifted.size());
    for (std::size_t k = 0; k < drifted.size(); ++k) {
      CHECK(review->drift[k].record_id == drifted[k]);
      CHECK(review->drift[k].expected.text() == "Oil");
    }
    auto stored = store->snapshot_values(org, *id);
    REQUIRE(stored);
    auto all = sync::find_drift({}, *stored, h.rows());
    REQUIRE(all.size() == review->drift.size());
    for (std::size_t k = 0; k < all.size(); ++k) {
      CHECK(all[k].history_id == review->drift[k].history_id);
    }
    // An incremental snapshot after it: changes either side of a part's edge, and a new record.
    auto next = store->begin_snapshot(org, "Account", true);
    REQUIRE(next);
    std::vector<SnapshotValue> changed;
    for (long i : {1L, 5000L, 5001L, 12001L}) {
      changed.push_back(value(make_id("001", i), "Industry", "Retail", "string"));
    }
    changed.push_back(value(make_id("001", 12002), "Industry", "Mining", "string"));
    REQUIRE(store->add_snapshot_values(*next, org, changed));
    auto second = sync::review_snapshot(*store, org, *id, *next);
    REQUIRE(second);
    auto older = store->snapshot_values(org, *id);
    auto newer2 = store->snapshot_values(org, *next);
    REQUIRE((older && newer2));
    auto expected = sync::diff_values(*older, *newer2);
    REQUIRE(expected.size() == 5);
    REQUIRE(second->changes.size() == expected.size());
    for (std::size_t k = 0; k < expected.size(); ++k) {
      CHECK(second->changes[k].record_id == expected[k].record_id);
      CHECK(second->changes[k].added == expected[k].added);
    }
    CHECK(second->changes.back().added);
  }
}
