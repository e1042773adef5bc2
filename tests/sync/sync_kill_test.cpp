// Real kills: the sfrewind binary is killed with SIGKILL mid-sync and rerun until it completes;
// the store must then hold exactly what a sync that was never killed stores.
#include <signal.h>

#include <chrono>
#include <random>
#include <thread>

#include <doctest/doctest.h>

#include "support/acme.hpp"
#include "support/spawn.hpp"
#include "support/temp_dir.hpp"

namespace {

using sfrewind::test::wait_exit;

// Starts `sfrewind sync` against `url` into `store`; returns the child pid.
pid_t spawn_sync(const std::string& url, const std::string& store) {
  return sfrewind::test::spawn_sfrewind({"--store", store, "-q", "sync", "--client-id",
                                         "acme-responder-app", "--client-secret",
                                         "acme-responder-secret", "--login-url", url, "--jobs",
                                         "3", "--batch-size", "200"});
}

}  // namespace

TEST_SUITE("sync") {
  TEST_CASE("sync killed with SIGKILL at random moments and rerun stores exactly a clean run") {
    sfrewind::emu::FaultOptions slow;
    slow.latency_ms = 15;  // every page takes a while, so kills land mid-run
    auto server = sfrewind::test::start_acme(slow);
    REQUIRE(server);
    sfrewind::test::TempDir dir;
    std::string clean = dir.file("clean.db");
    REQUIRE(wait_exit(spawn_sync(server->base_url(), clean)) == 0);
    auto expected = sfrewind::test::history_dump(clean);
    REQUIRE(expected.size() == 2635);

    std::string killed = dir.file("killed.db");
    std::mt19937 rng(20261129);
    std::uniform_int_distribution<int> delay_ms(30, 400);
    int kills = 0;
    for (int round = 0; round < 8; ++round) {
      pid_t pid = spawn_sync(server->base_url(), killed);
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
      if (kill(pid, SIGKILL) == 0) ++kills;
      wait_exit(pid);
    }
    CHECK(kills > 0);
    REQUIRE(wait_exit(spawn_sync(server->base_url(), killed)) == 0);
    CHECK(sfrewind::test::history_dump(killed) == expected);
    CHECK(sfrewind::test::sql_one(killed, "SELECT count(*) FROM sync_slices") == "0");
    CHECK(sfrewind::test::sql_one(killed, "PRAGMA journal_mode") == "wal");
    CHECK(sfrewind::test::sql_one(killed, "PRAGMA integrity_check") == "ok");
  }
}
