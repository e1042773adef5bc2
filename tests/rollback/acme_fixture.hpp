// AcmeFixture: the sample incident org in an in-process emulator, a temp store, the CLI in
// process, and an oracle computed from samples/orgs/acme-incident.json itself.
#pragma once

#include <fstream>
#include <map>
#include <set>
#include <tuple>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include <sfrewind/rollback/plan.hpp>

#include "cli/app.hpp"
#include "emu/server.hpp"
#include "rollback/json.hpp"
#include "support/temp_dir.hpp"

namespace sfrewind::test::rollback_tests {

inline constexpr const char* kAcmeFile = SFREWIND_SOURCE_DIR "/samples/orgs/acme-incident.json";
inline constexpr const char* kFrom = "2026-11-20T01:00:00Z";
inline constexpr const char* kTo = "2026-11-20T03:00:00Z";
inline constexpr const char* kAttacker = "integration.accounting@acme.example";

// (sobject, record id, field) -> JSON literal
using OrgState = std::map<std::tuple<std::string, std::string, std::string>, std::string>;

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
};

class AcmeFixture {
 public:
  AcmeFixture() {
    emu::ServerOptions o;
    o.org_file = kAcmeFile;
    auto s = emu::Server::start(o);
    REQUIRE(s);
    server_ = std::move(*s);
    store_ = dir_.file("store.db");
  }

  emu::Server& server() { return *server_; }
  const std::string& store_path() const { return store_; }
  std::string file(const std::string& name) const { return dir_.file(name); }

  std::vector<std::string> creds(bool attacker = false) const {
    return {"--client-id", attacker ? "acme-accounting-app" : "acme-responder-app",
            "--client-secret", attacker ? "acme-accounting-secret" : "acme-responder-secret",
            "--login-url", server_->base_url()};
  }

  CliResult cli(std::vector<std::string> args, bool with_creds = true, bool attacker = false) {
    std::vector<std::string> full{"sfrewind", "--store", store_};
    full.insert(full.end(), args.begin(), args.end());
    if (with_creds) {
      auto c = creds(attacker);
      full.insert(full.end(), c.begin(), c.end());
    }
    std::vector<char*> argv;
    for (auto& a : full) argv.push_back(a.data());
    std::ostringstream out, err;
    CliResult r;
    r.code = cli::run(static_cast<int>(argv.size()), argv.data(), out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
  }

  void sync() {
    auto r = cli({"sync"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
  }

  // Runs `plan` for the attacker over the incident window; returns the plan id.
  std::string plan(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--json", "plan", "--user", kAttacker, "--from", kFrom, "--to", kTo};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = cli(args);
    REQUIRE_MESSAGE(r.code == 0, r.err);
    auto v = rollback::json::parse(r.out);
    REQUIRE(v);
    const auto* id = v->find("plan_id");
    REQUIRE(id);
    return id->text;
  }

  // Every field of every Account, Invoice__c and Opportunity as the emulator holds it now,
  // without the system fields a write touches.
  OrgState state() {
    OrgState s;
    auto lock = server_->lock();
    emu::Org& org = server_->org();
    for (const char* name : {"Account", "Invoice__c", "Opportunity"}) {
      int t = org.table(name);
      REQUIRE(t >= 0);
      const emu::Table& tab = org.tables[static_cast<std::size_t>(t)];
      for (std::uint32_t row = 0; row < tab.rows.size(); ++row) {
        if (tab.rows[row].deleted) continue;
        std::string id = org.record_id(t, row);
        for (std::size_t f = 0; f < tab.def.fields.size(); ++f) {
          const std::string& field = tab.def.fields[f].name;
          if (field == "LastModifiedDate" || field == "SystemModstamp" ||
              field == "LastModifiedById" || field == "Days_Outstanding__c") {
            continue;
          }
          s[{name, id, field}] = tab.rows[row].v[f].json();
        }
      }
    }
    return s;
  }

  std::int64_t api_calls() {
    auto lock = server_->lock();
    return server_->org().api_calls;
  }

  std::string user_id(const std::string& username) {
    auto lock = server_->lock();
    emu::Org& org = server_->org();
    int row = org.user_row(username);
    REQUIRE(row >= 0);
    return org.user_id(static_cast<std::uint32_t>(row));
  }

 private:
  TempDir dir_;
  std::unique_ptr<emu::Server> server_;
  std::string store_;
};

// What the org file says the attacker's standing changes are: (sobject, Name, field) ->
// (pre-window value, attacker's value) as JSON literals, owners as "@user:<username>".
struct Oracle {
  std::map<std::tuple<std::string, std::string, std::string>, std::pair<std::string, std::string>>
      standing;
};

inline std::string literal_of(const rollback::json::Value& v) {
  using K = rollback::json::Value::Kind;
  if (v.kind == K::kString) return json_quote(v.text);
  if (v.kind == K::kNull) return "null";
  return v.text;
}

// Replays the org file's records and edits: a field is standing when the attacker changed it
// inside the window, nobody changed it after, and it differs from its pre-window value.
inline Oracle acme_oracle() {
  std::ifstream in(kAcmeFile);
  std::stringstream ss;
  ss << in.rdbuf();
  auto doc = rollback::json::parse(ss.str());
  REQUIRE(doc);
  std::map<std::string, std::pair<std::string, std::string>> rec;  // key -> (type, Name)
  std::map<std::pair<std::string, std::string>, std::string> value, pre, attacker;
  std::set<std::pair<std::string, std::string>> touched_after;
  for (const auto& r : doc->find("records")->items) {
    std::string key = r.find("key")->text;
    const auto* fields = r.find("fields");
    rec[key] = {r.find("type")->text, fields->find("Name") ? fields->find("Name")->text : key};
    for (const auto& [f, v] : fields->members) value[{key, f}] = literal_of(v);
  }
  const std::string from = kFrom, to = kTo;
  for (const auto& e : doc->find("edits")->items) {
    if (!e.find("fields")) continue;  // {"op": "delete"}: the deleted invoice is not attacked
    std::string t = e.find("time")->text, key = e.find("record")->text;
    bool in_window = t >= from && t < to && e.find("user")->text == kAttacker;
    for (const auto& [f, v] : e.find("fields")->members) {
      std::pair<std::string, std::string> k{key, f};
      if (in_window) {
        // A field the file never set is null, or false for a checkbox (Salesforce's default).
        std::string unset = v.kind == rollback::json::Value::Kind::kBool ? "false" : "null";
        if (!pre.count(k)) pre[k] = value.count(k) ? value[k] : unset;
        attacker[k] = literal_of(v);
        touched_after.erase(k);
      } else if (t >= from && attacker.count(k)) {
        touched_after.insert(k);
      }
      value[k] = literal_of(v);
    }
  }
  Oracle o;
  for (const auto& [k, a] : attacker) {
    if (touched_after.count(k) || pre[k] == a) continue;
    o.standing[{rec[k.first].first, rec[k.first].second, k.second}] = {pre[k], a};
  }
  return o;
}

}  // namespace sfrewind::test::rollback_tests
