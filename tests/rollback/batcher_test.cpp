// Batcher: collection sizes, /composite packing, guarded row PATCHes and the API-call estimate.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <sfrewind/rollback/batcher.hpp>

#include "support/history_rows.hpp"

using namespace sfrewind::rollback;
using sfrewind::test::make_id;

namespace {

PlanItem ready(std::string sobject, std::string record, std::string field, std::string value) {
  PlanItem it;
  it.sobject = std::move(sobject);
  it.record_id = std::move(record);
  it.field = field;
  it.api_field = std::move(field);
  it.status = ItemStatus::kReady;
  it.restore_to = std::move(value);
  return it;
}

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + needle.size())) ++n;
  return n;
}

std::size_t total_count(const Batches& b, const std::string& needle) {
  std::size_t n = 0;
  for (const auto& x : b.batches) n += count(x.body, needle);
  return n;
}

}  // namespace

TEST_SUITE("rollback") {
  TEST_CASE("records are cut into collections of 200 and packed five per composite call") {
    struct Case {
      const char* name;
      std::vector<std::pair<std::string, long>> records;  // object, record count
      std::size_t collections;
      std::size_t calls;
    };
    const std::vector<Case> cases = {
        {"one record", {{"Invoice__c", 1}}, 1, 1},
        {"exactly 200", {{"Invoice__c", 200}}, 1, 1},
        {"401 records", {{"Invoice__c", 401}}, 3, 1},
        {"1001 records", {{"Invoice__c", 1001}}, 6, 2},
        {"1000 records", {{"Invoice__c", 1000}}, 5, 1},
        {"two objects are never mixed", {{"Account", 10}, {"Invoice__c", 10}}, 2, 1},
        {"six objects need a second call", {{"A__c", 1}, {"B__c", 1}, {"C__c", 1}, {"D__c", 1}, {"E__c", 1}, {"F__c", 1}}, 6, 2},
    };
    for (const auto& c : cases) {
      CAPTURE(c.name);
      std::vector<PlanItem> items;
      std::size_t total = 0;
      for (const auto& [object, n] : c.records) {
        for (long i = 0; i < n; ++i) items.push_back(ready(object, make_id("a01", i), "Paid__c", "false"));
        total += static_cast<std::size_t>(n);
      }
      Batches b = make_batches(items, BatchMode::kCollections, "62.0");
      CHECK(b.batches.size() == c.calls);
      CHECK(total_count(b, "\"url\":\"/services/data/v62.0/composite/sobjects\"") == c.collections);
      CHECK(total_count(b, "\"attributes\"") == total);
      std::size_t ids = 0, rereads = 0;
      for (const auto& x : b.batches) {
        CHECK(x.method == "POST");
        CHECK(x.path == "/services/data/v62.0/composite");
        CHECK(count(x.body, "\"method\":\"PATCH\"") <= 5);
        ids += x.record_ids.size();
        REQUIRE(x.rereads.size() == 1);
        rereads += count(x.rereads[0].body, "\"method\":\"GET\"");
      }
      CHECK(ids == total);
      CHECK(rereads == c.collections);
      CHECK(b.estimate.write_calls == c.calls);
      CHECK(b.estimate.reread_calls == c.calls);
      CHECK(b.estimate.total() == 2 * c.calls);
    }
  }

  TEST_CASE("one record carries all its ready fields and skips the others") {
    const std::string r = make_id("a01", 1);
    std::vector<PlanItem> items = {
        ready("Invoice__c", r, "Status__c", "\"Open\""),
        ready("Invoice__c", r, "Amount__c", "1500.0"),
        ready("Invoice__c", r, "Paid__c", "false"),
    };
    items[2].status = ItemStatus::kConflict;
    Batches b = make_batches(items, BatchMode::kCollections, "62.0");
    REQUIRE(b.batches.size() == 1);
    const std::string expected =
        R"({"allOrNone":false,"collateSubrequests":false,"compositeRequest":[{"method":"PATCH",)"
        R"("url":"/services/data/v62.0/composite/sobjects","referenceId":"c1","body":{"allOrNone":false,)"
        R"("records":[{"attributes":{"type":"Invoice__c"},"id":")" + r +
        R"(","Amount__c":1500.0,"Status__c":"Open"}]}}]})";
    CHECK(b.batches[0].body == expected);
    CHECK(b.batches[0].record_ids == std::vector<std::string>{r});
    CHECK(b.batches[0].rereads.at(0).body.find("?ids=" + r + "&fields=Amount__c,Status__c") !=
          std::string::npos);
  }

  TEST_CASE("nothing ready means no calls") {
    std::vector<PlanItem> items = {ready("Invoice__c", make_id("a01", 1), "Paid__c", "false")};
    items[0].status = ItemStatus::kNoop;
    Batches b = make_batches(items, BatchMode::kCollections, "62.0");
    CHECK(b.batches.empty());
    CHECK(b.estimate.total() == 0);
  }

  TEST_CASE("guarded mode sends row PATCHes with an If-Unmodified-Since placeholder per record") {
    std::vector<PlanItem> items;
    for (long i = 0; i < 26; ++i) items.push_back(ready("Invoice__c", make_id("a01", i), "Paid__c", "false"));
    items.push_back(ready("Account", make_id("001", 1), "Rating", "\"Hot\""));
    Batches b = make_batches(items, BatchMode::kGuarded, "62.0");
    REQUIRE(b.batches.size() == 2);
    CHECK(count(b.batches[0].body, "\"method\":\"PATCH\"") == 25);
    CHECK(count(b.batches[1].body, "\"method\":\"PATCH\"") == 2);
    const std::string acct = make_id("001", 1);
    CHECK(b.batches[0].body.find("\"url\":\"/services/data/v62.0/sobjects/Account/" + acct + "\"") !=
          std::string::npos);
    CHECK(b.batches[0].body.find("\"If-Unmodified-Since\":\"" + if_unmodified_since_placeholder(acct) +
                                 "\"") != std::string::npos);
    CHECK(if_unmodified_since_placeholder(acct) == "{{If-Unmodified-Since:" + acct + "}}");
    // First call: Account + Invoice__c chunks in one re-read; second: Invoice__c only.
    CHECK(count(b.batches[0].rereads.at(0).body, "\"method\":\"GET\"") == 2);
    CHECK(b.batches[0].rereads[0].body.find("LastModifiedDate") != std::string::npos);
    CHECK(b.estimate.write_calls == 2);
    CHECK(b.estimate.reread_calls == 2);
  }

  TEST_CASE("lowered limits pack exactly to the limit") {
    std::vector<PlanItem> items;
    for (long i = 0; i < 7; ++i) items.push_back(ready("Invoice__c", make_id("a01", i), "Paid__c", "true"));
    BatchLimits limits;
    limits.records_per_collection = 2;
    limits.collections_per_composite = 2;
    Batches b = make_batches(items, BatchMode::kCollections, "62.0", limits);
    CHECK(b.batches.size() == 2);  // 4 collections of 2,2,2,1 -> 2 calls
    CHECK(total_count(b, "\"referenceId\":\"c") == 4);
  }
}
