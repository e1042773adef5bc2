// The acme incident sample for command tests: an in-process emulator, a store in a TempDir,
// the CLI run in-process, golden files and REST edits made as a chosen user.
#pragma once

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <sfrewind/api/rest_client.hpp>
#include <sfrewind/store/store.hpp>

#include "cli/app.hpp"
#include "support/cli_run.hpp"
#include "emu/server.hpp"
#include "support/temp_dir.hpp"

namespace sfrewind::test {

inline const char* kAcmeOrg = SFREWIND_SOURCE_DIR "/samples/orgs/acme-incident.json";
inline const char* kAttacker = "integration.accounting@acme.example";

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Compares `text` with tests/data/golden/<name> byte for byte (SFREWIND_UPDATE_GOLDEN=1 rewrites).
inline void check_golden(const std::string& name, const std::string& text) {
  std::string path = std::string(SFREWIND_SOURCE_DIR "/tests/data/golden/") + name;
  const char* update = std::getenv("SFREWIND_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") std::ofstream(path, std::ios::binary) << text;
  INFO("golden file ", path);
  CHECK(text == read_text(path));
}

// The emulator with the acme org (fixed tokens "tok-<user part>" for some users) and a store.
class Acme {
 public:
  Acme() {
    emu::ServerOptions o;
    o.org_file = kAcmeOrg;
    o.fixed_tokens = {{"tok-admin", "admin@acme.example"},
                      {"tok-marketing", "integration.marketing@acme.example"}};
    auto s = emu::Server::start(o);
    REQUIRE(s.has_value());
    server_ = std::move(*s);
    store_ = dir_.file("store.db");
  }
  const std::string& store() const { return store_; }
  std::string url() const { return server_->base_url(); }
  emu::Server& server() { return *server_; }
  TempDir& dir() { return dir_; }

  // Org options for the responder's client credentials.
  std::vector<std::string> org_args() const {
    return {"--client-id", "acme-responder-app", "--client-secret", "acme-responder-secret",
            "--login-url", url()};
  }
  CliResult run(std::vector<std::string> args, bool with_org = false) const {
    std::vector<std::string> all{"--store", store_};
    all.insert(all.end(), args.begin(), args.end());
    if (with_org) {
      auto org = org_args();
      all.insert(all.end(), org.begin(), org.end());
    }
    return run_cli(all);
  }
  void sync() {
    auto r = run({"-q", "sync"}, true);
    INFO(r.err);
    REQUIRE(r.code == 0);
  }
  Store open_store() const {
    auto s = Store::open(StoreOptions{store_, false, true});
    REQUIRE(s.has_value());
    return std::move(*s);
  }
  // PATCHes one field (value as a JSON literal) through the REST API as the token's user.
  void edit(const std::string& token, const std::string& sobject, const std::string& id,
            const std::string& field, const std::string& json_value) {
    auto tokens = auth::TokenProvider::make(auth::StaticTokenConfig{token, url()});
    REQUIRE(tokens.has_value());
    auto client = api::RestClient::make(*tokens);
    REQUIRE(client.has_value());
    auto res = client->update_records({api::CollectionRecord{sobject, id, {{field, json_value}}}});
    REQUIRE(res.has_value());
    REQUIRE(res->size() == 1);
    REQUIRE(res->front().success);
  }

 private:
  TempDir dir_;
  std::unique_ptr<emu::Server> server_;
  std::string store_;
};

// The first record id of the rows matching `filter` (sorted by time), or "".
inline std::string first_record(Store& store, HistoryFilter filter) {
  auto rows = store.history(filter);
  REQUIRE(rows.has_value());
  const StoredHistoryRow* best = nullptr;
  for (const auto& r : *rows) {
    if (!best || std::tie(r.row.changed_at, r.row.history_id) <
                     std::tie(best->row.changed_at, best->row.history_id)) {
      best = &r;
    }
  }
  return best ? best->row.record_id : std::string();
}

}  // namespace sfrewind::test
