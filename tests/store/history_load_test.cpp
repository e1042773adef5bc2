// Store write path of sync: first load (indexes built at the end), staging, merge, recovery.
#include <algorithm>
#include <filesystem>
#include <tuple>

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <sfrewind/store/store.hpp>

#include "support/history_rows.hpp"
#include "support/raw_sql.hpp"
#include "support/temp_dir.hpp"

using namespace sfrewind;
using sfrewind::test::TempDir;
using sfrewind::test::raw_scalar;

namespace {

constexpr const char* kOrg = "00D000000000001AAA";


// `n` rows with history ids first..first+n-1, spread over 7 records.
std::vector<HistoryRow> rows(long first, long n) {
  std::vector<HistoryRow> out;
  for (long i = first; i < first + n; ++i) {
    HistoryRow r;
    r.org_id = kOrg;
    r.history_id = test::make_id("017", i);
    r.sobject = "Invoice__c";
    r.record_id = test::make_id("a01", i % 7);
    r.field = "Paid__c";
    r.data_type = "Boolean";
    r.old_value = i % 2 ? "true" : "false";
    r.new_value = i % 2 ? "false" : "true";
    r.changed_by = test::make_id("005", 1 + i % 3);
    r.changed_at = Timestamp(1000 * i);
    out.push_back(r);
  }
  return out;
}

const std::string kIndexes =
    "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name IN "
    "('history_by_id', 'history_by_record', 'history_by_user')";
// Whether the user index holds what plan reads of a user's changes (schema 7).
const std::string kUserIndexCovers =
    "SELECT sql LIKE '%(changed_by, changed_at, org_id, sobject, record_id, field)' FROM "
    "sqlite_schema WHERE name = 'history_by_user'";

// A new store at `path` holding rows 1..n (one direct insert).
Result<Store> store_with(const std::string& path, long n) {
  auto store = Store::open({path});
  REQUIRE(store);
  REQUIRE(store->insert_history("Invoice__History", rows(1, n)));
  return store;
}

// A new store at `path` with its first (direct) history load begun.
struct FirstLoad {
  explicit FirstLoad(const std::string& path) : store(Store::open({path})) {
    REQUIRE(store);
    auto begun = store->begin_history_load();
    REQUIRE(begun);
    mode = *begun;
  }
  Result<Store> store;
  LoadMode mode = LoadMode::kStaged;
};

}  // namespace

TEST_SUITE("store") {
  TEST_CASE("a first load writes history directly and builds the indexes at the end") {
    TempDir dir;
    std::string path = dir.file("s.db");
    FirstLoad load(path);
    CHECK(load.mode == LoadMode::kDirect);
    CHECK(raw_scalar(path, kIndexes) == "0");
    // The recent tier's index stays: a load writes tier 0 only, so it costs nothing.
    CHECK(raw_scalar(path, "SELECT count(*) FROM sqlite_schema WHERE name = "
                       "'history_by_record_recent'") == "1");
    // appended pages go straight to the file (a rollback journal), not through the WAL
    CHECK(raw_scalar(path, "PRAGMA journal_mode") == "delete");
    auto page = rows(1, 50);
    auto first = load.store->load_history(load.mode, HistoryBatch{kOrg, "Invoice__History", page});
    REQUIRE(first);
    CHECK(first->inserted == 50);
    // No index yet, not even the history id's: repeated rows are appended, and dropped (the
    // last copy kept) when the indexes are built.
    auto repeat = rows(41, 20);
    for (auto& r : repeat) r.is_deleted = true;
    auto again = load.store->load_history(load.mode, HistoryBatch{kOrg, "Invoice__History", repeat});
    REQUIRE(again);
    CHECK(again->inserted == 20);
    CHECK(again->seen == 0);
    CHECK(raw_scalar(path, "SELECT count(*) FROM history") == "70");
    auto merged = load.store->merge_history();
    REQUIRE(merged);
    CHECK(raw_scalar(path, kIndexes) == "3");
    CHECK(raw_scalar(path, kUserIndexCovers) == "1");
    CHECK(raw_scalar(path, "SELECT count(*) FROM history") == "60");
    CHECK(raw_scalar(path, "SELECT count(*) FROM history WHERE is_deleted = 1") == "20");
    CHECK(raw_scalar(path, "SELECT count(DISTINCT history_id) FROM history") == "60");
    CHECK(raw_scalar(path, "SELECT count(*) FROM history WHERE tier = 0") == "60");
    CHECK(raw_scalar(path, "PRAGMA page_size") == "16384");
    CHECK(raw_scalar(path, "PRAGMA journal_mode") == "wal");
  }

  TEST_CASE("a first load appends rows by chunks and a remainder, each row as it was given") {
    TempDir dir;
    std::string path = dir.file("s.db");
    FirstLoad load(path);
    REQUIRE(load.mode == LoadMode::kDirect);
    // Two whole chunks of 32 and 6 rows left over; NULL values, no data type, deleted rows.
    auto page = rows(1, 70);
    for (std::size_t i = 0; i < page.size(); i += 5) page[i].old_value.reset();
    for (std::size_t i = 0; i < page.size(); i += 7) page[i].data_type.clear();
    for (std::size_t i = 0; i < page.size(); i += 9) page[i].is_deleted = true;
    page[33].new_value = "it's \"quoted\", \u00e9t\u00e9";
    auto loaded = load.store->load_history(load.mode, HistoryBatch{kOrg, "Invoice__History", page});
    REQUIRE(loaded);
    CHECK(loaded->inserted == 70);
    REQUIRE(load.store->merge_history());
    HistoryFilter all;
    all.org_id = kOrg;
    auto got = load.store->history(all);
    REQUIRE(got);
    REQUIRE(got->size() == page.size());
    std::vector<const HistoryRow*> by_id;
    for (const auto& r : *got) by_id.push_back(&r.row);
    std::sort(by_id.begin(), by_id.end(),
              [](const HistoryRow* a, const HistoryRow* b) { return a->history_id < b->history_id; });
    for (std::size_t i = 0; i < page.size(); ++i) {
      const HistoryRow& want = page[i];
      const HistoryRow& have = *by_id[i];
      CAPTURE(i);
      CHECK(have.history_id == want.history_id);
      CHECK(have.record_id == want.record_id);
      CHECK(have.data_type == want.data_type);
      CHECK(have.old_value == want.old_value);
      CHECK(have.new_value == want.new_value);
      CHECK(have.changed_by == want.changed_by);
      CHECK(have.changed_at == want.changed_at);
      CHECK(have.is_deleted == want.is_deleted);
    }
    CHECK(raw_scalar(path, "SELECT count(*) FROM history WHERE history_object = "
                           "'Invoice__History' AND first_seen != ''") == "70");
  }

  TEST_CASE("pages written together are counted one by one and committed with their slice marks") {
    TempDir dir;
    std::string path = dir.file("s.db");
    FirstLoad load(path);
    std::vector<SyncSlice> slices{{"run-1", Timestamp(0), Timestamp(20000), false},
                                  {"run-1", Timestamp(20000), std::nullopt, false}};
    REQUIRE(load.store->save_sync_slices(kOrg, "Invoice__History", slices));
    auto a = rows(1, 20), b = rows(11, 20);  // b repeats 10 of a's rows
    std::vector<HistoryBatch> batches{{kOrg, "Invoice__History", a, &slices[0]},
                                      {kOrg, "Invoice__History", b}};
    auto stats = load.store->load_history(load.mode, batches);
    REQUIRE(stats);
    REQUIRE(stats->size() == 2);
    CHECK((*stats)[0].inserted == 20);
    CHECK((*stats)[0].seen == 0);
    CHECK((*stats)[1].inserted == 20);  // no index to find b's repeats by, until merge_history
    CHECK((*stats)[1].seen == 0);
    CHECK(raw_scalar(path, "SELECT count(*) FROM history") == "40");
    auto open = load.store->sync_slices(kOrg, "Invoice__History");
    REQUIRE(open);
    REQUIRE(open->size() == 2);
    CHECK((*open)[0].done);        // the first page finished its slice
    CHECK_FALSE((*open)[1].done);  // no page finished the second
    REQUIRE(load.store->merge_history());
    CHECK(raw_scalar(path, "SELECT count(*) FROM history") == "30");
  }

  TEST_CASE("later loads stage new rows and merge them and count stored rows as seen") {
    TempDir dir;
    std::string path = dir.file("s.db");
    auto store = store_with(path, 30);
    auto mode = store->begin_history_load();
    REQUIRE(mode);
    CHECK(*mode == LoadMode::kStaged);
    auto page = rows(21, 30);  // 10 stored, 20 new
    page[0].is_deleted = true;
    auto st = store->load_history(*mode, HistoryBatch{kOrg, "Invoice__History", page});
    REQUIRE(st);
    CHECK(st->inserted == 20);
    CHECK(st->seen == 10);
    // one staged page of 20 rows, none in `history` yet
    CHECK(raw_scalar(path, "SELECT count(*) || ' ' || sum(row_count) FROM history_stage_pages") ==
          "1 20");
    CHECK(raw_scalar(path, "SELECT count(*) FROM history") == "30");
    CHECK(raw_scalar(path, "SELECT is_deleted FROM history WHERE history_id = '" + page[0].history_id + "'") == "1");
    // Rows staged again in the same run count again (as in a first load; sync drops the rows a
    // restarted query repeats before they get here), and the merge keeps the first copy.
    auto dup = rows(45, 6);
    for (auto& r : dup) r.new_value = "again";
    auto twice = store->load_history(*mode, HistoryBatch{kOrg, "Invoice__History", dup});
    REQUIRE(twice);
    CHECK(twice->inserted == 6);
    CHECK(twice->seen == 0);
    auto merged = store->merge_history();
    REQUIRE(merged);
    CHECK(*merged == 20);
    CHECK(raw_scalar(path, "SELECT count(*) FROM history") == "50");
    CHECK(raw_scalar(path, "SELECT count(*) FROM history WHERE new_value = 'again'") == "0");
    CHECK(raw_scalar(path, "SELECT count(*) FROM history_stage_pages") == "0");
    CHECK(raw_scalar(path, kIndexes) == "3");
  }

  TEST_CASE("merged rows join the recent tier, are read with the base and fold into it") {
    TempDir dir;
    std::string path = dir.file("s.db");
    auto store = store_with(path, 40);
    auto sync = [&](long first, long n) {
      auto mode = store->begin_history_load();
      REQUIRE(mode);
      REQUIRE(*mode == LoadMode::kStaged);
      REQUIRE(store->load_history(*mode, HistoryBatch{kOrg, "Invoice__History", rows(first, n)}));
      auto merged = store->merge_history();
      REQUIRE(merged);
      CHECK(*merged == n);
    };
    const std::string record = test::make_id("a01", 3);  // ids 3, 10, 17, ...
    HistoryFilter by_record;
    by_record.org_id = kOrg;
    by_record.record_id = record;
    auto in_order = [](const std::vector<StoredHistoryRow>& got) {
      return std::is_sorted(got.begin(), got.end(), [](const auto& a, const auto& b) {
        return std::tie(a.row.record_id, a.row.field, a.row.changed_at, a.row.history_id) <
               std::tie(b.row.record_id, b.row.field, b.row.changed_at, b.row.history_id);
      });
    };

    sync(41, 9);  // 9 recent rows against 40: not yet a quarter
    CHECK(raw_scalar(path, "SELECT count(*) FROM history WHERE tier = 1") == "9");
    auto recent = store->history(by_record);
    REQUIRE(recent);
    REQUIRE(recent->size() == 7);  // 3 ... 38 in the base, 45 in the recent tier
    CHECK(recent->back().row.history_id == test::make_id("017", 45));
    CHECK(in_order(*recent));
    HistoryFilter whole;
    whole.org_id = kOrg;
    auto all = store->history(whole);
    REQUIRE(all);
    CHECK(all->size() == 49);
    CHECK(in_order(*all));
    HistoryFilter pairs;
    pairs.org_id = kOrg;
    pairs.record_fields = {{record, "Paid__c"}};
    auto unordered = store->history_rows(pairs);
    REQUIRE(unordered);
    CHECK(unordered->size() == 7);
    auto keys = store->history_keys(std::vector<std::string>{record});
    REQUIRE(keys);
    REQUIRE(keys->size() == 7);
    CHECK(keys->back().changed_at == Timestamp(1000 * 45));
    auto last = store->history_rows_at(std::vector<std::int64_t>{keys->back().row});
    REQUIRE(last);
    REQUIRE(last->size() == 1);
    CHECK(last->front().history_id == test::make_id("017", 45));

    sync(50, 4);  // 13 recent rows against 40: a quarter, folded
    CHECK(raw_scalar(path, "SELECT count(*) FROM history WHERE tier = 1") == "0");
    CHECK(raw_scalar(path, "SELECT count(*) FROM history WHERE tier = 0") == "53");
    auto folded = store->history(by_record);
    REQUIRE(folded);
    REQUIRE(folded->size() == 8);  // and 52
    CHECK(in_order(*folded));
    CHECK(std::equal(recent->begin(), recent->end(), folded->begin(), [](const auto& a, const auto& b) {
      return a.row.history_id == b.row.history_id;
    }));
    CHECK(store->history_keys(std::vector<std::string>{record})->size() == 8);
  }

  TEST_CASE("history_rows with record_fields reads only those record and field pairs") {
    TempDir dir;
    auto store = Store::open({dir.file("s.db")});
    REQUIRE(store);
    auto page = rows(1, 42);
    for (std::size_t i = 0; i < page.size(); ++i) page[i].field = i % 2 ? "Paid__c" : "Amount__c";
    REQUIRE(store->insert_history("Invoice__History", page));
    const std::string rec3 = test::make_id("a01", 3), rec5 = test::make_id("a01", 5);
    HistoryFilter filter;
    filter.org_id = kOrg;
    filter.record_fields = {{rec3, "Paid__c"}, {rec5, "Amount__c"}, {rec5, "No_Such__c"}};
    auto got = store->history_rows(filter);
    REQUIRE(got);
    std::size_t expected = 0;
    for (const auto& r : page) {
      bool wanted = (r.record_id == rec3 && r.field == "Paid__c") ||
                    (r.record_id == rec5 && r.field == "Amount__c");
      expected += wanted ? 1 : 0;
    }
    REQUIRE(expected > 0);
    CHECK(got->size() == expected);
    for (const auto& r : *got) {
      bool wanted = (r.record_id == rec3 && r.field == "Paid__c") ||
                    (r.record_id == rec5 && r.field == "Amount__c");
      CHECK(wanted);
    }
  }

  TEST_CASE("history_rows with_value leaves out the rows that hold neither value") {
    TempDir dir;
    auto store = Store::open({dir.file("s.db")});
    REQUIRE(store);
    auto page = rows(1, 12);
    for (std::size_t i = 0; i < page.size(); ++i) {
      if (i % 3 == 0) page[i].old_value.reset();  // one value left: still a valued row
      if (i % 4 == 0) {  // long text: neither
        page[i].old_value.reset();
        page[i].new_value.reset();
      }
    }
    REQUIRE(store->insert_history("Invoice__History", page));
    HistoryFilter filter;
    filter.org_id = kOrg;
    filter.with_value = true;
    auto got = store->history_rows(filter);
    REQUIRE(got);
    CHECK(got->size() == 9);
    for (const auto& r : *got) CHECK((r.old_value || r.new_value));
    filter.with_value = false;
    CHECK(store->history_rows(filter)->size() == 12);
  }

  TEST_CASE("each_history_row reads every member over a row its caller swapped out") {
    TempDir dir;
    auto store = Store::open({dir.file("s.db")});
    REQUIRE(store);
    auto page = rows(1, 20);
    for (std::size_t i = 0; i < page.size(); i += 3) {
      page[i].old_value.reset();  // NULL in the store
      page[i].data_type.clear();
      page[i].is_deleted = true;
    }
    REQUIRE(store->insert_history("Invoice__History", page));
    HistoryFilter filter;
    filter.org_id = kOrg;
    auto expected = store->history_rows(filter);
    REQUIRE(expected);
    // The caller keeps each row and leaves a row of stale values in its place.
    std::vector<HistoryRow> kept;
    auto s = store->each_history_row(filter, [&](HistoryRow& r) {
      HistoryRow stale = page[7];
      stale.old_value = "stale";
      stale.data_type = "Stale";
      stale.is_deleted = !r.is_deleted;
      kept.emplace_back();
      std::swap(kept.back(), r);
      r = stale;
    });
    REQUIRE(s);
    REQUIRE(kept.size() == expected->size());
    auto by_id = [](const HistoryRow& a, const HistoryRow& b) {
      return a.history_id < b.history_id;
    };
    std::sort(kept.begin(), kept.end(), by_id);
    std::sort(expected->begin(), expected->end(), by_id);
    for (std::size_t i = 0; i < kept.size(); ++i) {
      CAPTURE(i);
      const HistoryRow& a = kept[i];
      const HistoryRow& b = (*expected)[i];
      CHECK(std::tie(a.history_id, a.record_id, a.field, a.data_type, a.old_value, a.new_value,
                     a.changed_by, a.changed_at, a.is_deleted) ==
            std::tie(b.history_id, b.record_id, b.field, b.data_type, b.old_value, b.new_value,
                     b.changed_by, b.changed_at, b.is_deleted));
    }
  }

  TEST_CASE("history_rows selects the rows history selects without their order") {
    TempDir dir;
    auto store = store_with(dir.file("s.db"), 40);
    HistoryFilter filter;
    filter.org_id = kOrg;
    filter.users = {test::make_id("005", 2)};
    filter.record_ids = {test::make_id("a01", 3), test::make_id("a01", 5)};
    filter.from = Timestamp(5000);
    auto ordered = store->history(filter);
    auto plain = store->history_rows(filter);
    REQUIRE(ordered);
    REQUIRE(plain);
    REQUIRE_FALSE(ordered->empty());
    auto key = [](const HistoryRow& r) {
      return r.history_id + "|" + r.record_id + "|" + r.changed_by + "|" + r.changed_at.to_iso() +
             "|" + r.old_value.value_or("-") + "|" + r.new_value.value_or("-") + "|" + r.org_id +
             "|" + r.sobject + "|" + r.field + "|" + r.data_type;
    };
    std::vector<std::string> a, b;
    for (const auto& s : *ordered) a.push_back(key(s.row));
    for (const auto& r : *plain) b.push_back(key(r));
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    CHECK(a == b);
    for (const auto& r : *plain) {
      CHECK(r.changed_by == test::make_id("005", 2));
      CHECK(r.changed_at >= Timestamp(5000));
    }
  }

  TEST_CASE("history_keys lists the records' rows in index order and history_rows_at reads them") {
    TempDir dir;
    auto store = store_with(dir.file("s.db"), 40);
    std::vector<std::string> wanted{test::make_id("a01", 5), test::make_id("a01", 2)};
    auto keys = store->history_keys(wanted);
    REQUIRE(keys);
    REQUIRE(keys->size() == 12);  // ids 2, 5, 9, 12, ... up to 40, seven records round robin
    for (std::size_t i = 1; i < keys->size(); ++i) {
      const auto& a = (*keys)[i - 1];
      const auto& b = (*keys)[i];
      CHECK(std::tie(a.record_id, a.field, a.changed_at) <= std::tie(b.record_id, b.field, b.changed_at));
    }
    CHECK(keys->front().record_id == test::make_id("a01", 2));
    std::vector<std::int64_t> handles{(*keys)[0].row, (*keys)[7].row};
    auto got = store->history_rows_at(handles);
    REQUIRE(got);
    REQUIRE(got->size() == 2);
    std::vector<std::string> at_keys{(*keys)[0].changed_at.to_iso(), (*keys)[7].changed_at.to_iso()};
    std::vector<std::string> at_rows{(*got)[0].changed_at.to_iso(), (*got)[1].changed_at.to_iso()};
    std::sort(at_keys.begin(), at_keys.end());
    std::sort(at_rows.begin(), at_rows.end());
    CHECK(at_rows == at_keys);
    CHECK((*got)[0].org_id == kOrg);
    CHECK(store->history_rows_at({})->empty());
  }

  TEST_CASE("rows a killed run staged are merged by the next read-write open and reported before") {
    TempDir dir;
    std::string path = dir.file("s.db");
    {
      auto store = Store::open({path});
      REQUIRE(store);
      REQUIRE(store->insert_history("Invoice__History", rows(1, 5)));
      auto mode = store->begin_history_load();
      REQUIRE(mode);
      REQUIRE(store->load_history(*mode, HistoryBatch{kOrg, "Invoice__History", rows(6, 8)}));
    }  // no merge: as if killed
    CHECK(raw_scalar(path, "SELECT count(*) FROM history") == "5");
    {
      auto reader = Store::open({path, false, true});
      REQUIRE(reader);
      REQUIRE(reader->warnings().size() == 1);
      CHECK(reader->warnings()[0].find("8 history rows") != std::string::npos);
    }
    auto store = Store::open({path});
    REQUIRE(store);
    CHECK(raw_scalar(path, "SELECT count(*) FROM history") == "13");
    CHECK(raw_scalar(path, "SELECT count(*) FROM history_stage_pages") == "0");
    // More staged than stored: merged into rebuilt indexes; every row ends in the base tier.
    CHECK(raw_scalar(path, "SELECT count(*) FROM history WHERE tier = 0") == "13");
  }

  TEST_CASE("a read-only open during a first load says a sync is running or was interrupted") {
    TempDir dir;
    std::string path = dir.file("s.db");
    REQUIRE(Store::open({path}));
    // A writer in the middle of a rollback-journal transaction, as a first load is.
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    REQUIRE(sqlite3_exec(raw, "PRAGMA journal_mode=DELETE; BEGIN; INSERT INTO orgs VALUES "
                              "('00D000000000009AAA', '', 'a', 'b');",
                         nullptr, nullptr, nullptr) == SQLITE_OK);
    StoreOptions ro{path};
    ro.read_only = true;
    auto busy = Store::open(ro);
    REQUIRE_FALSE(busy);
    CHECK(busy.error().code == ErrorCode::kStorage);
    CHECK(busy.error().message.find("rerun 'sfrewind sync'") != std::string::npos);
    sqlite3_exec(raw, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(raw);
    CHECK(Store::open(ro));  // the journal is gone with the transaction
  }

  TEST_CASE("a big merge goes through a rollback journal and leaves the store in WAL, whole") {
    TempDir dir;
    std::string path = dir.file("s.db");
    auto store = store_with(path, 40);
    auto mode = store->begin_history_load();
    REQUIRE(mode);
    REQUIRE(*mode == LoadMode::kStaged);
    // 20,000 staged rows (the threshold) against 40 stored: a rebuild, in journal mode.
    for (long first = 41; first < 20'041; first += 2'000) {
      REQUIRE(store->load_history(*mode, HistoryBatch{kOrg, "Invoice__History", rows(first, 2'000)}));
    }
    auto merged = store->merge_history();
    REQUIRE(merged);
    CHECK(*merged == 20'000);
    CHECK(raw_scalar(path, "PRAGMA journal_mode") == "wal");
    CHECK(raw_scalar(path, "SELECT count(*) FROM history") == "20040");
    CHECK(raw_scalar(path, "SELECT count(DISTINCT history_id) FROM history") == "20040");
    CHECK(raw_scalar(path, "PRAGMA integrity_check") == "ok");
    CHECK(raw_scalar(path, kIndexes) == "3");
    CHECK_FALSE(std::filesystem::exists(path + "-journal"));
    StoreOptions ro{path};
    ro.read_only = true;
    auto reader = Store::open(ro);
    REQUIRE(reader);
    CHECK(*reader->history_count(kOrg) == 20'040);
  }

  TEST_CASE("a first load killed before its indexes were built gets them on the next open") {
    TempDir dir;
    std::string path = dir.file("s.db");
    {
      FirstLoad load(path);
      REQUIRE(load.store->load_history(load.mode, HistoryBatch{kOrg, "Invoice__History", rows(1, 9)}));
    }
    CHECK(raw_scalar(path, kIndexes) == "0");
    REQUIRE(Store::open({path}));
    CHECK(raw_scalar(path, kIndexes) == "3");
    CHECK(raw_scalar(path, "SELECT count(*) FROM history") == "9");
    CHECK(raw_scalar(path, "PRAGMA journal_mode") == "wal");
  }
}
