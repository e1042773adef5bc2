// Bad input across the commands: one line on stderr, exit 2, and the store byte-for-byte unchanged.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "core/sha256.hpp"
#include "hardening/cli_harness.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace sfrewind::test;

namespace {

// What --store points at for a row.
enum class StoreKind { kSynced, kMissingDir, kDirectory, kGarbage, kNewerSchema };

struct BadInput {
  BadInput(const char* n, std::vector<std::string> a, StoreKind s = StoreKind::kSynced,
           std::string c = "", mode_t m = 0600)
      : name(n), args(std::move(a)), store(s), config(std::move(c)), config_mode(m) {}
  const char* name;
  std::vector<std::string> args;  // {store} {base} {token} {config} {dir} are filled in
  StoreKind store;
  std::string config;  // text of {config}, mode config_mode
  mode_t config_mode;
};

// Login options that work against the emulator.
const std::vector<std::string> kLogin = {"--instance-url", "{base}", "--access-token", "{token}"};

std::vector<std::string> with_login(std::vector<std::string> args) {
  args.insert(args.end(), kLogin.begin(), kLogin.end());
  return args;
}

std::vector<BadInput> table() {
  const std::string injection = "Invoice__c' OR Name != '";
  return {
      // Times and windows.
      {"a word as a time", with_login({"logins", "--user", "005000000000001", "--since", "yesterday"})},
      {"month 13", with_login({"logins", "--user", "005000000000001", "--since", "2026-13-01"})},
      {"30 February", with_login({"sync", "--since", "2026-02-30"})},
      {"hour 25", with_login({"sync", "--since", "2026-03-10T25:00:00Z"})},
      {"unknown relative unit", with_login({"sync", "--since", "-5w"})},
      {"relative time too far back", with_login({"sync", "--since", "-999999999999d"})},
      {"a newline inside a time", with_login({"sync", "--since", "2026-03-10\nrm -rf /"})},
      {"a time zone out of range", with_login({"sync", "--since", "2026-03-10T10:00:00+15:00"})},
      // Ids and users.
      {"an id with a wrong checksum", with_login({"logins", "--user", "005000000000001AAB"})},
      {"an id of the wrong length", with_login({"logins", "--user", "00500000000001"})},
      {"an account id given as the user", with_login({"logins", "--user", "001000000000001AAA"})},
      {"an unknown username", with_login({"logins", "--user", "nobody@acme.example"})},
      {"injection in a username", with_login({"logins", "--user", "x' OR Username != 'y@acme.example"})},
      {"an empty user", with_login({"logins", "--user", ""})},
      // Objects and fields.
      {"injection in an object name", with_login({"sync", "--objects", injection})},
      {"injection in a field name", with_login({"sync", "--fields", "Invoice__c.Amount__c' OR Name != '"})},
      {"a field without its object", with_login({"sync", "--fields", "Amount__c"})},
      {"a field path with two dots", with_login({"sync", "--fields", "Invoice__c.Owner.Name"})},
      {"an object name with a semicolon", with_login({"sync", "--objects", "Account;DROP"})},
      {"a newline inside an object name", with_login({"sync", "--objects", "Account\nInvoice__c"})},
      {"a newline inside a username", with_login({"logins", "--user", "x\n@acme.example"})},
      {"an unknown object to sync", with_login({"sync", "--objects", "NoSuch__c"})},
      {"an unknown field to sync", with_login({"sync", "--fields", "Account.NoSuchField__c"})},
      {"an unknown object to discover", with_login({"discover", "--objects", "NoSuch__c"})},
      {"injection in an object to discover", with_login({"discover", "--objects", injection})},
      // Numbers.
      {"zero jobs", with_login({"sync", "--jobs", "0"})},
      {"negative jobs", with_login({"sync", "--jobs", "-1"})},
      {"too many jobs", with_login({"sync", "--jobs", "11"})},
      {"jobs that are not a number", with_login({"sync", "--jobs", "four"})},
      {"a batch size below 200", with_login({"sync", "--batch-size", "199"})},
      {"a batch size above 2000", with_login({"sync", "--batch-size", "2001"})},
      {"a batch size in exponent form", with_login({"sync", "--batch-size", "1e3"})},
      {"an api budget above 100", with_login({"sync", "--api-budget", "101"})},
      {"a negative api budget", with_login({"sync", "--api-budget", "-5"})},
      {"an api version that is a word", with_login({"org", "--api-version", "latest"})},
      {"an api version with a path", with_login({"org", "--api-version", "62.0/../../x"})},
      {"an api version with four parts", with_login({"org", "--api-version", "62.0.0.1"})},
      {"an api version with a newline", with_login({"org", "--api-version", "62.0\n"})},
      {"an empty api version", with_login({"users", "--api-version", ""})},
      // Config files.
      {"a missing config file", with_login({"--config", "{dir}/none.conf", "org"})},
      {"a directory as config", with_login({"--config", "{dir}", "org"})},
      {"a readable config holding a secret", {"--config", "{config}", "org"}, StoreKind::kSynced,
       "client_id = a\nclient_secret = s\nlogin_url = {base}\n", 0644},
      {"an unknown config key", with_login({"--config", "{config}", "org"}), StoreKind::kSynced, "colour = red\n"},
      {"a config line without equals", with_login({"--config", "{config}", "org"}), StoreKind::kSynced,
       "instance_url\n"},
      {"a config key given twice", with_login({"--config", "{config}", "org"}), StoreKind::kSynced,
       "jobs = 1\njobs = 2\n"},
      {"config jobs not a number", with_login({"--config", "{config}", "sync"}), StoreKind::kSynced,
       "jobs = many\n"},
      {"config jobs with trailing text", with_login({"--config", "{config}", "sync"}), StoreKind::kSynced,
       "jobs = 4x\n"},
      {"config batch size out of range", with_login({"--config", "{config}", "sync"}), StoreKind::kSynced,
       "batch_size = 5\n"},
      {"injection in config objects", with_login({"--config", "{config}", "sync"}), StoreKind::kSynced,
       "objects = Invoice__c' OR Name != '\n"},
      // Stores.
      {"a store in a missing directory", with_login({"--store", "{dir}/no/such/dir/s.db", "users"}),
       StoreKind::kMissingDir},
      {"a directory as store", with_login({"--store", "{store}", "users"}), StoreKind::kDirectory},
      {"a corrupt store", with_login({"--store", "{store}", "users"}), StoreKind::kGarbage},
      {"a store of a newer schema", with_login({"--store", "{store}", "users"}), StoreKind::kNewerSchema},
      // Logins and usage.
      {"no credentials", {"org"}},
      {"an access token without an instance url", {"org", "--access-token", "{token}"}},
      {"a client id without a secret", {"org", "--client-id", "x", "--login-url", "{base}"}},
      {"an ftp instance url", {"org", "--instance-url", "ftp://acme.example", "--access-token", "{token}"}},
      {"a missing jwt key file",
       {"org", "--jwt-key", "{dir}/none.key", "--username", "a@b.c", "--client-id", "x", "--login-url", "{base}"}},
      {"an unknown command", {"nosuch"}},
      {"an unknown option", with_login({"sync", "--no-such-option"})},
      {"a missing required option", with_login({"logins"})},
  };
}

std::string fill(std::string arg, const std::string& key, const std::string& value) {
  for (std::size_t at; (at = arg.find(key)) != std::string::npos;) arg.replace(at, key.size(), value);
  return arg;
}

// A store with the acme users in it, the one every row must leave alone.
std::string synced_store(const TempDir& dir, const std::string& base) {
  std::string path = dir.file("synced.db");
  CliResult r = run_cli({"--store", path, "users", "--instance-url", base, "--access-token", kAcmeToken});
  REQUIRE_MESSAGE(r.code == 0, r.err);
  return path;
}

std::string prepare_store(const TempDir& dir, const BadInput& row, const std::string& synced) {
  std::string path = dir.file("row.db");
  fs::remove_all(path);
  switch (row.store) {
    case StoreKind::kSynced: fs::copy_file(synced, path); break;
    case StoreKind::kMissingDir: break;
    case StoreKind::kDirectory: fs::create_directory(path); break;
    case StoreKind::kGarbage: write_file(path, std::string(8192, '\x5a') + "not sqlite", 0600); break;
    case StoreKind::kNewerSchema: {
      fs::copy_file(synced, path);
      std::string bytes = read_file_bytes(path);
      bytes[60] = 0x7f;  // user_version, big-endian at offset 60 of the SQLite header
      write_file(path, bytes, 0600);
      break;
    }
  }
  return path;
}

std::string digest(const std::string& path) {
  if (!fs::is_regular_file(path)) return "not a file";
  return sfrewind::sha256_hex(read_file_bytes(path));
}

}  // namespace

TEST_SUITE("bad_input") {
  TEST_CASE("every bad input gives one line on stderr and exit 2 and leaves the store unchanged") {
    auto server = start_acme();
    TempDir dir;
    std::string synced = synced_store(dir, server->base_url());
    std::vector<BadInput> rows = table();
    CHECK(rows.size() >= 50);
    for (const BadInput& row : rows) {
      std::string store = prepare_store(dir, row, synced);
      std::string config = dir.file("row.conf");
      write_file(config, fill(row.config, "{base}", server->base_url()), row.config_mode);
      std::string before = digest(store);
      std::vector<std::string> args;
      bool store_given = std::find(row.args.begin(), row.args.end(), "--store") != row.args.end();
      if (!store_given) args = {"--store", store};
      for (std::string a : row.args) {
        a = fill(fill(fill(a, "{store}", store), "{base}", server->base_url()), "{token}", kAcmeToken);
        args.push_back(fill(fill(a, "{config}", config), "{dir}", dir.path().string()));
      }
      CliResult r = run_cli(args);
      INFO("row: ", std::string(row.name), "\nstderr: ", r.err);
      CHECK(r.code == 2);
      CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
      CHECK((!r.err.empty() && r.err.back() == '\n'));
      CHECK(digest(store) == before);
    }
  }
}
