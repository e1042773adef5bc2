// Store: creation, migration, reopening, permissions, bad files, history dedupe, directory.
#include <sys/stat.h>

#include <algorithm>
#include <fstream>

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <sfrewind/store/store.hpp>

#include "support/raw_sql.hpp"
#include "support/temp_dir.hpp"

using namespace sfrewind;
using sfrewind::test::TempDir;
using sfrewind::test::raw_scalar;

namespace {


HistoryRow row(std::string id, std::string field, std::optional<std::string> old_v,
               std::optional<std::string> new_v, std::int64_t ms) {
  HistoryRow r;
  r.org_id = "00D000000000001AAA";
  r.history_id = std::move(id);
  r.sobject = "Invoice__c";
  r.record_id = "a01000000000001AAA";
  r.field = std::move(field);
  r.data_type = "Boolean";
  r.old_value = std::move(old_v);
  r.new_value = std::move(new_v);
  r.changed_by = "005000000000001AAA";
  r.changed_at = Timestamp(ms);
  return r;
}

// A store file at `path` holding one history row, closed again.
void store_one_row(const std::string& path) {
  auto store = Store::open({path});
  REQUIRE(store);
  std::vector<HistoryRow> rows = {row("017000000000001AAA", "Paid__c", "false", "true", 1000)};
  REQUIRE(store->insert_history("Invoice__History", rows));
}

}  // namespace

TEST_SUITE("store") {
  TEST_CASE("a new store is created 0600 with WAL and the current schema") {
    TempDir dir;
    std::string path = dir.file("s.db");
    auto store = Store::open({path});
    REQUIRE(store);
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(store->warnings().empty());
    CHECK(raw_scalar(path, "PRAGMA journal_mode") == "wal");
    CHECK(raw_scalar(path, "PRAGMA user_version") == std::to_string(store->schema_version()));
    CHECK(raw_scalar(path, "SELECT count(*) FROM sqlite_master WHERE name IN ('history', "
                           "'users', 'logins', 'sync_state', 'snapshots', 'plans', 'plan_items', "
                           "'journal', 'orgs')") == "9");
  }

  TEST_CASE("reopening an existing store keeps its rows") {
    TempDir dir;
    std::string path = dir.file("s.db");
    store_one_row(path);
    auto again = Store::open({path});
    REQUIRE(again);
    CHECK(*again->history_count("00D000000000001AAA") == 1);
    CHECK(raw_scalar(path, "SELECT new_value FROM history") == "true");
  }

  TEST_CASE("a store readable by others is opened with a warning") {
    TempDir dir;
    std::string path = dir.file("s.db");
    REQUIRE(Store::open({path}));
    ::chmod(path.c_str(), 0644);
    auto store = Store::open({path});
    REQUIRE(store);
    REQUIRE(store->warnings().size() == 1);
    CHECK(store->warnings()[0].find("chmod 600") != std::string::npos);
  }

  TEST_CASE("missing and corrupt and foreign files are refused as bad input") {
    TempDir dir;
    auto missing = Store::open({dir.file("none.db"), false});
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == ErrorCode::kInvalidArgument);
    CHECK_FALSE(std::ifstream(dir.file("none.db")).good());

    std::ofstream(dir.file("junk.db")) << "this is not a database, just some text\n";
    auto junk = Store::open({dir.file("junk.db")});
    REQUIRE_FALSE(junk);
    CHECK(junk.error().code == ErrorCode::kInvalidArgument);

    auto ro_missing = Store::open({dir.file("none.db"), true, true});
    CHECK_FALSE(ro_missing);
    CHECK(Store::open({dir.path().string()}).error().code == ErrorCode::kInvalidArgument);
  }

  TEST_CASE("an older store opened read-only is refused with how to upgrade it") {
    TempDir dir;
    std::string path = dir.file("old.db");
    REQUIRE(Store::open({path}));
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_exec(db, "PRAGMA user_version = 4", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    StoreOptions ro{path};
    ro.read_only = true;
    auto store = Store::open(ro);
    REQUIRE_FALSE(store);
    CHECK(store.error().code == ErrorCode::kInvalidArgument);
    CHECK(store.error().message.find("older sfrewind") != std::string::npos);
    CHECK(store.error().message.find("sfrewind sync") != std::string::npos);
    CHECK(raw_scalar(path, "PRAGMA user_version") == "4");  // nothing written
  }

  TEST_CASE("a schema 5 store opened read-only is read as it is, with nothing written") {
    TempDir dir;
    std::string path = dir.file("v5.db");
    store_one_row(path);
    // What schema 5 was: no page stage; a killed sync's rows in the row stage.
    REQUIRE(raw_scalar(path, "DROP TABLE history_stage_pages", true) == "<none>");
    REQUIRE(raw_scalar(path, "PRAGMA user_version = 5", true) == "<none>");
    REQUIRE(raw_scalar(path, "INSERT INTO history_stage SELECT org_id, '017000000000002AAA', "
                             "sobject, record_id, field, data_type, old_value, new_value, "
                             "changed_by, changed_at, is_deleted, history_object, first_seen "
                             "FROM history", true) == "<none>");
    StoreOptions ro{path};
    ro.read_only = true;
    auto store = Store::open(ro);
    REQUIRE(store);
    CHECK(store->schema_version() == 5);
    CHECK(*store->history_count("00D000000000001AAA") == 1);
    REQUIRE(store->warnings().size() == 1);
    CHECK(store->warnings()[0].find("1 history rows of an interrupted sync") != std::string::npos);
    CHECK(raw_scalar(path, "PRAGMA user_version") == "5");
    CHECK(raw_scalar(path, "SELECT count(*) FROM sqlite_schema WHERE name = "
                           "'history_stage_pages'") == "0");
  }

  TEST_CASE("a store from a newer sfrewind is refused") {
    TempDir dir;
    std::string path = dir.file("s.db");
    REQUIRE(Store::open({path}));
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_exec(db, "PRAGMA user_version = 999", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    auto store = Store::open({path});
    REQUIRE_FALSE(store);
    CHECK(store.error().message.find("newer") != std::string::npos);
  }

  TEST_CASE("history rows are deduplicated on history id and keep values as sent") {
    TempDir dir;
    std::string path = dir.file("s.db");
    auto store = Store::open({path});
    REQUIRE(store);
    std::vector<HistoryRow> rows = {row("017000000000001AAA", "Paid__c", "false", "true", 1000),
                                    row("017000000000002AAA", "Amount__c", "1500.0", std::nullopt, 2000)};
    auto first = store->insert_history("Invoice__History", rows);
    REQUIRE(first);
    CHECK(first->inserted == 2);
    rows[1].is_deleted = true;
    auto second = store->insert_history("Invoice__History", rows);
    REQUIRE(second);
    CHECK(second->inserted == 0);
    CHECK(second->seen == 2);
    CHECK(raw_scalar(path, "SELECT count(*) FROM history") == "2");
    CHECK(raw_scalar(path, "SELECT old_value FROM history WHERE field = 'Amount__c'") == "1500.0");
    CHECK(raw_scalar(path, "SELECT new_value IS NULL FROM history WHERE field = 'Amount__c'") == "1");
    CHECK(raw_scalar(path, "SELECT is_deleted FROM history WHERE field = 'Amount__c'") == "1");
    CHECK(raw_scalar(path, "SELECT changed_at FROM history WHERE field = 'Paid__c'") ==
          "1970-01-01T00:00:01.000Z");
  }

  TEST_CASE("a version 3 store moves history's uniqueness to an index and keeps every row") {
    TempDir dir;
    std::string path = dir.file("v3.db");
    {
      auto store = Store::open({path});
      REQUIRE(store);
      std::vector<HistoryRow> rows;
      for (int i = 1; i <= 9; ++i) {
        rows.push_back(row("01700000000000" + std::to_string(i) + "AAA", "Paid__c", "false",
                           "true", i * 1000));
      }
      REQUIRE(store->insert_history("Invoice__History", rows));
    }
    // The file as schema version 3 left it: uniqueness in the table, no row in orgs, and a gap
    // in the rowids.
    sqlite3* raw = nullptr;
    sqlite3_open(path.c_str(), &raw);
    const char* v3 =
        "CREATE TABLE h3 (org_id TEXT NOT NULL, history_id TEXT NOT NULL, sobject TEXT NOT NULL, "
        "record_id TEXT NOT NULL, field TEXT NOT NULL, data_type TEXT, old_value TEXT, "
        "new_value TEXT, changed_by TEXT NOT NULL, changed_at TEXT NOT NULL, "
        "is_deleted INTEGER NOT NULL DEFAULT 0, history_object TEXT NOT NULL, "
        "vanished INTEGER NOT NULL DEFAULT 0, first_seen TEXT NOT NULL, "
        "UNIQUE (org_id, history_id)) STRICT;"
        "INSERT INTO h3 (rowid, org_id, history_id, sobject, record_id, field, data_type, "
        "old_value, new_value, changed_by, changed_at, is_deleted, history_object, vanished, "
        "first_seen) SELECT rowid * 10, org_id, history_id, sobject, record_id, field, data_type, "
        "old_value, new_value, changed_by, changed_at, is_deleted, history_object, vanished, "
        "first_seen FROM history;"
        "DROP TABLE history; ALTER TABLE h3 RENAME TO history;"
        "CREATE INDEX history_by_record ON history (record_id, field, changed_at);"
        "CREATE INDEX history_by_user ON history (changed_by, changed_at);"
        "DELETE FROM orgs; PRAGMA user_version = 3;";
    REQUIRE(sqlite3_exec(raw, v3, nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
    REQUIRE(raw_scalar(path, "SELECT count(*) FROM orgs") == "0");
    auto store = Store::open({path});
    REQUIRE(store);
    CHECK(raw_scalar(path, "PRAGMA user_version") == std::to_string(store->schema_version()));
    CHECK(raw_scalar(path, "SELECT group_concat(rowid) FROM history") ==
          "10,20,30,40,50,60,70,80,90");
    CHECK(raw_scalar(path, "SELECT count(*) FROM sqlite_schema WHERE name IN ('history_by_id', "
                           "'history_by_record', 'history_by_user')") == "3");
    CHECK(raw_scalar(path, "SELECT sql LIKE '%UNIQUE%' FROM sqlite_schema WHERE name = "
                           "'history'") == "0");
    // v7: the user index holds each change's org, object, record and field
    CHECK(raw_scalar(path, "SELECT sql LIKE '%(changed_by, changed_at, org_id, sobject, "
                           "record_id, field)' FROM sqlite_schema WHERE name = "
                           "'history_by_user'") == "1");
    // v5: every row in the base tier, the record index split in two
    CHECK(raw_scalar(path, "SELECT count(*) FROM history WHERE tier = 0") == "9");
    CHECK(raw_scalar(path, "SELECT group_concat(name) FROM sqlite_schema WHERE sql LIKE "
                           "'%WHERE tier = _'") == "history_by_record,history_by_record_recent");
    auto orgs = store->org_ids();
    REQUIRE(orgs);
    CHECK(*orgs == std::vector<std::string>{"00D000000000001AAA"});
    // Still one row per history id.
    auto again = store->insert_history(
        "Invoice__History", std::vector<HistoryRow>{row("017000000000003AAA", "Paid__c", "false",
                                                        "true", 3000)});
    REQUIRE(again);
    CHECK(again->seen == 1);
    CHECK(raw_scalar(path, "SELECT count(*) FROM history") == "9");
  }

  TEST_CASE("history written through the library registers its org") {
    auto store = Store::open({":memory:"});
    REQUIRE(store);
    std::vector<HistoryRow> rows = {row("017000000000001AAA", "Paid__c", "false", "true", 1000),
                                    row("017000000000002AAA", "Paid__c", "true", "false", 2000)};
    rows[1].org_id = "00D000000000002AAA";
    REQUIRE(store->insert_history("Invoice__History", rows));
    auto orgs = store->org_ids();
    REQUIRE(orgs);
    CHECK(*orgs == std::vector<std::string>{"00D000000000001AAA", "00D000000000002AAA"});
  }

  TEST_CASE("history reads filter by user and field and window") {
    auto store = Store::open({":memory:"});
    REQUIRE(store);
    std::vector<HistoryRow> rows = {row("017000000000001AAA", "Paid__c", "false", "true", 1000),
                                    row("017000000000002AAA", "Paid__c", "true", "false", 5000)};
    rows[1].changed_by = "005000000000002AAA";
    REQUIRE(store->insert_history("Invoice__History", rows));
    HistoryFilter f;
    f.org_id = "00D000000000001AAA";
    CHECK(store->history(f)->size() == 2);
    f.users = {"005000000000002AAA"};
    auto by_user = store->history(f);
    REQUIRE(by_user->size() == 1);
    CHECK(by_user->front().row.history_id == "017000000000002AAA");
    f.users.clear();
    f.from = Timestamp(0);
    f.to = Timestamp(5000);
    CHECK(store->history(f)->size() == 1);
  }

  TEST_CASE("a user's changes come by org, users and window from the user index") {
    TempDir dir;
    auto path = (dir.path() / "s.db").string();
    auto store = Store::open({path});
    REQUIRE(store);
    std::vector<HistoryRow> rows = {row("017000000000001AAA", "Paid__c", "false", "true", 1000),
                                    row("017000000000002AAA", "Amount__c", "1", "2", 5000),
                                    row("017000000000003AAA", "Paid__c", "true", "false", 9000),
                                    row("017000000000004AAA", "Paid__c", "false", "true", 5000),
                                    row("017000000000005AAA", "Paid__c", "false", "true", 5000)};
    rows[1].sobject = "Account";
    rows[1].record_id = "001000000000001AAA";
    rows[3].changed_by = "005000000000002AAA";
    rows[4].org_id = "00D000000000002AAA";  // another org, same user id
    REQUIRE(store->insert_history("Invoice__History", rows));
    const std::string org = "00D000000000001AAA";
    std::vector<std::string> got;
    auto collect = [&](const UserChange& c) {
      got.push_back(c.sobject + " " + c.record_id + " " + c.field + " " + c.changed_at.to_iso());
    };
    std::vector<std::string> users = {"005000000000001AAA"};
    REQUIRE(store->each_user_change(org, users, Timestamp(1000), Timestamp(9000), collect));
    std::sort(got.begin(), got.end());
    CHECK(got == std::vector<std::string>{
                     "Account 001000000000001AAA Amount__c 1970-01-01T00:00:05.000Z",
                     "Invoice__c a01000000000001AAA Paid__c 1970-01-01T00:00:01.000Z"});
    got.clear();
    users.push_back("005000000000002AAA");
    REQUIRE(store->each_user_change(org, users, Timestamp(5000), Timestamp(10000), collect));
    CHECK(got.size() == 3);  // 5000 by both users, 9000; not the other org's
    got.clear();
    REQUIRE(store->each_user_change(org, {}, Timestamp(0), Timestamp(10000), collect));
    CHECK(got.empty());
    CHECK(raw_scalar(path, "SELECT sql LIKE '%(changed_by, changed_at, org_id, sobject, "
                           "record_id, field)' FROM sqlite_schema WHERE name = "
                           "'history_by_user'") == "1");
  }

  TEST_CASE("rows the org no longer returns are flagged vanished and kept") {
    auto store = Store::open({":memory:"});
    REQUIRE(store);
    std::vector<HistoryRow> rows = {row("017000000000001AAA", "Paid__c", "false", "true", 1000),
                                    row("017000000000002AAA", "Paid__c", "true", "false", 5000)};
    REQUIRE(store->insert_history("Invoice__History", rows));
    std::vector<std::string> present = {"017000000000001AAA"};
    auto n = store->mark_vanished("00D000000000001AAA", "Invoice__History", Timestamp(0),
                                  Timestamp(10000), present);
    REQUIRE(n);
    CHECK(*n == 1);
    HistoryFilter f;
    f.org_id = "00D000000000001AAA";
    auto all = store->history(f);
    REQUIRE(all->size() == 2);
    CHECK(all->at(1).vanished);
  }

  TEST_CASE("users and logins and sync state round-trip") {
    auto store = Store::open({":memory:"});
    REQUIRE(store);
    UserRecord u{"00D000000000001AAA", "005000000000001AAA", "integration.accounting@acme.example",
                 "Accounting Integration", "Minimum Access - API Only Integrations",
                 "Salesforce Integration", true, true, true};
    REQUIRE(store->upsert_users(std::vector<UserRecord>{u}));
    auto found = store->find_user("00D000000000001AAA", "integration.accounting@acme.example");
    REQUIRE(found);
    REQUIRE(found->has_value());
    CHECK((*found)->is_integration);
    CHECK(store->find_user("00D000000000001AAA", "005000000000001")->has_value());
    LoginRecord l{"00D000000000001AAA", "0Ya000000000001AAA", u.user_id, Timestamp(5000),
                  "203.0.113.9", "Remote Access 2.0", "acme-accounting-app", "Success"};
    REQUIRE(store->upsert_logins(std::vector<LoginRecord>{l, l}));
    auto logins = store->logins(u.org_id, u.user_id, Timestamp(1000));
    REQUIRE(logins);
    REQUIRE(logins->size() == 1);
    CHECK(logins->front().source_ip == "203.0.113.9");
    CHECK(store->logins(u.org_id, u.user_id, Timestamp(6000))->empty());
    REQUIRE(store->save_sync_state(u.org_id, "Invoice__History", SyncState{Timestamp(7000), 12}));
    auto state = store->sync_state(u.org_id, "Invoice__History");
    REQUIRE(state);
    CHECK(state->watermark == Timestamp(7000));
    CHECK(state->rows_total == 12);
  }

  TEST_CASE("a user is found by id or username, in its own org only") {
    auto store = Store::open({":memory:"});
    REQUIRE(store);
    const std::string org = "00D000000000001AAA";
    std::vector<UserRecord> users = {
        {org, "005000000000001AAA", "zed@acme.example", "", "", "", true, false, false},
        {org, "005000000000002AAA", "amy@acme.example", "", "", "", true, false, false},
        {"00D000000000002AAA", "005000000000004AAA", "other@org2.example", "", "", "", true,
         false, false}};
    REQUIRE(store->upsert_users(users));
    auto by_id = store->find_user(org, "005000000000002AAA");
    REQUIRE(by_id);
    REQUIRE(by_id->has_value());
    CHECK((*by_id)->username == "amy@acme.example");
    auto by_name = store->find_user(org, "zed@acme.example");
    REQUIRE(by_name);
    REQUIRE(by_name->has_value());
    CHECK((*by_name)->user_id == "005000000000001AAA");
    CHECK_FALSE(store->find_user(org, "005000000000004AAA")->has_value());  // org2's
    CHECK_FALSE(store->find_user(org, "other@org2.example")->has_value());
    CHECK_FALSE(store->find_user(org, "005000000000009AAA")->has_value());
    CHECK_FALSE(store->find_user(org, "nobody@acme.example")->has_value());
  }

  TEST_CASE("the journal table refuses updates and deletes") {
    TempDir dir;
    std::string path = dir.file("s.db");
    REQUIRE(Store::open({path}));
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    CHECK(sqlite3_exec(db, "INSERT INTO journal (plan_id, batch_no, kind, created_at, prev_hash, "
                           "hash) VALUES ('p', 0, 'intent', 'now', '', 'h')",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "UPDATE journal SET hash = 'x'", nullptr, nullptr, nullptr) != SQLITE_OK);
    CHECK(sqlite3_exec(db, "DELETE FROM journal", nullptr, nullptr, nullptr) != SQLITE_OK);
    sqlite3_close(db);
  }
}
