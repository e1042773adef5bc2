// Generated orgs, the history fast path and containment writes.
#include <map>

#include <doctest/doctest.h>

#include "emu_fixture.hpp"

namespace sfrewind::emu {
namespace {

TEST_SUITE("emu") {

TEST_CASE("a generated org is deterministic for a seed and its history agrees with current values") {
  auto a = generate_org("records=300,edits=2000,users=4,seed=9");
  auto b = generate_org("records=300,edits=2000,users=4,seed=9");
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  std::size_t rows = 0;
  for (std::size_t h = 0; h < a->histories.size(); ++h) {
    rows += a->histories[h].rows.size();
    CHECK(a->histories[h].rows.size() == b->histories[h].rows.size());
    CHECK(a->histories[h].arena == b->histories[h].arena);
  }
  CHECK(rows >= 2000 + 300);
  // Replaying the last history value of each (record, field) gives the current value.
  int inv = a->table("Invoice__c");
  const HistoryTable& h = a->histories[static_cast<std::size_t>(a->tables[static_cast<std::size_t>(inv)].history)];
  int paid = a->tables[static_cast<std::size_t>(inv)].def.field("Paid__c");
  std::map<std::uint32_t, std::string> last;
  for (const auto& r : h.rows) {
    if (r.field == paid) last[r.parent] = a->history_value(h, r, false).text;
  }
  REQUIRE_FALSE(last.empty());
  for (const auto& [row, value] : last) {
    CHECK(a->tables[static_cast<std::size_t>(inv)].rows[row].v[static_cast<std::size_t>(paid)].text == value);
  }
  CHECK_FALSE(generate_org("records=10,bogus=1").has_value());
}

TEST_CASE("the history page fast path writes what the generic row writer writes") {
  ServerOptions o;
  o.generate = "records=50,edits=300,users=3,seed=2";
  o.fixed_tokens.emplace_back("T-GEN", "admin@gen.example");
  auto s = Server::start(o);
  REQUIRE(s.has_value());
  httplib::Client c("127.0.0.1", (*s)->port());
  std::string cols = "Id, OpportunityId, Field, DataType, OldValue, NewValue, CreatedById, CreatedDate, IsDeleted";
  auto get = [&](const std::string& soql) {
    auto r = c.Get(("/services/data/v62.0/query?q=" + httplib::detail::encode_query_param(soql)).c_str(),
                   {{"Authorization", "Bearer T-GEN"}});
    REQUIRE(r);
    return test::parse(r);
  };
  Json fast = get("SELECT " + cols + " FROM OpportunityFieldHistory ORDER BY CreatedDate, Id");
  // Adding a relationship column forces the generic writer for every row.
  Json slow = get("SELECT " + cols + ", CreatedBy.Username FROM OpportunityFieldHistory ORDER BY CreatedDate, Id");
  REQUIRE(fast.find("records")->items().size() == slow.find("records")->items().size());
  REQUIRE(fast.find("totalSize")->as_int() > 10);
  for (std::size_t i = 0; i < fast.find("records")->items().size(); ++i) {
    const Json& f = fast.find("records")->items()[i];
    const Json& g = slow.find("records")->items()[i];
    for (const auto& [k, v] : f.members()) {
      REQUIRE(g.find(k));
      CHECK(v.dump() == g.find(k)->dump());
    }
  }
}

TEST_CASE("freezing or deactivating the integration user stops new grants") {
  test::Emu emu;
  auto grant = [&] {
    return emu.client->Post("/services/oauth2/token",
                            "grant_type=client_credentials&client_id=acme-accounting-app&client_secret=acme-accounting-secret",
                            "application/x-www-form-urlencoded");
  };
  CHECK(grant()->status == 200);
  std::string user = test::first_id(emu, "SELECT Id FROM User WHERE Username = 'integration.accounting@acme.example'");
  std::string login = test::first_id(emu, "SELECT Id FROM UserLogin WHERE UserId = '" + user + "'");
  CHECK(emu.send("PATCH", "sobjects/UserLogin/" + login, R"({"IsFrozen":true})")->status == 204);
  auto frozen = grant();
  CHECK(frozen->status == 400);
  CHECK(test::parse(frozen).str("error") == "invalid_grant");
  CHECK(emu.send("PATCH", "sobjects/UserLogin/" + login, R"({"IsFrozen":false})")->status == 204);
  CHECK(grant()->status == 200);
  CHECK(emu.send("PATCH", "sobjects/User/" + user, R"({"IsActive":false})")->status == 204);
  CHECK(grant()->status == 400);
  auto rename = emu.send("PATCH", "sobjects/User/" + user, R"({"Username":"x@y"})");
  CHECK(test::parse(rename).items()[0].str("errorCode") == "INVALID_FIELD_FOR_INSERT_UPDATE");
  CHECK(emu.send("DELETE", "sobjects/User/" + user, "")->status == 400);
}

}  // TEST_SUITE

}  // namespace
}  // namespace sfrewind::emu
