// Secrets and trust: no secret in any output or file, private file modes, http:// only to loopback.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "hardening/cli_harness.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace sfrewind::test;

namespace {

// The PEM body of the JWT test key: any of its base64 lines leaking would show up.
std::vector<std::string> key_lines() {
  std::string pem = read_file_bytes(std::string(SFREWIND_SOURCE_DIR) +
                                    "/samples/orgs/acme-responder-jwt.TEST-ONLY.key");
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < pem.size()) {
    std::size_t end = pem.find('\n', start);
    if (end == std::string::npos) end = pem.size();
    std::string line = pem.substr(start, end - start);
    if (line.size() > 20 && line.find("-----") == std::string::npos) lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

std::vector<std::string> secrets() {
  std::vector<std::string> s = {kAcmeClientSecret, kAcmeToken, "KNOWN-ACCESS-TOKEN"};
  for (const std::string& line : key_lines()) s.push_back(line);
  return s;
}

// Fails the test when any secret appears in `text`.
void check_clean(const std::string& where, const std::string& text) {
  for (const std::string& secret : secrets()) {
    INFO("secret found in ", where);
    CHECK(text.find(secret) == std::string::npos);
  }
}

// Runs one command with each login way, verbose, and checks outputs and written files.
void run_all_logins(const TempDir& dir, const std::string& base,
                    const std::vector<std::string>& command) {
  std::string key = std::string(SFREWIND_SOURCE_DIR) + "/samples/orgs/acme-responder-jwt.TEST-ONLY.key";
  std::string config = dir.file("secret.conf");
  write_file(config, std::string("client_id = ") + kAcmeClientId + "\nclient_secret = " +
                         kAcmeClientSecret + "\nlogin_url = " + base + "\n", 0600);
  std::vector<std::vector<std::string>> logins = {
      {"--instance-url", base, "--access-token", kAcmeToken},
      {"--login-url", base, "--client-id", kAcmeClientId, "--client-secret", kAcmeClientSecret},
      {"--login-url", base, "--client-id", kAcmeClientId, "--username", kAcmeUser, "--jwt-key", key},
      {}};
  for (std::size_t i = 0; i < logins.size(); ++i) {
    std::vector<std::string> args = {"-v", "-v", "--store", dir.file("store.db")};
    if (logins[i].empty()) args.insert(args.end(), {"--config", config});
    args.insert(args.end(), command.begin(), command.end());
    args.insert(args.end(), logins[i].begin(), logins[i].end());
    CliResult r = run_cli(args);
    INFO("command ", command.front(), " login way ", i, " stderr: ", r.err);
    CHECK(r.code == 0);
    CHECK(r.err.find("GET ") != std::string::npos);  // verbose really traced requests
    check_clean("stdout of " + command.front(), r.out);
    check_clean("stderr of " + command.front(), r.err);
  }
}

}  // namespace

TEST_SUITE("security") {
  TEST_CASE("no secret appears in the output or files of any command in verbose mode") {
    auto server = start_acme();
    TempDir dir;
    std::string base = server->base_url();
    run_all_logins(dir, base, {"org"});
    run_all_logins(dir, base, {"discover"});
    run_all_logins(dir, base, {"users"});
    run_all_logins(dir, base, {"logins", "--user", "integration.accounting@acme.example", "--since", "-3650d"});
    run_all_logins(dir, base, {"sync", "--objects", "Account,Invoice__c", "--jobs", "2"});
    int files = 0;
    for (const auto& entry : fs::recursive_directory_iterator(dir.path())) {
      if (!entry.is_regular_file() || entry.path().filename() == "secret.conf") continue;
      check_clean("file " + entry.path().filename().string(), read_file_bytes(entry.path()));
      ++files;
    }
    CHECK(files >= 1);
    CHECK(file_mode(dir.file("store.db")) == 0600);
  }

  TEST_CASE("a new store and its side files are created with mode 0600") {
    auto server = start_acme();
    TempDir dir;
    CliResult r = run_cli({"--store", dir.file("new.db"), "users", "--instance-url",
                           server->base_url(), "--access-token", kAcmeToken});
    REQUIRE(r.code == 0);
    int checked = 0;
    for (const auto& entry : fs::directory_iterator(dir.path())) {
      INFO(entry.path().filename().string());
      CHECK((file_mode(entry.path().string()) & 077) == 0);
      ++checked;
    }
    CHECK(file_mode(dir.file("new.db")) == 0600);
    CHECK(checked >= 1);
  }

  TEST_CASE("a config file holding a client secret that others can read is refused") {
    TempDir dir;
    for (mode_t mode : {0644, 0640, 0604, 0660}) {
      std::string config = dir.file("open.conf");
      write_file(config, std::string("client_id = x\nclient_secret = ") + kAcmeClientSecret + "\n", mode);
      CliResult r = run_cli({"--config", config, "--store", dir.file("s.db"), "org",
                             "--login-url", "https://login.salesforce.com"});
      INFO("mode ", mode, " stderr: ", r.err);
      CHECK(r.code == 2);
      CHECK(r.err.find("chmod 600") != std::string::npos);
      check_clean("stderr", r.err);
      CHECK_FALSE(fs::exists(dir.file("s.db")));
    }
  }

  TEST_CASE("plain http to a host other than loopback is refused before connecting") {
    TempDir dir;
    for (std::string url : {"http://sfrewind-test.invalid", "http://127.0.0.1.sfrewind-test.invalid",
                            "http://localhost.sfrewind-test.invalid:80", "HTTP://example.invalid/"}) {
      CliResult a = run_cli({"--store", dir.file("s.db"), "org", "--instance-url", url,
                             "--access-token", kAcmeToken});
      INFO("url ", url, " stderr: ", a.err);
      CHECK(a.code == 2);
      CHECK(a.err.find("loopback") != std::string::npos);
      CliResult b = run_cli({"--store", dir.file("s.db"), "org", "--login-url", url, "--client-id",
                             kAcmeClientId, "--client-secret", kAcmeClientSecret});
      CHECK(b.code == 2);
      CHECK(b.err.find("loopback") != std::string::npos);
      check_clean("stderr", a.err + b.err);
    }
    CHECK_FALSE(fs::exists(dir.file("s.db")));
  }

  TEST_CASE("a world-readable existing store gives a warning") {
    auto server = start_acme();
    TempDir dir;
    std::string store = dir.file("open.db");
    std::vector<std::string> args = {"--store", store, "users", "--instance-url", server->base_url(),
                                     "--access-token", kAcmeToken};
    REQUIRE(run_cli(args).code == 0);
    ::chmod(store.c_str(), 0644);
    CliResult r = run_cli(args);
    CHECK(r.code == 0);
    CHECK(r.err.find("warning") != std::string::npos);
    CHECK(r.err.find("chmod 600") != std::string::npos);
  }
}
