// plan's store reader: the touched pairs' rows, read part by part on other threads (two
// connections to a store file), give the plan of all their rows.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include <sfrewind/rollback/planner.hpp>
#include <sfrewind/store/store.hpp>

#include "cli/plan_feed.hpp"
#include "support/history_rows.hpp"
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
                                      [](const HistoryRow&) { return true; });
    REQUIRE(touched.has_value());
    CHECK(touched->pairs.size() == 9000);
    CHECK(touched->sobjects == std::set<std::string>{"Invoice__c"});
    auto builder = rollback::PlanBuilder::start(req);
    REQUIRE(builder.has_value());
    REQUIRE(cli::feed_rows(*store, org, *touched, *builder).has_value());
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
}
