// generate_org: a large deterministic org (Account, Opportunity, Invoice__c) built straight
// through Org::apply so history and current values agree, fast enough for millions of rows.
#include <random>

#include <fmt/format.h>

#include <sfrewind/types.hpp>

#include "emu/org.hpp"

namespace sfrewind::emu {
namespace {

constexpr const char* kSchema = R"({
  "org_id": "00D5g00000GEN01",
  "created": "2025-01-01T00:00:00Z",
  "licenses": [{"name": "Salesforce", "key": "SFDC"}, {"name": "Salesforce Integration", "key": "SFDC_INTEGRATION"}],
  "profiles": [{"name": "System Administrator", "license": "Salesforce"},
               {"name": "Minimum Access - API Only Integrations", "license": "Salesforce Integration", "api_only": true}],
  "objects": [
    {"name": "Account", "key_prefix": "001", "fields": [
      {"name": "OwnerId", "tracked": true},
      {"name": "Bank_Account__c", "label": "Bank Account", "type": "string", "length": 34, "tracked": true},
      {"name": "Credit_Limit__c", "label": "Credit Limit", "type": "currency", "tracked": true}]},
    {"name": "Opportunity", "key_prefix": "006", "fields": [
      {"name": "Amount", "type": "currency", "tracked": true},
      {"name": "StageName", "label": "Stage", "type": "picklist", "tracked": true,
       "picklist": ["Prospecting", "Qualification", "Negotiation", "Closed Won", "Closed Lost"]},
      {"name": "CloseDate", "label": "Close Date", "type": "date"}]},
    {"name": "Invoice__c", "label": "Invoice", "key_prefix": "a0I", "fields": [
      {"name": "Paid__c", "label": "Paid", "type": "boolean", "tracked": true},
      {"name": "Date_Paid__c", "label": "Date Paid", "type": "date", "tracked": true},
      {"name": "Amount__c", "label": "Amount", "type": "currency", "tracked": true},
      {"name": "Status__c", "label": "Status", "type": "picklist", "tracked": true,
       "picklist": ["Draft", "Sent", "Paid", "Overdue"]},
      {"name": "Notes__c", "label": "Notes", "type": "textarea", "length": 32768, "tracked": true}]}
  ]
})";

struct Spec {
  std::uint64_t records = 1000, edits = 10000, users = 5, seed = 1;
};

Result<Spec> parse_spec(std::string_view text) {
  Spec s;
  std::string t(text);
  std::size_t start = 0;
  while (start < t.size()) {
    auto comma = t.find(',', start);
    if (comma == std::string::npos) comma = t.size();
    std::string item = t.substr(start, comma - start);
    auto eq = item.find('=');
    if (eq == std::string::npos) return make_error(ErrorCode::kInvalidArgument, "--generate: expected key=value, got " + item);
    std::string k = item.substr(0, eq);
    std::uint64_t v = std::strtoull(item.c_str() + eq + 1, nullptr, 10);
    if (k == "records") s.records = std::max<std::uint64_t>(v, 3);
    else if (k == "edits") s.edits = v;
    else if (k == "users") s.users = std::max<std::uint64_t>(v, 1);
    else if (k == "seed") s.seed = v;
    else return make_error(ErrorCode::kInvalidArgument, "--generate: unknown key " + k);
    start = comma + 1;
  }
  return s;
}

}  // namespace

// Appends edits writing `edits` history rows, at `t` onwards (advanced), by random users among
// the first `users`, on the generated Account, Opportunity and Invoice__c records.
void add_edits(Org& org, std::uint64_t edits, std::uint64_t users, std::mt19937_64& rng,
               std::int64_t& t) {
  const int acc = org.table("Account"), opp = org.table("Opportunity"), inv = org.table("Invoice__c");
  const ObjectDef& ad = org.tables[static_cast<std::size_t>(acc)].def;
  const ObjectDef& od = org.tables[static_cast<std::size_t>(opp)].def;
  const ObjectDef& id = org.tables[static_cast<std::size_t>(inv)].def;
  auto user = [&] { return static_cast<std::uint32_t>(rng() % users); };
  auto money = [&] { return Val::number(static_cast<double>(rng() % 1000000) / 100.0); };
  auto day = [&](std::int64_t ms) { return Val::date(Timestamp(ms).to_date()); };
  const char* stages[] = {"Prospecting", "Qualification", "Negotiation", "Closed Won", "Closed Lost"};
  const char* statuses[] = {"Draft", "Sent", "Paid", "Overdue"};
  const std::uint64_t n_acc = org.tables[static_cast<std::size_t>(acc)].rows.size();
  const std::uint64_t n_opp = org.tables[static_cast<std::size_t>(opp)].rows.size();
  const std::uint64_t n_inv = org.tables[static_cast<std::size_t>(inv)].rows.size();
  const int paid = id.field("Paid__c"), date_paid = id.field("Date_Paid__c"), amount = id.field("Amount__c");
  const int status = id.field("Status__c"), notes = id.field("Notes__c");
  auto history_rows = [&] {
    std::uint64_t n = 0;
    for (const auto& h : org.histories) n += h.rows.size();
    return n;
  };
  const std::uint64_t base = history_rows();
  std::uint64_t made = 0;
  // `edits` counts history rows written by edits (a no-op edit writes none, an owner change two).
  while ((made = history_rows() - base) < edits) {
    t += 1000 + static_cast<std::int64_t>(rng() % 4000);
    std::uint64_t pick = rng() % 10;
    if (pick < 6) {
      auto row = static_cast<std::uint32_t>(rng() % n_inv);
      const Val& cur = org.tables[static_cast<std::size_t>(inv)].rows[row].v[static_cast<std::size_t>(paid)];
      std::uint64_t f = rng() % 5;
      std::vector<std::pair<int, Val>> ch;
      if (f == 0) ch = {{paid, Val::boolean(cur.text != "true")}};
      else if (f == 1) ch = {{date_paid, day(t)}};
      else if (f == 2) ch = {{amount, money()}};
      else if (f == 3) ch = {{status, Val::str(statuses[rng() % 4])}};
      else ch = {{notes, Val::str(fmt::format("note {}", made))}};
      org.apply(inv, row, ch, user(), t, false);
    } else if (pick < 8) {
      auto row = static_cast<std::uint32_t>(rng() % n_acc);
      bool owner = rng() % 4 == 0;
      std::vector<std::pair<int, Val>> ch;
      if (owner) ch = {{ad.field("OwnerId"), Val::str(org.user_id(user()))}};
      else if (rng() % 2) ch = {{ad.field("Bank_Account__c"), Val::str(fmt::format("DE{:020d}", rng() % 100000000000ull))}};
      else ch = {{ad.field("Credit_Limit__c"), money()}};
      org.apply(acc, row, ch, user(), t, false);
    } else {
      auto row = static_cast<std::uint32_t>(rng() % n_opp);
      std::vector<std::pair<int, Val>> ch;
      if (rng() % 2) ch = {{od.field("Amount"), money()}};
      else ch = {{od.field("StageName"), Val::str(stages[rng() % 5])}};
      org.apply(opp, row, ch, user(), t, false);
    }
  }
}

Result<Org> generate_org(std::string_view spec_text) {
  auto spec = parse_spec(spec_text);
  if (!spec) return spec.error();
  auto doc = Json::parse(kSchema);
  if (!doc) return doc.error();
  Json users = Json::array();
  for (std::uint64_t u = 0; u < spec->users; ++u) {
    Json j = Json::object();
    j.set("username", Json::string(u == 0 ? "admin@gen.example" : fmt::format("user{}@gen.example", u)));
    j.set("name", Json::string(u == 0 ? "Gen Admin" : fmt::format("User {}", u)));
    j.set("profile", Json::string(u % 4 == 3 ? "Minimum Access - API Only Integrations" : "System Administrator"));
    users.push(std::move(j));
  }
  Json full = *doc;
  full.set("users", std::move(users));
  Json apps = Json::parse(R"([{"name": "gen-app", "client_id": "gen-app", "client_secret": "gen-secret", "run_as": "admin@gen.example"}])").value();
  full.set("connected_apps", std::move(apps));
  auto loaded = load_org_json(full, ".");
  if (!loaded) return loaded.error();
  Org org = std::move(*loaded);
  std::mt19937_64 rng(spec->seed);
  const int acc = org.table("Account"), opp = org.table("Opportunity"), inv = org.table("Invoice__c");
  const ObjectDef& ad = org.tables[static_cast<std::size_t>(acc)].def;
  const ObjectDef& od = org.tables[static_cast<std::size_t>(opp)].def;
  const ObjectDef& id = org.tables[static_cast<std::size_t>(inv)].def;
  std::int64_t t = Timestamp::parse("2025-06-01T00:00:00Z").value().ms();
  auto user = [&] { return static_cast<std::uint32_t>(rng() % spec->users); };
  auto money = [&] { return Val::number(static_cast<double>(rng() % 1000000) / 100.0); };
  auto day = [&](std::int64_t ms) { return Val::date(Timestamp(ms).to_date()); };
  const char* stages[] = {"Prospecting", "Qualification", "Negotiation", "Closed Won", "Closed Lost"};
  const char* statuses[] = {"Draft", "Sent", "Paid", "Overdue"};
  std::uint64_t n_acc = std::max<std::uint64_t>(1, spec->records / 5);
  std::uint64_t n_opp = std::max<std::uint64_t>(1, spec->records / 5);
  std::uint64_t n_inv = spec->records - n_acc - n_opp;
  for (std::uint64_t i = 0; i < n_acc; ++i, t += 1000) {
    org.apply(acc, std::nullopt, {{ad.field("Name"), Val::str(fmt::format("Account {}", i))},
                                  {ad.field("Bank_Account__c"), Val::str(fmt::format("DE{:020d}", rng() % 100000000000ull))},
                                  {ad.field("Credit_Limit__c"), money()}}, user(), t, false);
  }
  for (std::uint64_t i = 0; i < n_opp; ++i, t += 1000) {
    org.apply(opp, std::nullopt, {{od.field("Name"), Val::str(fmt::format("Deal {}", i))},
                                  {od.field("Amount"), money()}, {od.field("StageName"), Val::str(stages[0])},
                                  {od.field("CloseDate"), day(t + 86400000LL * 60)}}, user(), t, false);
  }
  for (std::uint64_t i = 0; i < n_inv; ++i, t += 1000) {
    org.apply(inv, std::nullopt, {{id.field("Name"), Val::str(fmt::format("INV-{:07d}", i))},
                                  {id.field("Amount__c"), money()}, {id.field("Status__c"), Val::str(statuses[0])}},
              user(), t, false);
  }
  add_edits(org, spec->edits, spec->users, rng, t);
  return org;
}

Status add_generated_edits(Org& org, std::uint64_t edits, std::uint64_t seed) {
  if (org.table("Account") < 0 || org.table("Opportunity") < 0 || org.table("Invoice__c") < 0 ||
      org.user_table < 0) {
    return make_error(ErrorCode::kInvalidArgument, "generate-edits needs a generated org");
  }
  std::int64_t t = 0;
  for (const auto& h : org.histories) {
    for (const auto& r : h.rows) t = std::max(t, r.created_ms);
  }
  auto users = org.tables[static_cast<std::size_t>(org.user_table)].rows.size();
  if (users == 0) return make_error(ErrorCode::kInvalidArgument, "generate-edits: no users");
  std::mt19937_64 rng(seed);
  add_edits(org, edits, users, rng, t);
  return ok();
}

}  // namespace sfrewind::emu
