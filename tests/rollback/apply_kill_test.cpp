// Real kills of apply: the sfrewind binary is killed with SIGKILL mid-apply and rerun until it
// completes; the org must end as after an apply never killed, with no item written twice.
#include <signal.h>

#include <chrono>
#include <random>
#include <thread>

#include <doctest/doctest.h>

#include <sfrewind/store/store.hpp>

#include "rollback/acme_fixture.hpp"
#include "support/spawn.hpp"

namespace sfrewind::test::rollback_tests {
namespace {

// Starts `sfrewind apply PLAN --yes` for the fixture's store; returns the child pid.
pid_t spawn_apply(AcmeFixture& f, const std::string& plan) {
  std::vector<std::string> args = {"--store", f.store_path(), "-q", "apply", plan, "--yes"};
  for (auto& c : f.creds()) args.push_back(c);
  return spawn_sfrewind(args, false);
}

TEST_SUITE("rollback_exec") {

TEST_CASE("apply killed with SIGKILL at random moments and rerun ends as a clean apply") {
  AcmeFixture clean;
  clean.sync();
  REQUIRE(clean.cli({"apply", clean.plan({"--mode", "guarded"}), "--yes"}).code == 0);

  AcmeFixture f;
  f.sync();
  std::string plan = f.plan({"--mode", "guarded"});
  emu::FaultOptions slow;
  slow.latency_ms = 40;  // guarded mode makes a few dozen calls: kills land mid-run
  f.server().set_faults(slow);
  std::mt19937 rng(20261129);
  std::uniform_int_distribution<int> delay_ms(20, 600);
  int kills = 0;
  for (int round = 0; round < 6; ++round) {
    pid_t pid = spawn_apply(f, plan);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    kill(pid, SIGKILL);
    kills += wait_exit(pid) == -SIGKILL ? 1 : 0;
  }
  CHECK(kills > 0);
  REQUIRE(wait_exit(spawn_apply(f, plan)) == 0);
  std::map<std::pair<std::string, std::string>, int> writes;
  for (const auto& w : f.server().write_log()) {
    if (w.user == "responder@acme.example") writes[{w.record_id, w.field}]++;
  }
  for (const auto& [k, n] : writes) CHECK_MESSAGE(n == 1, k.first << "." << k.second);
  CHECK(f.state() == clean.state());
  auto store = Store::open(StoreOptions{f.store_path(), false, true});
  REQUIRE(store);
  CHECK(store->verify_journal().value_or(-1) == 0);
}

}  // TEST_SUITE

}  // namespace
}  // namespace sfrewind::test::rollback_tests
