// Store: snapshots, plans and the hash-chained journal.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <sfrewind/store/store.hpp>

#include "store/deflate.hpp"
#include "support/raw_sql.hpp"
#include "support/temp_dir.hpp"

using namespace sfrewind;
using sfrewind::test::TempDir;
using sfrewind::test::raw_scalar;

namespace {
const std::string kOrg = "00D000000000001AAA";

// The plan text of tens of megabytes that plan writes for 100,000 items, in miniature: repetitive
// JSON with values that do not repeat.
std::string plan_text(int items) {
  std::string text = "{\n  \"items\": [";
  for (int i = 0; i < items; ++i) {
    text += (i ? ",\n" : "\n") + std::string("    {\"record_id\": \"a01") +
            std::to_string(i * 7919) + "\", \"restore_to\": \"\u00e9t\u00e9 " +
            std::to_string(i * 31 % 1000) + "\"}";
  }
  return text + "\n  ]\n}\n";
}

std::string raw_text(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  std::string out = "<error>";
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    const void* p = sqlite3_column_blob(st, 0);
    out.assign(p ? static_cast<const char*>(p) : "",
               static_cast<std::size_t>(sqlite3_column_bytes(st, 0)));
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

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
    // By record: only the records asked for, each with the value as of the snapshot asked.
    const std::vector<std::string> one = {"a01000000000002AAA"};
    auto second_only = store->snapshot_values_of(kOrg, *second, one);
    REQUIRE(second_only);
    REQUIRE(second_only->size() == 1);
    CHECK(second_only->front().record_id == "a01000000000002AAA");
    CHECK(second_only->front().value == "true");
    const std::vector<std::string> both = {"a01000000000001AAA", "a01000000000002AAA", "a0100000000000XAAA"};
    auto first_of_both = store->snapshot_values_of(kOrg, *first, both);
    REQUIRE(first_of_both->size() == 2);
    CHECK(first_of_both->at(0).value == "false");
    CHECK(store->snapshot_values_of(kOrg, *second, both)->at(0).value == "true");
    CHECK(store->snapshot_values_of("00D000000000002AAA", *second, both)->empty());
    CHECK(store->latest_snapshot(kOrg)->value().snapshot_id == *second);
    CHECK(*store->last_modstamp(kOrg, "Invoice__c") == "2026-11-02T00:00:00.000Z");
    CHECK_FALSE(store->last_modstamp(kOrg, "Account")->has_value());
    // The records as of each snapshot, from the index.
    CHECK(store->snapshot_records(kOrg, *first)->size() == 2);
    CHECK(store->snapshot_records("00D000000000002AAA", *second)->empty());
  }

  TEST_CASE("a value stored again in the same snapshot replaces the first, every column") {
    TempDir dir;
    std::string path = dir.file("s.db");
    auto store = Store::open({path});
    REQUIRE(store);
    auto id = store->begin_snapshot(kOrg, "Invoice__c", false);
    REQUIRE(id);
    std::vector<SnapshotValue> a = {
        {"Invoice__c", "a01000000000001AAA", "Paid__c", "false", "boolean", "2026-11-01T00:00:00.000Z"}};
    REQUIRE(store->add_snapshot_values(*id, kOrg, a));
    std::vector<SnapshotValue> b = {
        {"Invoice__c", "a01000000000001AAA", "Paid__c", std::nullopt, "null", "2026-11-02T00:00:00.000Z"}};
    REQUIRE(store->add_snapshot_values(*id, kOrg, b));
    auto got = store->snapshot_values(kOrg, *id);
    REQUIRE(got);
    REQUIRE(got->size() == 1);
    CHECK_FALSE(got->front().value.has_value());
    CHECK(got->front().value_kind == "null");
    CHECK(got->front().system_modstamp == "2026-11-02T00:00:00.000Z");
    CHECK(raw_scalar(path, "SELECT count(*) FROM snapshot_values") == "1");
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

  TEST_CASE("plan items stored from references read back as the rows they point to") {
    auto store = Store::open({":memory:"});
    REQUIRE(store);
    StoredPlan plan{"plan-refs", kOrg, Timestamp(1000), "005000000000001AAA", Timestamp(0),
                    Timestamp(5000), "hash-r", "{}"};
    const std::string restore = "\"Net 30\"", reason = "later edit by 005000000000009AAA";
    std::vector<PlanItemRef> refs = {
        {"Invoice__c", "a01000000000001AAA", "Terms__c", "ready", restore, std::nullopt, ""},
        {"Invoice__c", "a01000000000002AAA", "Paid__c", "conflict", std::nullopt, "true", reason}};
    REQUIRE(store->save_plan(plan, refs));
    auto items = store->plan_items("plan-refs");
    REQUIRE(items);
    REQUIRE(items->size() == 2);
    CHECK((*items)[0].record_id == "a01000000000001AAA");
    CHECK((*items)[0].restore_to == restore);
    CHECK_FALSE((*items)[0].attacker_value.has_value());
    CHECK((*items)[1].status == "conflict");
    CHECK_FALSE((*items)[1].restore_to.has_value());
    CHECK((*items)[1].attacker_value == "true");
    CHECK((*items)[1].reason == reason);
  }

  TEST_CASE("a plan's text is stored deflated and loads back byte for byte") {
    TempDir dir;
    std::string path = dir.file("p.db");
    const std::string text = plan_text(20000);
    StoredPlan plan{"plan-big", kOrg, Timestamp(1000), "005000000000001AAA", Timestamp(0),
                    Timestamp(5000), "hash-a", text};
    std::vector<PlanItemRow> items(300, {"Invoice__c", "a01000000000001AAA", "Paid__c", "ready",
                                         "false", std::nullopt, ""});
    {
      auto store = Store::open({path});
      REQUIRE(store);
      REQUIRE(store->save_plan(plan, items));
    }
    CHECK(raw_text(path, "SELECT plan_json FROM plans") == "");
    std::string stored = raw_text(path, "SELECT plan_deflate FROM plans");
    CHECK(stored.size() * 4 < text.size());
    CHECK(store::inflate_text(stored) == text);
    auto store = Store::open({path});
    REQUIRE(store);
    auto loaded = store->load_plan("plan-big");
    REQUIRE(loaded);
    REQUIRE(loaded->has_value());
    CHECK((*loaded)->plan_json == text);
    CHECK(store->plan_items("plan-big")->size() == 300);
  }

  TEST_CASE("texts that deflate well or not at all come back byte for byte") {
    std::string noise(300000, '\0');  // deflates to more than its eighth: the output grows
    std::uint32_t x = 7;
    for (char& c : noise) {
      x = x * 1103515245u + 12345u;
      c = static_cast<char>(x >> 24);
    }
    for (const std::string& text : {std::string(), std::string("x"), plan_text(3000), noise}) {
      std::string packed = store::deflate_text(text);
      REQUIRE_FALSE(packed.empty());
      CHECK(store::inflate_text(packed) == text);
    }
    CHECK(store::deflate_text(noise).size() > noise.size() / 8);
  }

  TEST_CASE("a plan stored before its text was deflated still loads") {
    TempDir dir;
    std::string path = dir.file("old.db");
    {
      auto store = Store::open({path});
      REQUIRE(store);
    }
    // The store as schema version 2 left it: the text in plan_json, no plan_deflate column.
    raw_exec(path, "ALTER TABLE plans DROP COLUMN plan_deflate; PRAGMA user_version = 2; "
                   "INSERT INTO plans VALUES ('plan-old', '00D000000000001AAA', "
                   "'2026-01-01T00:00:00.000Z', 'u', '2026-01-01T00:00:00.000Z', "
                   "'2026-01-02T00:00:00.000Z', 'hash-old', "
                   "'{\"format\": \"sfrewind-plan/1\"}')");
    REQUIRE(raw_text(path, "PRAGMA user_version") == "2");
    auto store = Store::open({path});
    REQUIRE(store);
    CHECK(store->schema_version() > 2);
    auto loaded = store->load_plan("plan-old");
    REQUIRE(loaded);
    REQUIRE(loaded->has_value());
    CHECK((*loaded)->plan_json == "{\"format\": \"sfrewind-plan/1\"}");
  }

  TEST_CASE("a damaged stored plan text is an error, not a short plan") {
    TempDir dir;
    std::string path = dir.file("bad.db");
    {
      auto store = Store::open({path});
      REQUIRE(store);
      StoredPlan plan{"plan-1", kOrg, Timestamp(1000), "005000000000001AAA", Timestamp(0),
                      Timestamp(5000), "hash-a", plan_text(50)};
      REQUIRE(store->save_plan(plan, std::vector<PlanItemRow>{}));
    }
    raw_exec(path,
             "UPDATE plans SET plan_deflate = substr(plan_deflate, 1, length(plan_deflate) - 9)");
    auto store = Store::open({path});
    REQUIRE(store);
    auto loaded = store->load_plan("plan-1");
    REQUIRE_FALSE(loaded);
    CHECK(loaded.error().message.find("damaged") != std::string::npos);
  }

  TEST_CASE("deflated text inflates only whole and undamaged") {
    for (const std::string& text : {std::string(), std::string("x"), plan_text(3000)}) {
      std::string z = store::deflate_text(text);
      REQUIRE_FALSE(z.empty());
      CHECK(store::inflate_text(z) == text);
      if (z.size() > 2) CHECK_FALSE(store::inflate_text(z.substr(0, z.size() - 1)));
      CHECK_FALSE(store::inflate_text(z + "x"));
    }
    CHECK_FALSE(store::inflate_text("not a zlib stream"));
    CHECK_FALSE(store::inflate_text(""));
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

  TEST_CASE("a plan's many items are read back in order, each as it was stored") {
    auto store = Store::open({":memory:"});
    REQUIRE(store);
    StoredPlan plan{"plan-70", kOrg, Timestamp(1000), "005000000000001AAA", Timestamp(0),
                    Timestamp(5000), "hash-70", "{}"};
    std::vector<PlanItemRow> items;
    for (int i = 0; i < 70; ++i) {
      const std::string record = "a01" + std::to_string(1000 + i) + "AAAAAAAAAAA";
      items.push_back({i % 2 ? "Invoice__c" : "Account", record, "Field" + std::to_string(i),
                       i % 3 ? "ready" : "conflict",
                       i % 4 ? std::optional<std::string>("r" + std::to_string(i)) : std::nullopt,
                       i % 5 ? std::optional<std::string>("a" + std::to_string(i)) : std::nullopt,
                       i % 6 ? "" : "why " + std::to_string(i)});
    }
    REQUIRE(store->save_plan(plan, items));
    auto got = store->plan_items("plan-70");
    REQUIRE(got);
    REQUIRE(got->size() == items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
      CAPTURE(i);
      CHECK((*got)[i].sobject == items[i].sobject);
      CHECK((*got)[i].record_id == items[i].record_id);
      CHECK((*got)[i].field == items[i].field);
      CHECK((*got)[i].status == items[i].status);
      CHECK((*got)[i].restore_to == items[i].restore_to);
      CHECK((*got)[i].attacker_value == items[i].attacker_value);
      CHECK((*got)[i].reason == items[i].reason);
    }
  }

  TEST_CASE("a schema 7 store's plan items move to a table without rowids, in their order") {
    TempDir dir;
    const std::string path = dir.file("v7.db");
    StoredPlan plan{"plan-7", kOrg, Timestamp(1000), "005000000000001AAA", Timestamp(0),
                    Timestamp(5000), "hash-7", "{}"};
    std::vector<PlanItemRow> items;
    for (int i = 0; i < 5; ++i) {
      items.push_back({"Invoice__c", "a0100000000000" + std::to_string(i) + "AAA", "Paid__c",
                       "ready", i % 2 ? std::optional<std::string>() : "false", "true", ""});
    }
    {
      auto store = Store::open({path});
      REQUIRE(store);
      REQUIRE(store->save_plan(plan, items));
    }
    // What schema 7 had: plan items in a rowid table, its key a separate index.
    raw_exec(path,
             "CREATE TABLE pi7 (plan_id TEXT NOT NULL REFERENCES plans (plan_id), "
             "item_no INTEGER NOT NULL, sobject TEXT NOT NULL, record_id TEXT NOT NULL, "
             "field TEXT NOT NULL, status TEXT NOT NULL, restore_to TEXT, attacker_value TEXT, "
             "reason TEXT NOT NULL DEFAULT '', PRIMARY KEY (plan_id, item_no)) STRICT;"
             "INSERT INTO pi7 SELECT * FROM plan_items ORDER BY item_no DESC;"
             "DROP TABLE plan_items; ALTER TABLE pi7 RENAME TO plan_items;"
             "PRAGMA user_version = 7;");
    REQUIRE(raw_scalar(path, "SELECT sql LIKE '%WITHOUT ROWID%' FROM sqlite_schema WHERE name = "
                             "'plan_items'") == "0");
    auto store = Store::open({path});
    REQUIRE(store);
    CHECK(store->schema_version() == 8);
    CHECK(raw_scalar(path, "SELECT sql LIKE '%WITHOUT ROWID%' FROM sqlite_schema WHERE name = "
                           "'plan_items'") == "1");
    auto moved = store->plan_items("plan-7");
    REQUIRE(moved);
    REQUIRE(moved->size() == items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
      CHECK((*moved)[i].record_id == items[i].record_id);
      CHECK((*moved)[i].restore_to == items[i].restore_to);
    }
    // The key still holds: the same item twice is refused, and a new plan's items go in.
    const std::string again =
        "INSERT INTO plan_items (plan_id, item_no, sobject, record_id, field, status) "
        "VALUES ('plan-7', 0, 'X', 'Y', 'Z', 'ready')";
    CHECK(raw_scalar(path, again, true) == "<error>");
    StoredPlan next = plan;
    next.plan_id = "plan-8";
    next.content_hash = "hash-8";
    REQUIRE(store->save_plan(next, items));
    CHECK(store->plan_items("plan-8")->size() == items.size());
    CHECK(raw_scalar(path, "PRAGMA foreign_key_check") == "<none>");
  }
}
