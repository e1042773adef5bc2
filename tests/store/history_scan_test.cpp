// Store::scan_history_rows: a range of stored rows read front to back, filtered by org and by
// (record, field) before anything is copied out.
#include <string>
#include <string_view>
#include <vector>

#include <doctest/doctest.h>

#include <sfrewind/store/store.hpp>

#include "support/history_rows.hpp"
#include "support/temp_dir.hpp"

using namespace sfrewind;

namespace {

constexpr const char* kOtherOrg = "00D000000000002AAA";

// Everything the scan of [first, last] hands over, as "record field old>new" lines.
std::vector<std::string> scan(Store& store, const std::string& org, std::int64_t first,
                              std::int64_t last, std::string_view field) {
  std::vector<std::string> out;
  auto wanted = [&](std::string_view, std::string_view f) { return f == field; };
  auto s = store.scan_history_rows(org, first, last, wanted, [&](HistoryRow& r) {
    out.push_back(r.record_id + " " + r.field + " " + r.old_value.value_or("-") + ">" +
                  r.new_value.value_or("-") + " " + r.changed_at.to_iso());
  });
  REQUIRE(s);
  return out;
}

}  // namespace

TEST_SUITE("store") {
  TEST_CASE("a history scan reads a range of rows in stored order, by org and pair") {
    test::TempDir dir;
    auto store = Store::open({dir.file("s.db")});
    REQUIRE(store);
    auto empty = store->last_history_row();
    REQUIRE(empty);
    CHECK(*empty == 0);
    test::RowTable t;
    const std::string by = test::make_id("005", 1);
    // Stored newest first: a scan keeps the stored order, not the time order.
    t.add(test::make_id("a01", 2), "Paid__c", "false", "true", by, "2026-03-10T12:00:00Z");
    t.add(test::make_id("a01", 1), "Paid__c", "true", std::nullopt, by, "2026-03-10T11:00:00Z");
    t.add(test::make_id("a01", 1), "Amount__c", "1", "2", by, "2026-03-10T11:30:00Z");
    t.add(test::make_id("a01", 3), "Paid__c", std::nullopt, "false", by, "2026-03-10T10:00:00Z");
    t.rows()[3].org_id = kOtherOrg;
    REQUIRE(store->insert_history("Invoice__History", t.rows()));
    const std::string org = t.rows()[0].org_id;
    auto last = store->last_history_row();
    REQUIRE(last);
    CHECK(*last == 4);

    const std::vector<std::string> all = scan(*store, org, 1, *last, "Paid__c");
    CHECK(all == std::vector<std::string>{
                     test::make_id("a01", 2) + " Paid__c false>true 2026-03-10T12:00:00.000Z",
                     test::make_id("a01", 1) + " Paid__c true>- 2026-03-10T11:00:00.000Z"});
    CHECK(scan(*store, org, 2, 3, "Paid__c") == std::vector<std::string>{all[1]});
    CHECK(scan(*store, org, 3, 2, "Paid__c").empty());
    CHECK(scan(*store, kOtherOrg, 1, *last, "Paid__c").size() == 1);
    CHECK(scan(*store, org, 1, *last, "Amount__c").size() == 1);
  }
}
