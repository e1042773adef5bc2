// load_values_at reads many records in batches: the values, their order, the editors' names and
// the errors are those of one record at a time, across the batches' seams.
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <sfrewind/report/review_query.hpp>
#include <sfrewind/store/store.hpp>

#include "support/history_rows.hpp"
#include "support/temp_dir.hpp"

using namespace sfrewind;
using test::make_id;

namespace {

// "field=value" for each value of one record.
std::vector<std::string> described(const report::RecordValues& r) {
  std::vector<std::string> out;
  for (const auto& v : r.values) out.push_back(v.field + "=" + v.value.stored().value_or("null"));
  return out;
}

}  // namespace

TEST_SUITE("review") {
  TEST_CASE("values at a time for thousands of records come batch by batch, as one by one") {
    test::TempDir dir;
    auto store = Store::open({dir.file("s.db")});
    REQUIRE(store);
    // 2,500 records, asked for newest first: three batches. Record i's Amount__c went i -> i+1
    // before the time asked and i+1 -> i+2 after it; only records from 2,000 on have Paid__c,
    // set by a second user (whose name must come back from the last batch).
    test::RowTable t;
    const std::string clerk = make_id("005", 1), boss = make_id("005", 2);
    std::vector<std::string> asked;
    for (long i = 2499; i >= 0; --i) {
      const std::string r = make_id("a01", i);
      asked.push_back(r);
      const std::string a = std::to_string(i);
      t.add(r, "Amount__c", a, std::to_string(i + 1), clerk, "2026-03-10T11:00:00Z");
      t.add(r, "Amount__c", std::to_string(i + 1), std::to_string(i + 2), clerk,
            "2026-03-10T13:00:00Z");
      if (i >= 2000) t.add(r, "Paid__c", "false", "true", boss, "2026-03-10T11:30:00Z");
    }
    REQUIRE(store->insert_history("Invoice__History", t.rows()));
    const std::string org = t.rows().front().org_id;
    std::vector<UserRecord> users(2);
    users[0].user_id = clerk, users[0].username = "clerk@x.example";
    users[1].user_id = boss, users[1].username = "boss@x.example";
    for (UserRecord& u : users) u.org_id = org;
    REQUIRE(store->upsert_users(users));
    const std::string at = "2026-03-10T12:00:00Z";

    auto many = report::load_values_at(*store, {asked, "", at, Timestamp::now()});
    REQUIRE(many);
    REQUIRE(many->records.size() == asked.size());
    for (std::size_t k : std::vector<std::size_t>{0, 499, 500, 1023, 1024, 2047, 2048, 2499}) {
      const auto& got = many->records[k];
      CHECK(got.record_id == asked[k]);
      auto one = report::load_values_at(*store, {{asked[k]}, "", at, Timestamp::now()});
      REQUIRE(one);
      CHECK(described(got) == described(one->records.front()));
    }
    CHECK(described(many->records[0]) ==
          std::vector<std::string>{"Amount__c=2500", "Paid__c=true"});
    CHECK(described(many->records[2499]) == std::vector<std::string>{"Amount__c=1"});
    CHECK(many->names.at(clerk) == "clerk@x.example");
    CHECK(many->names.at(boss) == "boss@x.example");

    // A record with no history in the last batch fails the whole query, naming it.
    std::vector<std::string> with_unknown = asked;
    with_unknown.push_back(make_id("a01", 9999));
    auto missing = report::load_values_at(*store, {with_unknown, "", at, Timestamp::now()});
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == ErrorCode::kInvalidArgument);
    CHECK(missing.error().message.find(make_id("a01", 9999)) != std::string::npos);

    // In the first batch, while the second is being read: the same error, and the store's
    // connection is free again (the read under way is waited for).
    std::vector<std::string> unknown_first = asked;
    unknown_first.insert(unknown_first.begin() + 10, make_id("a01", 9998));
    auto early = report::load_values_at(*store, {unknown_first, "", at, Timestamp::now()});
    REQUIRE_FALSE(early);
    CHECK(early.error().message.find(make_id("a01", 9998)) != std::string::npos);
    auto after = report::load_values_at(*store, {{asked[7]}, "", at, Timestamp::now()});
    REQUIRE(after);
    CHECK(described(after->records.front()) == described(many->records[7]));
  }
}
