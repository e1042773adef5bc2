// Store: reads through a map of the file, and filling the map in ahead of many reads.
#include <sys/stat.h>

#include <fstream>
#include <string>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <sfrewind/store/store.hpp>

#include "support/history_rows.hpp"
#include "support/temp_dir.hpp"

using namespace sfrewind;
using sfrewind::test::TempDir;

namespace {

constexpr const char* kOrg = "00D000000000001AAA";

// A store of `n` rows over n / 10 records, a few MB on disk, closed again.
void store_rows(const std::string& path, int n) {
  auto store = Store::open({path});
  REQUIRE(store);
  test::RowTable table;
  for (int i = 0; i < n; ++i) {
    table.add(test::make_id("a01", i / 10), fmt::format("Amount_{}__c", i % 10),
              std::string(120, 'o'), std::string(120, 'n'), "005000000000001AAA",
              "2026-11-20T01:00:00Z", "Currency");
  }
  REQUIRE(store->insert_history("Invoice__History", table.rows()));
}

// This process's resident pages of mapped files, in KiB (/proc/self/status, RssFile).
long rss_file_kib() {
  std::ifstream in("/proc/self/status");
  std::string key;
  long value = 0;
  while (in >> key) {
    if (key == "RssFile:") {
      in >> value;
      return value;
    }
    in.ignore(1 << 20, '\n');
  }
  return -1;
}

long file_kib(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return static_cast<long>(st.st_size / 1024);
}

Result<Store> open_read_only(const std::string& path) { return Store::open({path, false, true}); }

}  // namespace

TEST_SUITE("store") {
  TEST_CASE("populate_map maps the whole file in only for reads as many as its pages") {
    TempDir dir;
    const std::string path = dir.file("s.db");
    store_rows(path, 20000);
    const long size = file_kib(path);
    REQUIRE(size > 4096);  // several MB: the resident growth below is well above noise
    const std::size_t pages = static_cast<std::size_t>(size / 16);  // 16 KiB store pages

    auto store = open_read_only(path);
    REQUIRE(store);
    REQUIRE(store->map_for_reads());
    long before = rss_file_kib();
    REQUIRE(before >= 0);
    store->populate_map(pages / 2);  // fewer reads than pages: left to fault in as read
    CHECK(rss_file_kib() - before < size / 4);
    store->populate_map(pages);
    CHECK(rss_file_kib() - before > size * 8 / 10);
    CHECK(*store->history_count(kOrg) == 20000);  // reads go on through the filled map
    HistoryFilter f;
    f.org_id = kOrg;
    f.record_id = test::make_id("a01", 999);
    auto rows = store->history_rows(f);
    REQUIRE(rows);
    CHECK(rows->size() == 10);
  }

  TEST_CASE("populate_map does nothing to a store read without the map") {
    TempDir dir;
    const std::string path = dir.file("s.db");
    store_rows(path, 20000);
    const long size = file_kib(path);
    auto store = open_read_only(path);
    REQUIRE(store);
    long before = rss_file_kib();
    store->populate_map(1'000'000);
    CHECK(rss_file_kib() - before < size / 4);
    CHECK(*store->history_count(kOrg) == 20000);
  }
}
