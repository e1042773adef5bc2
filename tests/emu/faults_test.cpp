// Fault injection, limits headers, gzip and the loopback control endpoint.
#include <chrono>
#include <memory>
#include <vector>

#include <doctest/doctest.h>

#include "emu_fixture.hpp"

namespace sfrewind::emu {
namespace {

TEST_SUITE("emu") {

TEST_CASE("every API response carries Sforce-Limit-Info and limits counts calls") {
  test::Emu emu;
  auto a = emu.get("limits");
  REQUIRE(a);
  CHECK(a->get_header_value("Sforce-Limit-Info") == "api-usage=1/100000");
  Json j = test::parse(emu.get("limits"));
  CHECK(j.find("DailyApiRequests")->find("Remaining")->as_int() == 100000 - 2);
  CHECK(test::parse(emu.client->Get("/services/data")).items().size() >= 1);
}

TEST_CASE("REQUEST_LIMIT_EXCEEDED after N calls and UNABLE_TO_LOCK_ROW on chosen records") {
  test::Emu emu;
  std::string id = test::first_id(emu, "SELECT Id FROM Invoice__c WHERE Name = 'INV-2026-0001'");
  FaultOptions f;
  f.lock_records = {id};
  f.limit_after = 3;
  emu.server->set_faults(f);
  auto locked = emu.send("PATCH", "sobjects/Invoice__c/" + id, R"({"Amount__c":1})");
  CHECK(test::parse(locked).items()[0].str("errorCode") == "UNABLE_TO_LOCK_ROW");
  Json col = test::parse(emu.send("PATCH", "composite/sobjects",
                                  R"({"records":[{"attributes":{"type":"Invoice__c"},"id":")" + id + R"(","Amount__c":1}]})"));
  CHECK(col.items()[0].find("errors")->items()[0].str("statusCode") == "UNABLE_TO_LOCK_ROW");
  auto limited = emu.get("limits");
  CHECK(limited->status == 403);
  CHECK(test::parse(limited).items()[0].str("errorCode") == "REQUEST_LIMIT_EXCEEDED");
}

TEST_CASE("503 bursts token expiry after N calls and truncated bodies are deterministic") {
  auto pattern = [] {
    test::Emu emu;
    FaultOptions f;
    f.burst_503_every = 4;
    f.burst_503_length = 2;
    f.seed = 7;
    emu.server->set_faults(f);
    std::string s;
    for (int i = 0; i < 30; ++i) s += emu.get("limits")->status == 503 ? 'x' : '.';
    return s;
  };
  std::string a = pattern();
  CHECK(a == pattern());
  CHECK(a.find('x') != std::string::npos);
  CHECK(a.find('.') != std::string::npos);
  test::Emu emu;
  FaultOptions f;
  f.token_expire_after = 2;
  emu.server->set_faults(f);
  CHECK(emu.get("limits")->status == 200);
  CHECK(emu.get("limits")->status == 200);
  CHECK(emu.get("limits")->status == 401);
  FaultOptions t;
  t.truncate_every = 1;
  emu.server->set_faults(t);
  auto cut = emu.get("limits", "T-ACCT");
  CHECK((!cut || cut->body.size() < 100));
}

TEST_CASE("twelve idle keep-alive connections do not make a new one wait for a server thread") {
  test::Emu emu;
  std::vector<std::unique_ptr<httplib::Client>> idle;
  for (int i = 0; i < 12; ++i) {  // more than httplib's default pool of 8 threads
    auto c = std::make_unique<httplib::Client>("127.0.0.1", emu.server->port());
    c->set_keep_alive(true);
    auto r = c->Get(test::Emu::data("limits").c_str(), emu.auth());
    REQUIRE(r);
    CHECK(r->status == 200);
    idle.push_back(std::move(c));
  }
  // With a thread held by each idle connection, this call would wait for the server's 5 s
  // keep-alive timeout to free one; it must be answered well inside 3 s.
  httplib::Client fresh("127.0.0.1", emu.server->port());
  fresh.set_read_timeout(3, 0);
  fresh.set_connection_timeout(3, 0);
  auto r = fresh.Get(test::Emu::data("limits").c_str(), emu.auth());
  REQUIRE(r);
  CHECK(r->status == 200);
}

TEST_CASE("a reset fault closes the connection before the body and the next call works") {
  test::Emu emu;
  FaultOptions f;
  f.reset_every = 1;
  emu.server->set_faults(f);
  auto r = emu.get("sobjects/Invoice__c/describe");
  CHECK((!r || r->body.empty()));
  emu.server->set_faults(FaultOptions());
  auto again = emu.get("limits");
  REQUIRE(again);
  CHECK(again->status == 200);
}

TEST_CASE("a malformed answer is a whole 200 body that is not JSON and a spike delays the answer") {
  test::Emu emu;
  FaultOptions f;
  CHECK(parse_faults("malformed_every=1,spike_every=1,spike_ms=30", &f).has_value());
  emu.server->set_faults(f);
  for (const char* path : {"limits", "sobjects/Invoice__c/describe", "sobjects"}) {
    auto start = std::chrono::steady_clock::now();
    auto r = emu.get(path);
    auto waited = std::chrono::steady_clock::now() - start;
    REQUIRE(r);  // complete: httplib read the whole Content-Length
    CHECK(r->status == 200);
    CHECK(r->get_header_value("Content-Length") == std::to_string(r->body.size()));
    CHECK_FALSE(Json::parse(r->body).has_value());
    CHECK(waited >= std::chrono::milliseconds(30));  // a lower bound: never flaky
  }
  emu.server->set_faults(FaultOptions());
  CHECK(Json::parse(emu.get("limits")->body).has_value());
}

TEST_CASE("the token endpoint fails or refuses only after the first grant under refresh faults") {
  test::Emu emu;
  const std::string form =
      "grant_type=client_credentials&client_id=acme-responder-app&client_secret=acme-responder-secret";
  auto grant = [&] { return emu.client->Post("/services/oauth2/token", form, "application/x-www-form-urlencoded"); };
  FaultOptions f;
  CHECK(parse_faults("refresh_fail=2", &f).has_value());
  emu.server->set_faults(f);
  CHECK(grant()->status == 200);  // the run's first login
  auto first = grant();
  REQUIRE(first);
  CHECK(first->status == 503);
  auto second = grant();
  CHECK((!second || second->body.empty()));  // the connection drops
  CHECK(grant()->status == 200);              // recovered
  FaultOptions deny;
  CHECK(parse_faults("refresh_deny=1", &deny).has_value());
  emu.server->set_faults(deny);
  CHECK(grant()->status == 200);
  auto refused = grant();
  REQUIRE(refused);
  CHECK(refused->status == 400);
  CHECK(test::parse(refused).str("error") == "invalid_grant");
}

TEST_CASE("a bad org file or an unknown fixed-token user fails to start") {
  ServerOptions o;
  o.org_file = "/nonexistent/org.json";
  auto s = Server::start(o);
  REQUIRE_FALSE(s.has_value());
  CHECK(s.error().message.find("/nonexistent/org.json") != std::string::npos);
  ServerOptions t;
  t.org_file = test::acme_file();
  t.fixed_tokens.emplace_back("X", "nobody@acme.example");
  CHECK_FALSE(Server::start(t).has_value());
  FaultOptions f;
  CHECK(parse_faults("latency_ms=3,lock_records=a;b,seed=4", &f).has_value());
  CHECK(f.lock_records.size() == 2);
  CHECK(f.seed == 4);
  CHECK_FALSE(parse_faults("nope=1", &f).has_value());
}

TEST_CASE("responses are gzip-compressed when the client asks") {
  test::Emu emu;
  emu.client->set_decompress(false);
  auto r = emu.client->Get(test::Emu::data("sobjects/Invoice__c/describe").c_str(),
                           {{"Authorization", "Bearer T-RESP"}, {"Accept-Encoding", "gzip"}});
  REQUIRE(r);
  CHECK(r->get_header_value("Content-Encoding") == "gzip");
}

TEST_CASE("the control endpoint sets faults and serves the write log") {
  test::Emu emu;
  std::string id = test::first_id(emu, "SELECT Id FROM Invoice__c WHERE Name = 'INV-2026-0002'");
  emu.send("PATCH", "sobjects/Invoice__c/" + id, R"({"Paid__c":true})");
  Json log = test::parse(emu.client->Get("/__emu/writelog"));
  REQUIRE(log.items().size() == 1);
  CHECK(log.items()[0].str("field") == "Paid__c");
  CHECK(log.items()[0].find("value")->text() == "true");
  CHECK(emu.client->Post("/__emu/faults", R"({"limit_after":0,"expire_locators":true})", "application/json")->status == 200);
  Json page = test::parse(emu.query("SELECT Id FROM Invoice__History", "query", {{"Sforce-Query-Options", "batchSize=200"}}));
  auto more = emu.client->Get(page.str("nextRecordsUrl").c_str(), emu.auth());
  CHECK(test::parse(more).items()[0].str("errorCode") == "INVALID_QUERY_LOCATOR");
  CHECK(emu.client->Post("/__emu/reset-faults", "", "application/json")->status == 200);
}

}  // TEST_SUITE

}  // namespace
}  // namespace sfrewind::emu
