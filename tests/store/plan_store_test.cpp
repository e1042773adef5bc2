// Store: snapshots, plans and the hash-chained journal.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <sfrewind/store/store.hpp>

#include "support/temp_dir.hpp"

using namespace sfrewind;
using sfrewind::test::TempDir;

namespace {
const std::string kOrg = "00D000000000001AAA";

void raw_exec(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  sqlite3_close(db);
}
}  // namespace

TEST_SUITE("store") {
  TEST_CASE("incremental snapshots give the newest value per record and field") {
    auto store = Store::open({":memory:"});
    REQUIRE(store);
    auto first = store->begin_snapshot(kOrg, "Invoice__c", false);
    REQUIRE(first);
    std::vector<SnapshotValue> a = {
        {"Invoice__c", "a01000000000001AAA", "Paid__c", "false", "boolean", "2026-11-01T00:00:00.000Z"},
        {"Invoice__c", "a01000000000002AAA", "Paid__c", "true", "boolean", "2026-11-01T00:00:00.000Z"}};
    REQUIRE(store->add_snapshot_values(*first, kOrg, a));
    auto second = store->begin_snapshot(kOrg, "Invoice__c", true);
    REQUIRE(second);
    std::vector<SnapshotValue> b = {
        {"Invoice__c", "a01000000000001AAA", "Paid__c", "true", "boolean", "2026-11-02T00:00:00.000Z"}};
    REQUIRE(store->add_snapshot_values(*second, kOrg, b));
    auto at_first = store->snapshot_values(kOrg, *first);
    REQUIRE(at_first);
    REQUIRE(at_first->size() == 2);
    CHECK(at_first->at(0).value == "false");
    auto at_second = store->snapshot_values(kOrg, *second);
    REQUIRE(at_second->size() == 2);
    CHECK(at_second->at(0).value == "true");
    CHECK(at_second->at(1).value == "true");
    CHECK(store->latest_snapshot(kOrg)->value().snapshot_id == *second);
    CHECK(*store->last_modstamp(kOrg, "Invoice__c") == "2026-11-02T00:00:00.000Z");
    CHECK_FALSE(store->last_modstamp(kOrg, "Account")->has_value());
  }

  TEST_CASE("a plan is stored once and a different plan under its id is a conflict") {
    auto store = Store::open({":memory:"});
    REQUIRE(store);
    StoredPlan plan{"plan-1", kOrg, Timestamp(1000), "005000000000001AAA", Timestamp(0),
                    Timestamp(5000), "hash-a", "{}"};
    std::vector<PlanItemRow> items = {
        {"Invoice__c", "a01000000000001AAA", "Paid__c", "ready", "false", "true", ""}};
    REQUIRE(store->save_plan(plan, items));
    REQUIRE(store->save_plan(plan, items));
    plan.content_hash = "hash-b";
    auto clash = store->save_plan(plan, items);
    REQUIRE_FALSE(clash);
    CHECK(clash.error().code == ErrorCode::kConflict);
    auto loaded = store->load_plan("plan-1");
    REQUIRE(loaded->has_value());
    CHECK((*loaded)->content_hash == "hash-a");
    auto stored_items = store->plan_items("plan-1");
    REQUIRE(stored_items->size() == 1);
    CHECK(stored_items->front().restore_to == "false");
    CHECK_FALSE(store->load_plan("nope")->has_value());
  }

  TEST_CASE("the journal chain verifies and shows tampering") {
    TempDir dir;
    std::string path = dir.file("j.db");
    {
      auto store = Store::open({path});
      REQUIRE(store);
      std::vector<JournalEntry> batch = {
          {"plan-1", 0, "intent", "a01000000000001AAA", "Paid__c", "", ""},
          {"plan-1", 0, "outcome", "a01000000000001AAA", "Paid__c", "applied", ""}};
      REQUIRE(store->append_journal(batch));
      REQUIRE(store->append_journal(batch));
      CHECK(*store->verify_journal() == 0);
      auto rows = store->journal("plan-1");
      REQUIRE(rows->size() == 4);
      CHECK(rows->at(1).prev_hash == rows->at(0).hash);
      CHECK(rows->at(2).prev_hash == rows->at(1).hash);
    }
    raw_exec(path, "DROP TRIGGER journal_no_update; UPDATE journal SET outcome = 'failed' WHERE seq = 2");
    auto store = Store::open({path});
    REQUIRE(store);
    CHECK(*store->verify_journal() == 2);
  }

  TEST_CASE("a journal row removed behind the triggers breaks the chain") {
    TempDir dir;
    std::string path = dir.file("j.db");
    {
      auto store = Store::open({path});
      std::vector<JournalEntry> batch = {{"p", 0, "intent", "", "", "", ""},
                                         {"p", 0, "outcome", "", "", "applied", ""},
                                         {"p", 1, "intent", "", "", "", ""}};
      REQUIRE(store->append_journal(batch));
    }
    raw_exec(path, "DROP TRIGGER journal_no_delete; DELETE FROM journal WHERE seq = 2");
    auto store = Store::open({path});
    CHECK(*store->verify_journal() == 3);
  }
}
