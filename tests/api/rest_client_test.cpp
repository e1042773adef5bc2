// RestClient against the fake server: paging, 401 refresh, errors, collections and composite.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>

#include <doctest/doctest.h>

#include <sfrewind/api/rest_client.hpp>
#include <sfrewind/api/soql.hpp>

#include "support/fake_server.hpp"

namespace sfrewind::api {
namespace {

http::HttpOptions fast() {
  http::HttpOptions o;
  o.retry.max_attempts = 3;
  o.retry.base_delay = std::chrono::milliseconds(1);
  o.retry.max_delay = std::chrono::milliseconds(2);
  o.no_proxy.push_back('*');
  return o;
}

RestClient client_for(test::FakeServer& srv, std::shared_ptr<auth::TokenProvider> tokens = {}) {
  if (!tokens) {
    auto t = auth::TokenProvider::make(auth::StaticTokenConfig{"tok-1", srv.url()}, fast());
    REQUIRE(t);
    tokens = *t;
  }
  auto c = RestClient::make(tokens, RestOptions{"62.0", fast()});
  REQUIRE(c);
  return std::move(*c);
}

const char* kPage1 = R"({"totalSize":3,"done":false,"nextRecordsUrl":"/services/data/v62.0/query/01g-2",
  "records":[{"attributes":{"type":"AccountHistory"},"Id":"017000000000001AAA","AccountId":"001000000000001AAA",
  "Field":"Name","DataType":"Text","OldValue":"a","NewValue":"b","CreatedById":"005000000000001AAA",
  "CreatedDate":"2025-01-01T00:00:00.000+0000","IsDeleted":false}]})";
const char* kPage2 = R"({"totalSize":3,"done":true,
  "records":[{"attributes":{"type":"AccountHistory"},"Id":"017000000000002AAA","AccountId":"001000000000001AAA",
  "Field":"Rating","DataType":"Text","OldValue":null,"NewValue":"Hot","CreatedById":"005000000000001AAA",
  "CreatedDate":"2025-01-01T00:00:01.000+0000","IsDeleted":false}]})";

}  // namespace

TEST_SUITE("api") {
  TEST_CASE("a query follows nextRecordsUrl page by page with the bearer token") {
    test::FakeServer srv;
    srv.get("/services/data/v62.0/queryAll", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(kPage1, "application/json");
    });
    srv.get("/services/data/v62.0/query/01g-2", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(kPage2, "application/json");
    });
    REQUIRE(srv.start());
    RestClient c = client_for(srv);
    HistoryObject h = history_object_for("Account");
    std::string soql = history_select(h) + " WHERE CreatedDate >= " +
                       soql_datetime(Timestamp(0));
    QueryPager pager = c.query(soql, true, 500);
    std::vector<HistoryRow> rows;
    while (pager.has_next()) {
      auto page = pager.next_history(h, "00D000000000001AAA");
      REQUIRE(page);
      for (auto& r : page->rows) rows.push_back(std::move(r));
    }
    REQUIRE(rows.size() == 2);
    CHECK(rows[1].field == "Rating");
    CHECK_FALSE(rows[1].old_value);
    auto reqs = srv.requests();
    REQUIRE(reqs.size() == 2);
    CHECK(reqs[0].param("q") == soql);
    CHECK(reqs[0].header("Authorization") == "Bearer tok-1");
    CHECK(reqs[0].header("Sforce-Query-Options") == "batchSize=500");
    CHECK(reqs[1].path == "/services/data/v62.0/query/01g-2");
  }

  TEST_CASE("a 401 gets a new token once and the call is retried") {
    test::FakeServer srv;
    std::atomic<int> logins{0};
    srv.post("/services/oauth2/token", [&](const httplib::Request&, httplib::Response& res) {
      int n = ++logins;
      res.set_content(R"({"access_token":"tok-)" + std::to_string(n) + R"(","instance_url":")" +
                          srv.url() + R"(","id":"https://x/id/00D000000000001AAA/005000000000001AAA","issued_at":"1700000000000"})",
                      "application/json");
    });
    srv.get("/services/data/v62.0/limits", [](const httplib::Request& req, httplib::Response& res) {
      if (req.get_header_value("Authorization") == "Bearer tok-1") {
        res.status = 401;
        res.set_content(R"([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}])",
                        "application/json");
        return;
      }
      res.set_content(R"({"DailyApiRequests":{"Max":100,"Remaining":90}})", "application/json");
    });
    REQUIRE(srv.start());
    auto tokens = auth::TokenProvider::make(
        auth::ClientCredentialsConfig{srv.url(), "cid", "s3cr3t-value"}, fast());
    REQUIRE(tokens);
    RestClient c = client_for(srv, *tokens);
    auto limits = c.limits();
    REQUIRE(limits);
    CHECK(limits->at("DailyApiRequests").remaining == 90);
    CHECK(logins.load() == 2);
    auto t = c.token();
    REQUIRE(t);
    CHECK(t->access_token == "tok-2");
    CHECK(t->org_id == "00D000000000001AAA");
    CHECK(t->user_id == "005000000000001AAA");
  }

  TEST_CASE("a static token rejected with 401 fails with kUnauthorized after one try") {
    test::FakeServer srv;
    srv.get("/services/data/v62.0/sobjects", [](const httplib::Request&, httplib::Response& res) {
      res.status = 401;
      res.set_content(R"([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}])",
                      "application/json");
    });
    REQUIRE(srv.start());
    RestClient c = client_for(srv);
    auto r = c.describe_global();
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::kUnauthorized);
    CHECK(srv.request_count() == 1);
  }

  TEST_CASE("API errors map to kApi with http_status and api_code") {
    test::FakeServer srv;
    srv.get("/services/data/v62.0/query", [](const httplib::Request&, httplib::Response& res) {
      res.status = 400;
      res.set_content(R"([{"message":"unexpected token: FROMM","errorCode":"MALFORMED_QUERY"}])",
                      "application/json");
    });
    srv.get("/services/data/v62.0/limits", [](const httplib::Request&, httplib::Response& res) {
      res.status = 404;
      res.set_content("<html>nope</html>", "text/html");
    });
    REQUIRE(srv.start());
    RestClient c = client_for(srv);
    auto q = c.query("SELECT Id FROMM Account");
    auto page = q.next_records();
    REQUIRE_FALSE(page);
    CHECK(page.error().code == ErrorCode::kApi);
    CHECK(page.error().http_status == 400);
    CHECK(page.error().api_code == "MALFORMED_QUERY");
    CHECK(page.error().message.find("FROMM") != std::string::npos);
    auto l = c.limits();
    REQUIRE_FALSE(l);
    CHECK(l.error().code == ErrorCode::kHttp);
    CHECK(l.error().http_status == 404);
  }

  TEST_CASE("describes of several objects run on parallel connections and keep the order asked") {
    test::FakeServer srv;
    std::mutex mu;
    std::condition_variable cv;
    int in_flight = 0;
    int most = 0;
    srv.get(R"(/services/data/v62.0/sobjects/(\w+)/describe)",
            [&](const httplib::Request& req, httplib::Response& res) {
              std::string name = req.matches[1];
              {
                // Hold each answer until all three are in flight (or 5 s pass): one at a time
                // would never get there.
                std::unique_lock lock(mu);
                most = std::max(most, ++in_flight);
                cv.notify_all();
                cv.wait_for(lock, std::chrono::seconds(5), [&] { return most >= 3; });
                --in_flight;
              }
              if (name == "Bad__c") {
                res.status = 404;
                res.set_content(R"([{"message":"no such object","errorCode":"NOT_FOUND"}])",
                                "application/json");
                return;
              }
              res.set_content(R"({"name":")" + name + R"(","fields":[{"name":"F)" + name +
                                  R"(","type":"string","updateable":true}]})",
                              "application/json");
            });
    REQUIRE(srv.start());
    RestClient c = client_for(srv);
    std::vector<std::string> names{"Opportunity", "Account", "Invoice__c"};
    auto d = c.describe(names, 4);
    REQUIRE(d);
    REQUIRE(d->size() == 3);
    for (std::size_t i = 0; i < names.size(); ++i) {
      CHECK((*d)[i].name == names[i]);
      REQUIRE((*d)[i].fields.size() == 1);
      CHECK((*d)[i].fields[0].name == "F" + names[i]);
    }
    CHECK(most == 3);
    CHECK(c.attempts() == static_cast<std::int64_t>(srv.request_count()));

    most = 0;
    std::vector<std::string> with_bad{"Account", "Bad__c", "Opportunity"};
    auto bad = c.describe(with_bad, 4);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message.find("describe Bad__c") != std::string::npos);
    CHECK(bad.error().http_status == 404);
    CHECK(c.attempts() == static_cast<std::int64_t>(srv.request_count()));
  }

  TEST_CASE("a truncated page is a parse error") {
    test::FakeServer srv;
    srv.get("/services/data/v62.0/query", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(kPage1).substr(0, 120), "application/json");
    });
    REQUIRE(srv.start());
    RestClient c = client_for(srv);
    auto q = c.query("SELECT Id FROM Account");
    auto page = q.next_records();
    REQUIRE_FALSE(page);
    CHECK(page.error().code == ErrorCode::kParse);
  }

  TEST_CASE("a collections PATCH returns mixed per-record outcomes as data") {
    test::FakeServer srv;
    srv.patch("/services/data/v62.0/composite/sobjects", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"([{"id":"a01000000000001AAA","success":true,"errors":[]},
        {"success":false,"errors":[{"statusCode":"FIELD_CUSTOM_VALIDATION_EXCEPTION","message":"no","fields":["Paid__c"]}]}])",
                      "application/json");
    });
    REQUIRE(srv.start());
    RestClient c = client_for(srv);
    auto r = c.update_records({{"Invoice__c", "a01000000000001AAA", {{"Paid__c", "false"}}},
                               {"Invoice__c", "a01000000000002AAA", {{"Paid__c", "false"}}}});
    REQUIRE(r);
    REQUIRE(r->size() == 2);
    CHECK(r->at(0).success);
    CHECK(r->at(1).errors.at(0).status_code == "FIELD_CUSTOM_VALIDATION_EXCEPTION");
    auto body = srv.requests().at(0).body;
    CHECK(body.find(R"("allOrNone":false)") != std::string::npos);
    CHECK(srv.requests().at(0).header("Content-Type") == "application/json");
  }

  TEST_CASE("a composite call returns each subresponse") {
    test::FakeServer srv;
    srv.post("/services/data/v62.0/composite", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"compositeResponse":[{"body":{"Paid__c":true},"httpHeaders":{},"httpStatusCode":200,"referenceId":"cur"},
        {"body":[{"errorCode":"PRECONDITION_FAILED","message":"changed"}],"httpHeaders":{},"httpStatusCode":412,"referenceId":"fix1"}]})",
                      "application/json");
    });
    REQUIRE(srv.start());
    RestClient c = client_for(srv);
    CompositeRequest req;
    req.subrequests.push_back({"GET", c.data_path() + "/sobjects/Invoice__c/a01000000000001AAA", "cur", {}, {}});
    auto r = c.composite(req);
    REQUIRE(r);
    REQUIRE(r->size() == 2);
    CHECK(r->at(0).body_json == R"({"Paid__c":true})");
    CHECK(r->at(1).http_status == 412);
    auto rec = decode_record(r->at(0).body_json);
    REQUIRE(rec);
    CHECK(rec->text("Paid__c") == "true");
  }

  TEST_CASE("get_record validates field names before any call") {
    test::FakeServer srv;
    REQUIRE(srv.start());
    RestClient c = client_for(srv);
    auto r = c.get_record("Account", "001000000000001AAA", {"Name", "Id FROM User--"});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::kInvalidArgument);
    CHECK(srv.request_count() == 0);
  }
}

TEST_SUITE("api") {
  TEST_CASE("SOQL identifiers are validated and literals escaped") {
    CHECK(validate_identifier("Account"));
    CHECK(validate_identifier("Invoice__c"));
    CHECK(validate_identifier("ns__Invoice__c"));
    CHECK(validate_identifier("Profile.UserLicense.Name"));
    CHECK(validate_identifier("Parent__r.Name"));
    for (const char* bad : {"", "1abc", "a b", "Name;", "a.", ".a", "x'--", "a___b", "Name__"}) {
      CHECK_FALSE(validate_identifier(bad));
    }
    CHECK(escape_soql("O'Brien\\ \n\"") == "O\\'Brien\\\\ \\n\\\"");
    CHECK(escape_soql("50%_off", true) == "50\\%\\_off");
    CHECK(escape_soql("50%_off") == "50%_off");
    CHECK(quote_soql("a'b") == "'a\\'b'");
    CHECK(soql_datetime(Timestamp(1'700'000'000'999)) == "2023-11-14T22:13:20Z");
  }
}

}  // namespace sfrewind::api
