// Store::read_snapshot: a query's reads see one state of the store while a sync commits.
#include <cstdint>
#include <optional>
#include <string>

#include <doctest/doctest.h>

#include <sfrewind/store/store.hpp>

#include "support/history_rows.hpp"
#include "support/temp_dir.hpp"

using namespace sfrewind;
using sfrewind::test::TempDir;

namespace {

constexpr const char* kOrg = "00D000000000001AAA";

// Rows `first`..`first + n - 1`, one record each, as a sync page would bring them.
void add_rows(Store& store, int first, int n) {
  test::RowTable table;
  for (int i = first; i < first + n; ++i) {
    HistoryRow& r = table.add(test::make_id("a01", i), "Paid__c", "false", "true",
                              "005000000000001AAA", "2026-11-20T01:00:00Z", "boolean");
    r.history_id = test::make_id("017", i);  // the table's own ids restart at each table
  }
  REQUIRE(store.insert_history("Invoice__History", table.rows()));
}

std::int64_t count(Store& store) {
  auto n = store.history_count(kOrg);
  REQUIRE(n);
  return *n;
}

// A store of `rows` rows, open through a writing connection and a read-only one.
struct Connections {
  explicit Connections(int rows) {
    const std::string path = dir.file("s.db");
    auto w = Store::open({path});
    REQUIRE(w);
    writer.emplace(std::move(*w));
    add_rows(*writer, 0, rows);
    auto r = Store::open({path, false, true});
    REQUIRE(r);
    reader.emplace(std::move(*r));
  }
  TempDir dir;  // declared first: the connections close before it goes
  std::optional<Store> writer;
  std::optional<Store> reader;
};

}  // namespace

TEST_SUITE("store") {
  TEST_CASE("a read snapshot keeps a reader's view while another connection commits") {
    Connections c(10);
    Store& writer = *c.writer;
    Store& reader = *c.reader;
    {
      auto snapshot = reader.read_snapshot();
      REQUIRE(snapshot);
      CHECK(count(reader) == 10);
      add_rows(writer, 10, 5);  // a sync's page lands mid-query
      CHECK(count(writer) == 15);
      CHECK(count(reader) == 10);  // still the state of the snapshot's first read
      HistoryFilter all;
      all.org_id = kOrg;
      auto rows = reader.history_rows(all);
      REQUIRE(rows);
      CHECK(rows->size() == 10);
    }
    CHECK(count(reader) == 15);  // the next query sees the commit
    add_rows(writer, 15, 1);
    CHECK(count(reader) == 16);  // and without a snapshot each read sees the latest
  }

  TEST_CASE("a read snapshot inside another leaves the outer one open") {
    Connections c(3);
    Store& writer = *c.writer;
    Store& reader = *c.reader;
    auto outer = reader.read_snapshot();
    REQUIRE(outer);
    CHECK(count(reader) == 3);
    {
      auto inner = reader.read_snapshot();  // as a query called by a caller holding one
      REQUIRE(inner);
      CHECK(count(reader) == 3);
    }
    add_rows(writer, 3, 2);
    CHECK(count(reader) == 3);  // the inner one's end did not end the outer one
  }
}
