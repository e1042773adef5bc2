// discover, users --integration, logins and sync from the command line on the sample incident.
#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>

#include "support/acme.hpp"
#include "support/cli_run.hpp"
#include "support/temp_dir.hpp"

using sfrewind::test::run_cli;

namespace {

std::vector<std::string> login(const sfrewind::emu::Server& server) {
  return {"--client-id", "acme-responder-app", "--client-secret", "acme-responder-secret",
          "--login-url", server.base_url()};
}

std::vector<std::string> cmd(std::vector<std::string> head, const std::vector<std::string>& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

}  // namespace

TEST_SUITE("cli") {
  TEST_CASE("discover lists tracked fields and marks long text unrestorable") {
    auto server = sfrewind::test::start_acme();
    REQUIRE(server);
    auto r = run_cli(cmd({"discover"}, login(*server)));
    CAPTURE(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("Invoice__History") != std::string::npos);
    CHECK(r.out.find("no: long text") != std::string::npos);
    auto json = run_cli(cmd({"--json", "discover", "--objects", "Invoice__c"}, login(*server)));
    REQUIRE(json.code == 0);
    CHECK(json.out.find("{\"field\":\"Paid__c\",\"type\":\"boolean\",\"restorable\":true") !=
          std::string::npos);
    CHECK(json.out.find("AccountHistory") == std::string::npos);
  }

  TEST_CASE("users --integration shows exactly the two integration users") {
    auto server = sfrewind::test::start_acme();
    REQUIRE(server);
    sfrewind::test::TempDir dir;
    auto r = run_cli(cmd({"--store", dir.file("s.db"), "--json", "users", "--integration"},
                         login(*server)));
    CAPTURE(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("integration.accounting@acme.example") != std::string::npos);
    CHECK(r.out.find("integration.marketing@acme.example") != std::string::npos);
    CHECK(r.out.find("admin@acme.example") == std::string::npos);
    CHECK(std::count(r.out.begin(), r.out.end(), '{') == 2);
    CHECK(sfrewind::test::sql_one(dir.file("s.db"), "SELECT count(*) FROM users WHERE "
                                                    "is_integration = 1") == "2");
  }

  TEST_CASE("logins shows the attacker's login and stores it") {
    auto server = sfrewind::test::start_acme();
    REQUIRE(server);
    sfrewind::test::TempDir dir;
    auto r = run_cli(cmd({"--store", dir.file("s.db"), "logins", "--user",
                          "integration.accounting@acme.example", "--since", "2026-11-19"},
                         login(*server)));
    CAPTURE(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.find("185.220.101.47") != std::string::npos);
    CHECK(r.out.find("2026-11-20T00:58:42.000Z") != std::string::npos);
    CHECK(sfrewind::test::sql_one(dir.file("s.db"),
                                  "SELECT count(*) FROM logins WHERE source_ip = "
                                  "'185.220.101.47'") == "1");
  }

  TEST_CASE("sync prints a summary and a second run finds nothing new") {
    auto server = sfrewind::test::start_acme();
    REQUIRE(server);
    sfrewind::test::TempDir dir;
    auto first = run_cli(cmd({"--store", dir.file("s.db"), "sync"}, login(*server)));
    CAPTURE(first.err);
    REQUIRE(first.code == 0);
    CHECK(first.out.find("sync: 2635 new rows") != std::string::npos);
    auto second = run_cli(cmd({"--store", dir.file("s.db"), "--json", "sync", "--fields",
                               "Invoice__c.Paid__c", "--jobs", "2"},
                              login(*server)));
    REQUIRE(second.code == 0);
    CHECK(second.out.find("\"new\":0") != std::string::npos);
  }

  TEST_CASE("sync rejects bad selections before writing anything") {
    auto server = sfrewind::test::start_acme();
    REQUIRE(server);
    sfrewind::test::TempDir dir;
    const std::vector<std::vector<std::string>> bad = {
        {"--fields", "Invoice__c"},
        {"--fields", "Invoice__c.Paid__c' OR Name != '"},
        {"--objects", "Invoice__c; DROP"},
        {"--jobs", "0"},
        {"--jobs", "11"},
        {"--batch-size", "100"},
        {"--since", "yesterday"},
        {"--api-version", "v62"},
    };
    for (const auto& extra : bad) {
      CAPTURE(extra.back());
      auto r = run_cli(cmd(cmd({"--store", dir.file("s.db"), "sync"}, extra), login(*server)));
      CHECK(r.code == 2);
      CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
      CHECK_FALSE(std::filesystem::exists(dir.file("s.db")));
    }
    std::ofstream(dir.file("bad.conf")) << "api_version = latest\n";
    auto from_config = run_cli(cmd({"--config", dir.file("bad.conf"), "--store", dir.file("s.db"),
                                    "sync"}, login(*server)));
    CHECK(from_config.code == 2);
    CHECK(from_config.err.find("invalid --api-version 'latest'") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir.file("s.db")));
    auto untracked = run_cli(cmd({"--store", dir.file("t.db"), "sync", "--fields",
                                  "Invoice__c.Days_Outstanding__c"}, login(*server)));
    CHECK(untracked.code == 2);
    CHECK(untracked.err.find("not history-tracked") != std::string::npos);
  }
}
