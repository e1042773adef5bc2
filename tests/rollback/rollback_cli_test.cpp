// plan / apply / verify end to end on the sample incident, in process against sfrewind-emu.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>

#include <sfrewind/store/store.hpp>

#include "rollback/acme_fixture.hpp"

namespace sfrewind::test::rollback_tests {
namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// (sobject, id, field) of the plan's ready items, read from the plan file.
std::set<std::tuple<std::string, std::string, std::string>> ready_items(const std::string& file) {
  auto plan = rollback::plan_from_json(read_all(file));
  REQUIRE(plan);
  std::set<std::tuple<std::string, std::string, std::string>> out;
  for (const auto& it : plan->items) {
    if (it.status == rollback::ItemStatus::kReady) out.insert({it.sobject, it.record_id, it.api_field});
  }
  return out;
}

// The oracle's standing changes as (sobject, id, api field) -> pre-window literal.
std::map<std::tuple<std::string, std::string, std::string>, std::string> expected(AcmeFixture& f,
                                                                                 const OrgState& s) {
  std::map<std::pair<std::string, std::string>, std::string> by_name;  // (type, Name) -> id
  for (const auto& [k, v] : s) {
    if (std::get<2>(k) == "Name") by_name[{std::get<0>(k), v.substr(1, v.size() - 2)}] = std::get<1>(k);
  }
  std::map<std::tuple<std::string, std::string, std::string>, std::string> out;
  for (const auto& [k, v] : acme_oracle().standing) {
    auto [type, name, field] = k;
    REQUIRE(by_name.count({type, name}));
    std::string pre = v.first;
    if (pre.rfind("\"@user:", 0) == 0) pre = json_quote(f.user_id(pre.substr(7, pre.size() - 8)));
    out[{type, by_name[{type, name}], field}] = pre;
  }
  return out;
}

std::size_t responder_writes(AcmeFixture& f) {
  std::size_t n = 0;
  for (const auto& w : f.server().write_log()) n += w.user == "responder@acme.example" ? 1 : 0;
  return n;
}

TEST_SUITE("rollback_cli") {

TEST_CASE("plan apply and verify restore exactly the attacker's standing changes") {
  AcmeFixture f;
  f.sync();
  OrgState before = f.state();
  auto want = expected(f, before);
  CHECK(want.size() == 295 * 2 + 23 + 1);  // samples/README.md
  std::string file = f.file("plan.json");
  std::string id = f.plan({"--out", file});
  CHECK((std::filesystem::status(file).permissions() & std::filesystem::perms::all) ==
        (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
  std::set<std::tuple<std::string, std::string, std::string>> want_keys;
  for (const auto& [k, v] : want) want_keys.insert(k);
  CHECK(ready_items(file) == want_keys);

  std::int64_t calls_before = f.api_calls();
  auto applied = f.cli({"--json", "apply", id, "--yes"});
  REQUIRE_MESSAGE(applied.code == 0, applied.err);
  auto summary = rollback::json::parse(applied.out);
  REQUIRE(summary);
  CHECK(summary->find("applied")->text == std::to_string(want.size()));
  CHECK(f.api_calls() - calls_before == std::stoll(summary->find("api_calls_estimate")->text));
  CHECK(summary->find("api_calls")->text == summary->find("api_calls_estimate")->text);

  OrgState after = f.state();
  for (const auto& [k, v] : after) {
    auto w = want.find(k);
    if (w == want.end()) {
      CHECK_MESSAGE(before.at(k) == v, std::get<1>(k) << "." << std::get<2>(k) << " changed");
    } else {
      auto got = rollback::decode_json_literal(v);
      auto pre = rollback::decode_json_literal(w->second);
      REQUIRE(got);
      REQUIRE(pre);
      CHECK_MESSAGE(same_value(*got, *pre), std::get<1>(k) << "." << std::get<2>(k) << " is " << v);
    }
  }
  CHECK(responder_writes(f) == want.size());

  auto again = f.cli({"apply", id, "--yes"});
  CHECK(again.code == 0);
  CHECK(responder_writes(f) == want.size());

  auto verified = f.cli({"verify", file});
  CHECK_MESSAGE(verified.code == 0, verified.out << verified.err);
  CHECK(verified.out.find(std::to_string(want.size()) + " restored") != std::string::npos);
}

TEST_CASE("guarded mode restores the same items with If-Unmodified-Since and the estimated calls") {
  AcmeFixture f;
  f.sync();
  auto want = expected(f, f.state());
  std::string id = f.plan({"--mode", "guarded"});
  std::int64_t calls_before = f.api_calls();
  auto applied = f.cli({"--json", "apply", id, "--yes"});
  REQUIRE_MESSAGE(applied.code == 0, applied.err);
  auto summary = rollback::json::parse(applied.out);
  REQUIRE(summary);
  CHECK(summary->find("applied")->text == std::to_string(want.size()));
  CHECK(f.api_calls() - calls_before == std::stoll(summary->find("api_calls_estimate")->text));
  CHECK(responder_writes(f) == want.size());
}

TEST_CASE("apply refuses the compromised credential and writes nothing") {
  AcmeFixture f;
  f.sync();
  std::string id = f.plan();
  auto r = f.cli({"apply", id, "--yes"}, true, true);
  CHECK(r.code == 2);
  CHECK(r.err.find("one of the plan's users") != std::string::npos);
  CHECK(f.server().write_log().empty());
}

TEST_CASE("apply refuses a hand-edited plan file") {
  AcmeFixture f;
  f.sync();
  std::string file = f.file("plan.json");
  f.plan({"--out", file});
  std::string text = read_all(file);
  auto at = text.find("\"restore_to\": false");
  REQUIRE(at != std::string::npos);
  text.replace(at, 19, "\"restore_to\": true");
  std::ofstream(file, std::ios::trunc) << text;
  auto r = f.cli({"apply", file, "--yes"});
  CHECK(r.code == 2);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK(f.server().write_log().empty());
}

TEST_CASE("plan --out replaces the file whole and leaves nothing beside it") {
  AcmeFixture f;
  f.sync();
  std::string file = f.file("plan.json");
  std::ofstream(file) << "an older file, longer than nothing";
  std::filesystem::permissions(file, std::filesystem::perms::all);
  std::string id = f.plan({"--out", file});
  auto plan = rollback::plan_from_json(read_all(file));
  REQUIRE(plan);
  CHECK(plan->plan_id == id);
  CHECK((std::filesystem::status(file).permissions() & std::filesystem::perms::all) ==
        (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
  CHECK_FALSE(std::filesystem::exists(file + ".partial"));
}

TEST_CASE("a locked record fails alone and apply exits 3 with the failure recorded") {
  AcmeFixture f;
  f.sync();
  std::string file = f.file("plan.json");
  std::string id = f.plan({"--out", file});
  auto ready = ready_items(file);
  std::string locked = std::get<1>(*ready.rbegin());
  emu::FaultOptions faults;
  faults.lock_records = {locked};
  f.server().set_faults(faults);
  auto r = f.cli({"apply", id, "--yes"});
  CHECK(r.code == 3);
  CHECK(r.out.find("UNABLE_TO_LOCK_ROW") != std::string::npos);
  CHECK(responder_writes(f) >= ready.size() - 2);
  auto store = Store::open(StoreOptions{f.store_path(), false, true});
  REQUIRE(store);
  auto journal = store->journal(id);
  REQUIRE(journal);
  bool recorded = false;
  for (const auto& row : *journal) {
    recorded = recorded || (row.entry.record_id == locked && row.entry.outcome == "failed");
  }
  CHECK(recorded);
  auto v = f.cli({"verify", id});
  CHECK(v.code == 3);
  CHECK(v.out.find("failed") != std::string::npos);
}

TEST_CASE("apply without --yes and without a terminal refuses") {
  AcmeFixture f;
  f.sync();
  std::string id = f.plan();
  auto r = f.cli({"apply", id});
  CHECK(r.code == 2);
  CHECK(f.server().write_log().empty());
}

TEST_CASE("bad input gets one line on stderr and exit 2 and leaves the store unchanged") {
  AcmeFixture f;
  f.sync();
  std::string id = f.plan();
  std::string malformed = f.file("bad.json");
  std::ofstream(malformed) << "{\"plan_id\": ";
  auto snapshot = [&] { return read_all(f.store_path()) + read_all(f.store_path() + "-wal"); };
  std::string before = snapshot();
  std::vector<std::vector<std::string>> cases = {
      {"plan", "--user", "not-a-user", "--from", kFrom, "--to", kTo},
      {"plan", "--user", "nobody@acme.example", "--from", kFrom, "--to", kTo},
      {"plan", "--user", kAttacker, "--from", "yesterday-ish", "--to", kTo},
      {"plan", "--user", kAttacker, "--from", kTo, "--to", kFrom},
      {"plan", "--user", kAttacker, "--from", kFrom, "--to", kTo, "--mode", "fast"},
      {"apply", "p0000000000000000", "--yes"},
      {"apply", malformed, "--yes"},
      {"verify", "nope"},
      {"apply", id, "--yes", "--mode", "bulk"},
      // found before the plan (a new one: Account only) is stored, not after
      {"plan", "--user", kAttacker, "--from", kFrom, "--to", kTo, "--objects", "Account", "--out",
       f.file("no/plan.json")},
  };
  for (const auto& args : cases) {
    auto r = f.cli(args);
    CHECK_MESSAGE(r.code == 2, args[0] << " " << args.back() << ": " << r.err);
    CHECK_MESSAGE(std::count(r.err.begin(), r.err.end(), '\n') == 1, r.err);
  }
  CHECK(snapshot() == before);
  CHECK(f.server().write_log().empty());
}

}  // TEST_SUITE

}  // namespace
}  // namespace sfrewind::test::rollback_tests
