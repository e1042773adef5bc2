// Every login way of the command line against the in-process emulator.
#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>

#include <doctest/doctest.h>

#include "support/acme.hpp"
#include "support/cli_run.hpp"
#include "support/temp_dir.hpp"

using sfrewind::test::run_cli;

namespace {

const std::string kOrgId = "00D5g00000ACME1EAP";

void check_org(const sfrewind::test::CliResult& r, const std::string& username,
               const std::string& login) {
  CAPTURE(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("\"org_id\":\"" + kOrgId + "\"") != std::string::npos);
  CHECK(r.out.find("\"username\":\"" + username + "\"") != std::string::npos);
  CHECK(r.out.find("\"login\":\"" + login + "\"") != std::string::npos);
  CHECK(r.err.empty());
}

}  // namespace

TEST_SUITE("cli") {
  TEST_CASE("org logs in with client credentials") {
    auto server = sfrewind::test::start_acme();
    REQUIRE(server);
    check_org(run_cli({"--json", "org", "--client-id", "acme-responder-app", "--client-secret",
                       "acme-responder-secret", "--login-url", server->base_url()}),
              "responder@acme.example", "client credentials");
  }

  TEST_CASE("org logs in with a JWT bearer assertion") {
    auto server = sfrewind::test::start_acme();
    REQUIRE(server);
    std::string key = std::string(SFREWIND_SOURCE_DIR) +
                      "/samples/orgs/acme-responder-jwt.TEST-ONLY.key";
    check_org(run_cli({"--json", "org", "--jwt-key", key, "--username", "responder@acme.example",
                       "--client-id", "acme-responder-app", "--login-url", server->base_url()}),
              "responder@acme.example", "jwt bearer");
  }

  TEST_CASE("org logs in with a refresh token") {
    auto server = sfrewind::test::start_acme();
    REQUIRE(server);
    check_org(run_cli({"--json", "org", "--refresh-token", "acme-responder-refresh-TEST-ONLY",
                       "--client-id", "acme-responder-app", "--client-secret",
                       "acme-responder-secret", "--login-url", server->base_url()}),
              "responder@acme.example", "refresh token");
  }

  TEST_CASE("org uses an access token from flags or the environment") {
    auto server = sfrewind::test::start_acme();
    REQUIRE(server);
    check_org(run_cli({"--json", "org", "--access-token", "00D5g00000ACME1!responder-fixed-token",
                       "--instance-url", server->base_url()}),
              "responder@acme.example", "access token");
    setenv("SF_ACCESS_TOKEN", "00D5g00000ACME1!attacker-fixed-token", 1);
    setenv("SF_INSTANCE_URL", server->base_url().c_str(), 1);
    auto r = run_cli({"--json", "org"});
    unsetenv("SF_ACCESS_TOKEN");
    unsetenv("SF_INSTANCE_URL");
    check_org(r, "integration.accounting@acme.example", "access token");
  }

  TEST_CASE("org reuses an sf CLI login") {
    auto server = sfrewind::test::start_acme();
    REQUIRE(server);
    sfrewind::test::TempDir dir;
    std::string script = dir.file("sf");
    std::ofstream(script) << "#!/bin/sh\n"
                             "case \"$2\" in\n"
                             "  display) echo '{\"status\":0,\"result\":{\"id\":\"" << kOrgId
                          << "\",\"instanceUrl\":\"" << server->base_url()
                          << "\",\"accessToken\":\"[REDACTED]\",\"username\":\"responder@acme.example\"}}' ;;\n"
                             "  auth) echo '{\"status\":0,\"result\":{\"accessToken\":"
                             "\"00D5g00000ACME1!responder-fixed-token\"}}' ;;\n"
                             "esac\n";
    ::chmod(script.c_str(), 0755);
    std::string old_path = getenv("PATH") ? getenv("PATH") : "";
    setenv("PATH", (dir.path().string() + ":" + old_path).c_str(), 1);
    auto r = run_cli({"--json", "org", "--target-org", "acme"});
    setenv("PATH", old_path.c_str(), 1);
    check_org(r, "responder@acme.example", "sf cli");
  }

  TEST_CASE("a refused login is one line without the secret") {
    auto server = sfrewind::test::start_acme();
    REQUIRE(server);
    auto r = run_cli({"org", "--client-id", "acme-responder-app", "--client-secret",
                      "wrong-secret-do-not-print", "--login-url", server->base_url()});
    CHECK(r.code == 1);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.err.find("wrong-secret-do-not-print") == std::string::npos);
    // Salesforce answers invalid_client or invalid_grant here depending on the flow; either is fine.
    CHECK(r.err.find("login refused") != std::string::npos);
    CHECK((r.err.find("invalid_client") != std::string::npos ||
           r.err.find("invalid_grant") != std::string::npos));
  }

  TEST_CASE("missing or incomplete credentials are usage errors") {
    auto none = run_cli({"org"});
    CHECK(none.code == 2);
    CHECK(none.err.find("no credentials") != std::string::npos);
    auto jwt = run_cli({"org", "--jwt-key", "k.pem", "--login-url", "https://login.salesforce.com"});
    CHECK(jwt.code == 2);
    auto plain = run_cli({"org", "--access-token", "x", "--instance-url", "http://example.com"});
    CHECK(plain.code == 2);
  }
}
