// plan's store reader: the touched pairs' rows, read part by part on other threads (two
// connections to a store file), give the plan of all their rows.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <sfrewind/rollback/planner.hpp>
#include <sfrewind/store/store.hpp>

#include "cli/plan_feed.hpp"
#include "cli/plan_scan.hpp"
#include "support/history_rows.hpp"
#include "support/raw_sql.hpp"
#include "support/temp_dir.hpp"

using namespace sfrewind;
using test::make_id;
using test::RowTable;

TEST_SUITE("rollback") {
  TEST_CASE("plan reads the touched pairs in parts and plans them as one") {
    const std::string attacker = make_id("005", 9);
    const std::string admin = make_id("005", 1);
    RowTable t;
    // 3,000 records x 3 fields: 9,000 touched pairs, three parts. Every fifth record was
    // changed again later; record 42 sits in the recycle bin; Notes__c is never touched.
    for (long i = 0; i < 3000; ++i) {
      const std::string r = make_id("a01", i);
      for (const char* f : {"Status__c", "Amount__c", "Code__c"}) {
        t.add(r, f, "a", "b", admin, "2026-03-10T11:00:00Z");
        t.add(r, f, "b", "c", attacker, "2026-03-10T12:10:00Z");
        if (i % 5 == 0) t.add(r, f, "c", "d", admin, "2026-03-10T13:10:00Z");
      }
      t.add(r, "Notes__c", "x", "y", admin, "2026-03-10T12:30:00Z");
    }
    for (auto& row : t.rows()) row.is_deleted = row.record_id == make_id("a01", 42);
    test::TempDir dir;
    // A store file gets a second reading connection; a store in memory is read by one.
    std::string path = dir.file("s.db");
    SUBCASE("in a file") {}
    SUBCASE("in memory") { path = ":memory:"; }
    // Read by key or by a scan of the table (what plan picks for a big incident).
    cli::FeedRead how = cli::FeedRead::kByKey;
    SUBCASE("by key") {}
    SUBCASE("by scan") { how = cli::FeedRead::kScan; }
    auto store = Store::open({path});
    REQUIRE(store.has_value());
    REQUIRE(store->insert_history("Invoice__History", t.rows()).has_value());

    rollback::PlanRequest req;
    req.users = {attacker};
    req.from = test::ts("2026-03-10T12:00:00Z");
    req.to = test::ts("2026-03-10T14:00:00Z");
    for (const char* f : {"Status__c", "Amount__c", "Code__c", "Notes__c"}) {
      req.fields[rollback::field_key("Invoice__c", f)] =
          rollback::FieldMeta{"string", true, false, true, 80, false, false, ""};
    }
    const std::string org = t.rows().front().org_id;
    auto touched = cli::touched_pairs(*store, org, req.users, req.from, req.to,
                                      [](const UserChange&) { return true; });
    REQUIRE(touched.has_value());
    CHECK(touched->pairs.size() == 9000);
    CHECK(touched->sobjects == std::set<std::string>{"Invoice__c"});
    auto builder = rollback::PlanBuilder::start(req);
    REQUIRE(builder.has_value());
    REQUIRE(cli::feed_rows(*store, org, *touched, *builder, how).has_value());
    rollback::Plan fed = builder->finish();

    rollback::PlanRequest whole_req = req;
    whole_req.deleted_records = {make_id("a01", 42)};
    std::vector<HistoryRow> touched_rows;
    for (const auto& r : t.rows()) {
      if (r.field != "Notes__c") touched_rows.push_back(r);
    }
    auto whole = rollback::build_plan(whole_req, touched_rows);
    REQUIRE(whole.has_value());
    CHECK(fed.items.size() == 9000);
    CHECK(fed.hash == whole->hash);
    std::size_t conflicts = 0, deleted = 0;
    for (const auto& it : fed.items) {
      conflicts += it.status == rollback::ItemStatus::kConflict;
      deleted += it.reason == "record deleted";
    }
    CHECK(conflicts == 600 * 3);
    CHECK(deleted == 3);
  }

  TEST_CASE("plan is given only the snapshot values it can rescue from, and plans the same") {
    const std::string attacker = make_id("005", 9);
    const std::string admin = make_id("005", 1);
    RowTable t;
    // 400 records' Notes__c (long text: history keeps no value, only a snapshot restores it) and
    // Status__c, first changed by the attacker at one of four times; every seventh record also
    // by an admin before.
    const char* firsts[] = {"2026-03-10T12:10:00Z", "2026-03-10T12:40:00Z",
                            "2026-03-10T13:10:00Z", "2026-03-10T13:40:00Z"};
    for (long i = 0; i < 400; ++i) {
      const std::string r = make_id("a01", i);
      const std::nullopt_t none = std::nullopt;
      if (i % 7 == 0) t.add(r, "Notes__c", none, none, admin, "2026-03-10T12:05:00Z");
      t.add(r, "Notes__c", none, none, attacker, firsts[i % 4]);
      if (i % 5 == 0) t.add(r, "Notes__c", none, none, attacker, "2026-03-10T13:50:00Z");
      t.add(r, "Status__c", "a", "b", attacker, firsts[i % 4]);
    }
    test::TempDir dir;
    const std::string path = dir.file("s.db");
    auto store = Store::open({path});
    REQUIRE(store.has_value());
    REQUIRE(store->insert_history("Invoice__History", t.rows()).has_value());
    const std::string org = t.rows().front().org_id;
    // Snapshots: of records [from, to) at `at`, values tagged with the snapshot. Two share an
    // instant (the lower id is preferred); the last is after the window.
    struct Snap {
      long from, to;
      const char* at;
    };
    const Snap snaps[] = {{0, 300, "2026-03-10T11:00:00.000Z"},
                          {100, 400, "2026-03-10T12:30:00.000Z"},
                          {150, 170, "2026-03-10T12:30:00.000Z"},
                          {0, 400, "2026-03-10T13:30:00.000Z"},
                          {0, 400, "2026-03-10T15:00:00.000Z"}};
    for (const Snap& sn : snaps) {
      auto id = store->begin_snapshot(org, "Invoice__c", true);
      REQUIRE(id.has_value());
      std::vector<SnapshotValue> values;
      for (long i = sn.from; i < sn.to; ++i) {
        for (const char* f : {"Notes__c", "Status__c"}) {
          std::string v = std::string(sn.at) + " #" + std::to_string(*id) + " " + f;
          values.push_back({"Invoice__c", make_id("a01", i), f, v, "string", ""});
        }
      }
      REQUIRE(store->add_snapshot_values(*id, org, values).has_value());
      const std::string set_time = "UPDATE snapshots SET taken_at = '" + std::string(sn.at) +
                                   "' WHERE snapshot_id = " + std::to_string(*id);
      REQUIRE(test::raw_scalar(path, set_time, true) == "<none>");
    }
    rollback::PlanRequest req;
    req.users = {attacker};
    req.from = test::ts("2026-03-10T12:00:00Z");
    req.to = test::ts("2026-03-10T14:00:00Z");
    req.fields[rollback::field_key("Invoice__c", "Notes__c")] =
        rollback::FieldMeta{"textarea", true, false, true, 32000, false, false, ""};
    req.fields[rollback::field_key("Invoice__c", "Status__c")] =
        rollback::FieldMeta{"string", true, false, true, 80, false, false, ""};
    auto touched = cli::touched_pairs(*store, org, req.users, req.from, req.to,
                                      [](const UserChange&) { return true; });
    REQUIRE(touched.has_value());
    REQUIRE(touched->pairs.size() == 800);
    // What plan was given before: every value of every snapshot taken before the window's end.
    rollback::PlanRequest every = req;
    auto infos = store->snapshots(org);
    REQUIRE(infos.has_value());
    for (const SnapshotInfo& info : *infos) {
      if (!(info.taken_at < req.to)) continue;
      auto values = store->snapshot_values(org, info.snapshot_id);
      REQUIRE(values.has_value());
      for (const SnapshotValue& v : *values) {
        every.snapshots.push_back(
            {v.record_id, v.field, FieldValue::text_value(*v.value), info.taken_at});
      }
    }
    auto picked = cli::rescue_snapshots(*store, org, *touched);
    REQUIRE(picked.has_value());
    req.snapshots = std::move(*picked);
    std::set<std::pair<std::string, std::string>> once;
    for (const auto& e : req.snapshots) once.emplace(e.record_id, e.field);
    CHECK(once.size() == req.snapshots.size());  // one value per pair at most
    CHECK(every.snapshots.size() > 3 * req.snapshots.size());
    auto plan_of = [&](const rollback::PlanRequest& r) {
      auto builder = rollback::PlanBuilder::start(r);
      REQUIRE(builder.has_value());
      REQUIRE(cli::feed_rows(*store, org, *touched, *builder).has_value());
      return builder->finish();
    };
    rollback::Plan from_picked = plan_of(req);
    rollback::Plan from_every = plan_of(every);
    CHECK(from_picked.hash == from_every.hash);
    std::size_t rescued = 0, tie = 0;
    for (const auto& it : from_picked.items) {
      rescued += it.rescued_from_snapshot;
      // Records 150-169 first changed at 12:40: both 12:30 snapshots hold them; the first wins.
      bool first_of_two = it.restore_to.find("12:30:00.000Z #2") != std::string::npos;
      tie += it.rescued_from_snapshot && first_of_two && it.record_id >= make_id("a01", 150) &&
             it.record_id < make_id("a01", 170);
    }
    CHECK(rescued > 0);
    CHECK(rescued < 400);
    CHECK(tie > 0);
  }

  TEST_CASE("plan reads the touched pairs in the order of its items, records whole") {
    // Opportunity ids (006) sort before Invoice__c ids (a01); the names sort the other way.
    // 2,500 records of each x 2 fields: 10,000 pairs, three parts.
    const std::string attacker = make_id("005", 9);
    const std::string admin = make_id("005", 1);
    RowTable opportunities("Opportunity");
    RowTable invoices("Invoice__c");
    for (long i = 0; i < 2500; ++i) {
      for (auto [t, prefix] : {std::pair{&opportunities, "006"}, std::pair{&invoices, "a01"}}) {
        for (const char* f : {"Amount", "StageName"}) {
          t->add(make_id(prefix, i), f, "a", "b", admin, "2026-03-10T11:00:00Z");
          t->add(make_id(prefix, i), f, "b", "c", attacker, "2026-03-10T12:10:00Z");
        }
      }
    }
    for (auto& r : invoices.rows()) r.history_id[3] = '9';  // ids distinct across the two
    test::TempDir dir;
    auto store = Store::open({dir.file("s.db")});
    REQUIRE(store.has_value());
    REQUIRE(store->insert_history("OpportunityFieldHistory", opportunities.rows()).has_value());
    REQUIRE(store->insert_history("Invoice__History", invoices.rows()).has_value());
    rollback::PlanRequest req;
    req.users = {attacker};
    req.from = test::ts("2026-03-10T12:00:00Z");
    req.to = test::ts("2026-03-10T14:00:00Z");
    for (const char* o : {"Opportunity", "Invoice__c"}) {
      for (const char* f : {"Amount", "StageName"}) {
        req.fields[rollback::field_key(o, f)] =
            rollback::FieldMeta{"string", true, false, true, 80, false, false, ""};
      }
    }
    const std::string org = invoices.rows().front().org_id;
    auto touched = cli::touched_pairs(*store, org, req.users, req.from, req.to,
                                      [](const UserChange&) { return true; });
    REQUIRE(touched.has_value());
    REQUIRE(touched->pairs.size() == 10000);
    CHECK(touched->pairs.front().first == make_id("a01", 0));
    CHECK(touched->pairs[4999].first == make_id("a01", 2499));
    CHECK(touched->pairs[5000].first == make_id("006", 0));
    CHECK(std::is_sorted(touched->pairs.begin(), touched->pairs.begin() + 5000));
    CHECK(std::is_sorted(touched->pairs.begin() + 5000, touched->pairs.end()));
    cli::FeedRead how = cli::FeedRead::kByKey;
    SUBCASE("by key") {}
    SUBCASE("by scan") { how = cli::FeedRead::kScan; }
    auto builder = rollback::PlanBuilder::start(req);
    REQUIRE(builder.has_value());
    REQUIRE(cli::feed_rows(*store, org, *touched, *builder, how).has_value());
    rollback::Plan fed = builder->finish();
    std::vector<HistoryRow> all = opportunities.rows();
    all.insert(all.end(), invoices.rows().begin(), invoices.rows().end());
    auto whole = rollback::build_plan(req, all);
    REQUIRE(whole.has_value());
    REQUIRE(fed.items.size() == 10000);
    CHECK(fed.items.front().sobject == "Invoice__c");
    CHECK(fed.items.back().sobject == "Opportunity");
    CHECK(fed.hash == whole->hash);
  }

  TEST_CASE("plan scans the table when its pairs are many for the rows stored and they would fit") {
    // A pair read by key costs a seek and a jump to each of its rows; a row scanned, far less.
    const std::uint64_t gib = std::uint64_t{1} << 30;
    CHECK_FALSE(cli::scan_pays(10, 1'000'000, gib));
    CHECK_FALSE(cli::scan_pays(20'000, 1'000'000, gib));
    CHECK(cli::scan_pays(87'190, 1'300'000, gib));
    CHECK(cli::scan_pays(9'000, 22'800, gib));
    CHECK_FALSE(cli::scan_pays(0, 0, gib));
    CHECK_FALSE(cli::scan_pays(5, 0, gib));
    // Memory: every stored row at 160 bytes must fit, whatever the pairs.
    CHECK(cli::scan_pays(1'000'000, 6'710'886, gib));
    CHECK_FALSE(cli::scan_pays(1'000'000, 6'710'887, gib));
    CHECK_FALSE(cli::scan_pays(87'190, 1'300'000, 200'000'000));
    CHECK(cli::scan_pays(87'190, 1'300'000, 208'000'000));
    CHECK(cli::scan_memory() > 0);
    CHECK(cli::scan_memory() <= gib);
  }

  TEST_CASE("a scan keeps only the touched pairs' rows, and hands them out by part in order") {
    const std::string by = make_id("005", 1);
    const std::string r1 = make_id("a01", 1), r2 = make_id("a01", 2), r3 = make_id("a01", 3);
    RowTable t;
    // Stored newest first, so that order by time differs from stored order.
    t.add(r2, "Amount__c", "2", "3", by, "2026-03-10T12:30:00Z");
    t.add(r1, "Notes__c", "x", "y", by, "2026-03-10T12:20:00Z");  // a record touched, not the field
    t.add(r3, "Amount__c", "5", "6", by, "2026-03-10T12:10:00Z");  // a record not touched
    t.add(r1, "Status__c", "a", "b", by, "2026-03-10T12:05:00Z");
    t.add(r2, "Amount__c", "1", "2", by, "2026-03-10T12:00:00Z");
    t.add(r2, "Status__c", "c", "d", by, "2026-03-10T11:55:00Z");  // the pair is not touched
    t.add(r1, "Amount__c", "7", "8", by, "2026-03-10T11:50:00Z");
    test::TempDir dir;
    auto store = Store::open({dir.file("s.db")});
    REQUIRE(store.has_value());
    REQUIRE(store->insert_history("Invoice__History", t.rows()).has_value());
    const std::string org = t.rows().front().org_id;
    const std::vector<cli::Pairs> parts = {{{r1, "Amount__c"}, {r1, "Status__c"}},
                                           {{r2, "Amount__c"}}};
    cli::ScannedParts scanned(parts, 2);
    REQUIRE(scanned.scan(*store, org, 1, 3, 0).has_value());
    REQUIRE(scanned.scan(*store, org, 4, 7, 1).has_value());
    CHECK(scanned.split(2) == 1);
    std::vector<HistoryRow> rows;
    std::size_t size = 99;
    auto got = [&](std::size_t part) {
      scanned.unpack(part, org, rows, size);
      std::vector<std::string> out;
      for (std::size_t i = 0; i < size; ++i) {
        out.push_back(rows[i].record_id.substr(14) + " " + rows[i].field + " " +
                      rows[i].new_value.value_or("-") + " " + rows[i].org_id.substr(0, 3));
      }
      return out;
    };
    const std::string tail1 = r1.substr(14), tail2 = r2.substr(14);
    CHECK(got(0) ==
          std::vector<std::string>{tail1 + " Amount__c 8 00D", tail1 + " Status__c b 00D"});
    CHECK(got(1) ==
          std::vector<std::string>{tail2 + " Amount__c 2 00D", tail2 + " Amount__c 3 00D"});
  }

  TEST_CASE("the users' pairs come sorted by record and field, each with its first change") {
    const std::string attacker = make_id("005", 9);
    RowTable t;
    // Fields whose names sort apart from the order seen (capitals first), records out of order,
    // each pair changed three times, newest first; one record id shorter than 18 characters.
    const char* fields[] = {"b__c", "a__c", "B__c", "Ab__c"};
    const char* times[] = {"2026-03-10T12:40:00Z", "2026-03-10T12:20:00Z", "2026-03-10T12:30:00Z"};
    for (long i : {7, 3, 11, 5}) {
      for (const char* f : fields) {
        for (const char* at : times) t.add(make_id("a01", i), f, "x", "y", attacker, at);
      }
    }
    // The first change read (the user index is in time order) is of the field that sorts last.
    t.add(make_id("a01", 11), "b__c", "w", "x", attacker, "2026-03-10T12:05:00Z");
    test::TempDir dir;
    auto store = Store::open({dir.file("s.db")});
    REQUIRE(store.has_value());
    REQUIRE(store->insert_history("Invoice__History", t.rows()).has_value());
    const std::string org = t.rows().front().org_id;
    auto all = [](const UserChange&) { return true; };
    auto touched = cli::touched_pairs(*store, org, {attacker}, test::ts("2026-03-10T12:00:00Z"),
                                      test::ts("2026-03-10T14:00:00Z"), all);
    REQUIRE(touched.has_value());
    REQUIRE(touched->pairs.size() == 16);
    std::vector<std::pair<std::string, std::string>> want;
    for (long i : {3, 5, 7, 11}) {
      for (const char* f : {"Ab__c", "B__c", "a__c", "b__c"}) {
        want.emplace_back(make_id("a01", i), f);
      }
    }
    CHECK(touched->pairs == want);
    const std::pair<std::string, std::string> early(make_id("a01", 11), "b__c");
    for (std::size_t i = 0; i < want.size(); ++i) {
      const char* first = want[i] == early ? "2026-03-10T12:05:00Z" : "2026-03-10T12:20:00Z";
      CHECK(touched->first_at[i] == test::ts(first));
    }

    // A record id of another length takes the strings' own order, to the same result.
    RowTable odd;
    odd.add("a01000000000003", "b__c", "x", "y", attacker, "2026-03-10T12:50:00Z");
    odd.rows().front().history_id = make_id("017", 999);
    REQUIRE(store->insert_history("Invoice__History", odd.rows()).has_value());
    auto mixed = cli::touched_pairs(*store, org, {attacker}, test::ts("2026-03-10T12:00:00Z"),
                                    test::ts("2026-03-10T14:00:00Z"), all);
    REQUIRE(mixed.has_value());
    REQUIRE(mixed->pairs.size() == 17);
    CHECK(mixed->pairs.front().first == "a01000000000003");
    CHECK(std::vector(mixed->pairs.begin() + 1, mixed->pairs.end()) == want);
  }
}
