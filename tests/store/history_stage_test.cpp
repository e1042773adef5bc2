// The page stage of later syncs: what a staged page keeps, the order and chunks of its merge, and
// a damaged page or an older build's staged rows.
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <sfrewind/store/store.hpp>

#include "store/history_stage.hpp"
#include "support/history_rows.hpp"
#include "support/raw_sql.hpp"
#include "support/temp_dir.hpp"

using namespace sfrewind;
using sfrewind::test::TempDir;
using sfrewind::test::raw_scalar;

namespace {

constexpr const char* kOrg = "00D000000000001AAA";


HistoryRow row(long id, long record, std::optional<std::string> old_v,
               std::optional<std::string> new_v) {
  HistoryRow r;
  r.org_id = kOrg;
  r.history_id = test::make_id("017", id);
  r.sobject = "Invoice__c";
  r.record_id = test::make_id("a01", record);
  r.field = "Paid__c";
  r.data_type = "Text";
  r.old_value = std::move(old_v);
  r.new_value = std::move(new_v);
  r.changed_by = test::make_id("005", 1);
  r.changed_at = Timestamp(1'700'000'000'123 + id * 1000);
  return r;
}

// A store at `path` holding 20 rows (ids 101..120), so that later loads are staged and merged
// into the recent tier.
Store seeded(const std::string& path) {
  auto store = Store::open({path});
  REQUIRE(store);
  std::vector<HistoryRow> rows;
  for (long i = 101; i <= 120; ++i) rows.push_back(row(i, 90, "a", "b"));
  REQUIRE(store->insert_history("Invoice__History", rows));
  return std::move(*store);
}

}  // namespace

TEST_SUITE("store") {
  TEST_CASE("a staged page keeps every column of its rows through the merge") {
    TempDir dir;
    std::string path = dir.file("s.db");
    Store store = seeded(path);
    std::vector<HistoryRow> page{row(2, 5, std::nullopt, "set"), row(3, 5, "", std::nullopt),
                                 row(4, 6, std::string(70'000, 'x'), "é \"quoted\"\n")};
    page[1].data_type.clear();
    page[1].is_deleted = true;
    page[2].field = "created";
    auto mode = store.begin_history_load();
    REQUIRE(mode);
    REQUIRE(*mode == LoadMode::kStaged);
    auto st = store.load_history(*mode, HistoryBatch{kOrg, "Invoice__History", page});
    REQUIRE(st);
    CHECK(st->inserted == 3);
    CHECK(raw_scalar(path, "SELECT count(*) FROM history") == "20");
    auto merged = store.merge_history();
    REQUIRE(merged);
    CHECK(*merged == 3);
    for (const HistoryRow& want : page) {
      HistoryFilter f;
      f.org_id = kOrg;
      f.record_id = want.record_id;
      f.field = want.field;
      auto got = store.history(f);
      REQUIRE(got);
      const HistoryRow* match = nullptr;
      for (const auto& g : *got) {
        if (g.row.history_id == want.history_id) match = &g.row;
      }
      REQUIRE(match != nullptr);
      CHECK(match->sobject == want.sobject);
      CHECK(match->data_type == want.data_type);
      CHECK(match->old_value == want.old_value);
      CHECK(match->new_value == want.new_value);
      CHECK(match->changed_by == want.changed_by);
      CHECK(match->changed_at == want.changed_at);
      CHECK(match->is_deleted == want.is_deleted);
    }
    CHECK(raw_scalar(path, "SELECT data_type IS NULL FROM history WHERE history_id = '" +
                           page[1].history_id + "'") == "1");
    CHECK(raw_scalar(path, "SELECT DISTINCT history_object || ' ' || tier FROM history WHERE "
                       "rowid > 20") == "Invoice__History 1");
  }

  TEST_CASE("staged pages merge in record order, one chunk at a time") {
    TempDir dir;
    std::string path = dir.file("s.db");
    { Store store = seeded(path); }
    // Two pages, each with records out of order; a chunk of one byte takes one page at a time.
    std::vector<HistoryRow> a{row(10, 3, "1", "2"), row(11, 1, "1", "2"), row(12, 2, "1", "2")};
    std::vector<HistoryRow> b{row(13, 2, "2", "3"), row(14, 1, "2", "3"), row(11, 1, "x", "x")};
    auto db = store::Db::open(path, false, false);
    REQUIRE(db);
    std::vector<const HistoryRow*> pa, pb;
    for (const auto& r : a) pa.push_back(&r);
    for (const auto& r : b) pb.push_back(&r);
    std::string buffer;
    REQUIRE(store::stage_page(*db, "Invoice__History", "2026-01-01T00:00:00.000Z", pa, buffer));
    REQUIRE(store::stage_page(*db, "Invoice__History", "2026-01-01T00:00:00.000Z", pb, buffer));
    auto staged = store::staged_page_rows(*db);
    REQUIRE(staged);
    CHECK(*staged == 6);
    {
      auto tx = store::Transaction::begin(*db);
      REQUIRE(tx);
      auto merged = store::merge_staged_pages(*db, 1, false, 1);
      REQUIRE(merged);
      CHECK(*merged == 5);  // b's copy of row 11 is a repeat: the first copy stays
      REQUIRE(tx->commit());
    }
    // The merge's row source is reachable from SQL only with the pointer the merge binds.
    {
      auto given = store::Statement::prepare(
          db->get(), "SELECT count(*) FROM sfrewind_staged_rows('x')", false);
      REQUIRE(given);
      auto row = given->step();
      REQUIRE(row);
      CHECK(given->column_int(0) == 0);
      CHECK_FALSE(
          store::Statement::prepare(db->get(), "SELECT * FROM sfrewind_staged_rows", false));
    }
    auto id = [](long n) { return test::make_id("017", n).substr(12, 3); };
    CHECK(raw_scalar(path, "SELECT group_concat(substr(history_id, 13, 3), ' ') FROM "
                       "(SELECT history_id FROM history WHERE rowid > 20 ORDER BY rowid)") ==
          id(11) + " " + id(12) + " " + id(10) + " " + id(14) + " " + id(13));
    CHECK(raw_scalar(path, "SELECT old_value FROM history WHERE history_id = '" +
                       test::make_id("017", 11) + "'") == "1");
    CHECK(raw_scalar(path, "SELECT count(*) FROM history_stage_pages") == "0");
  }

  TEST_CASE("a damaged staged page stops the merge and leaves the store as it was") {
    TempDir dir;
    std::string path = dir.file("s.db");
    {
      Store store = seeded(path);
      auto mode = store.begin_history_load();
      REQUIRE(mode);
      std::vector<HistoryRow> page{row(2, 1, "a", "b"), row(3, 1, "b", "c")};
      REQUIRE(store.load_history(*mode, HistoryBatch{kOrg, "Invoice__History", page}));
    }  // no merge: as if killed
    REQUIRE(raw_scalar(path, "UPDATE history_stage_pages SET rows = substr(rows, 1, 30)", true) ==
            "<none>");
    CHECK(raw_scalar(path, "SELECT length(rows) FROM history_stage_pages") == "30");
    auto store = Store::open({path});
    REQUIRE_FALSE(store);
    CHECK(store.error().message.find("damaged") != std::string::npos);
    CHECK(raw_scalar(path, "SELECT count(*) FROM history") == "20");
    CHECK(raw_scalar(path, "SELECT count(*) FROM history_stage_pages") == "1");
  }

  TEST_CASE("rows an older build left in history_stage are merged too") {
    TempDir dir;
    std::string path = dir.file("s.db");
    { Store store = seeded(path); }
    const std::string legacy_row =
        "INSERT INTO history_stage (org_id, history_id, sobject, record_id, field, changed_by, "
        "changed_at, history_object, first_seen) VALUES ('" + std::string(kOrg) + "', '" +
        test::make_id("017", 7) + "', 'Invoice__c', '" + test::make_id("a01", 2) +
        "', 'Paid__c', '" + test::make_id("005", 1) +
        "', '2026-01-01T00:00:00.000Z', 'Invoice__History', '2026-01-01T00:00:00.000Z')";
    REQUIRE(raw_scalar(path, legacy_row, true) == "<none>");
    {
      auto reader = Store::open({path, false, true});
      REQUIRE(reader);
      REQUIRE(reader->warnings().size() == 1);
      CHECK(reader->warnings()[0].find("1 history rows") != std::string::npos);
    }
    auto store = Store::open({path});
    REQUIRE(store);
    CHECK(raw_scalar(path, "SELECT count(*) FROM history WHERE tier = 1") == "1");
    CHECK(raw_scalar(path, "SELECT count(*) FROM history_stage") == "0");
  }
}
