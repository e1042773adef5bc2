// The sfrewind executable shapes its heap for bulk commands (src/cli/main.cpp), which the
// in-process CLI of the other tests never does: the same commands through the binary must give
// the same results.
#include <fstream>
#include <iterator>
#include <set>

#include <doctest/doctest.h>

#include <sfrewind/store/store.hpp>

#include "rollback/acme_fixture.hpp"
#include "support/spawn.hpp"

namespace sfrewind::test::rollback_tests {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST_SUITE("cli") {

TEST_CASE("the executable's plan, built on its bulk heap, is the in-process plan") {
  AcmeFixture f;
  f.sync();
  const std::string in_process = f.file("in-process.json"), by_binary = f.file("binary.json");
  f.plan({"--out", in_process});
  std::vector<std::string> args = {"--store", f.store_path(), "-q", "plan", "--user", kAttacker,
                                   "--from", kFrom, "--to", kTo, "--out", by_binary};
  for (auto& c : f.creds()) args.push_back(c);
  REQUIRE(wait_exit(spawn_sfrewind(args)) == 0);
  const std::string expected = slurp(in_process);
  CHECK(expected.find("\"items\"") != std::string::npos);
  CHECK(slurp(by_binary) == expected);
}

TEST_CASE("the executable's timeline for a thousand records matches the in-process one") {
  AcmeFixture f;
  f.sync();
  std::set<std::string> records;
  {
    auto store = Store::open(StoreOptions{f.store_path(), false, true});
    REQUIRE(store);
    auto orgs = store->org_ids();
    REQUIRE(orgs);
    REQUIRE(!orgs->empty());
    HistoryFilter all;
    all.org_id = orgs->front();
    auto rows = store->history(all);
    REQUIRE(rows);
    for (const auto& r : *rows) records.insert(r.row.record_id);
  }
  REQUIRE(!records.empty());
  const std::string ids = f.file("ids.txt");
  {
    std::ofstream out(ids);
    for (std::size_t n = 0; n < 1000;) {  // repeated: the bulk path starts at 1,000 ids
      for (const auto& r : records) out << r << "\n", ++n;
    }
  }
  auto in_process = f.cli({"--json", "timeline", "--records-file", ids, "--at", kTo}, false);
  REQUIRE_MESSAGE(in_process.code == 0, in_process.err);
  const std::string out = f.file("binary.out");
  REQUIRE(wait_exit(spawn_sfrewind({"--store", f.store_path(), "--json", "timeline",
                                    "--records-file", ids, "--at", kTo},
                                   true, out)) == 0);
  CHECK(in_process.out.size() > 1000);
  CHECK(slurp(out) == in_process.out);
}

}  // TEST_SUITE

}  // namespace
}  // namespace sfrewind::test::rollback_tests
