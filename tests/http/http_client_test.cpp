// HttpClient against an in-process server: headers, retries, timeouts, gzip, limits, URL rules.
#include <atomic>
#include <string>

#include <doctest/doctest.h>
#include <zlib.h>

#include <sfrewind/http/client.hpp>
#include <sfrewind/version.hpp>

#include "support/fake_server.hpp"

namespace sfrewind::http {
namespace {

HttpOptions fast_options() {
  HttpOptions o;
  o.retry.max_attempts = 4;
  o.retry.base_delay = std::chrono::milliseconds(1);
  o.retry.max_delay = std::chrono::milliseconds(4);
  o.no_proxy.push_back('*');  // GCC 12 -Wrestrict false positive on = "*"
  o.connect_timeout = std::chrono::milliseconds(2000);
  o.total_timeout = std::chrono::milliseconds(5000);
  return o;
}

std::string gzip(const std::string& plain) {
  z_stream zs{};
  deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
  std::string out(compressBound(static_cast<uLong>(plain.size())) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  zs.avail_in = static_cast<uInt>(plain.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

Request get(const std::string& url) {
  Request r;
  r.url = url;
  return r;
}

}  // namespace

TEST_SUITE("http") {
  TEST_CASE("a GET carries the Sforce-Call-Options header and returns status, headers and body") {
    test::FakeServer srv;
    srv.get("/hello", [](const httplib::Request&, httplib::Response& res) {
      res.set_header("X-Thing", "42");
      res.set_content("hi there", "text/plain");
    });
    REQUIRE(srv.start());
    auto client = HttpClient::make(fast_options());
    REQUIRE(client);
    auto r = client->send(get(srv.url() + "/hello"));
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "hi there");
    CHECK(r->headers.get("x-thing").value_or("") == "42");
    auto reqs = srv.requests();
    REQUIRE(reqs.size() == 1);
    std::string expected = "client=sfrewind/";
    expected.append(kVersion);
    CHECK(reqs[0].header("Sforce-Call-Options") == expected);
  }

  TEST_CASE("a recycled body's buffer takes the next response and nothing of the last") {
    test::FakeServer srv;
    srv.get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(300000, 'x'), "text/plain");
    });
    srv.get("/small", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("tiny", "text/plain");
    });
    REQUIRE(srv.start());
    auto client = HttpClient::make(fast_options());
    REQUIRE(client);
    auto big = client->send(get(srv.url() + "/big"));
    REQUIRE(big);
    CHECK(big->body.size() == 300000);
    const char* buffer = big->body.data();
    client->recycle(std::move(big->body));
    auto small = client->send(get(srv.url() + "/small"));
    REQUIRE(small);
    CHECK(small->body == "tiny");
    CHECK(small->body.data() == buffer);
    CHECK(small->body.capacity() >= 300000);
  }

  TEST_CASE("a PATCH sends its body and headers") {
    test::FakeServer srv;
    srv.patch("/x", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(req.body, "application/json");
    });
    REQUIRE(srv.start());
    auto client = HttpClient::make(fast_options());
    REQUIRE(client);
    Request req = get(srv.url() + "/x");
    req.method = Method::kPatch;
    req.body = R"({"a":1})";
    req.headers.set("Content-Type", "application/json");
    auto r = client->send(req);
    REQUIRE(r);
    CHECK(r->body == R"({"a":1})");
    CHECK(srv.requests().at(0).method == "PATCH");
    CHECK(srv.requests().at(0).header("content-type") == "application/json");
  }

  TEST_CASE("503 replies are retried with backoff until one succeeds") {
    test::FakeServer srv;
    std::atomic<int> calls{0};
    srv.get("/flaky", [&](const httplib::Request&, httplib::Response& res) {
      if (++calls <= 2) {
        res.status = 503;
        res.set_content("busy", "text/plain");
        return;
      }
      res.set_content("ok", "text/plain");
    });
    REQUIRE(srv.start());
    std::vector<std::string> trace;
    HttpOptions o = fast_options();
    o.trace = [&](const TraceEvent& e) { trace.push_back(e.message); };
    auto client = HttpClient::make(o);
    REQUIRE(client);
    auto r = client->send(get(srv.url() + "/flaky"));
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(calls.load() == 3);
    CHECK(client->attempts() == 3);
    int retries = 0;
    for (const auto& line : trace) retries += line.starts_with("retry") ? 1 : 0;
    CHECK(retries == 2);
  }

  TEST_CASE("a 5xx that persists is returned as data after the last attempt") {
    test::FakeServer srv;
    srv.get("/down", [](const httplib::Request&, httplib::Response& res) { res.status = 500; });
    REQUIRE(srv.start());
    auto client = HttpClient::make(fast_options());
    REQUIRE(client);
    auto r = client->send(get(srv.url() + "/down"));
    REQUIRE(r);
    CHECK(r->status == 500);
    CHECK(srv.request_count() == 4);
  }

  TEST_CASE("UNABLE_TO_LOCK_ROW is retried") {
    test::FakeServer srv;
    std::atomic<int> calls{0};
    srv.get("/lock", [&](const httplib::Request&, httplib::Response& res) {
      if (++calls == 1) {
        res.status = 400;
        res.set_content(R"([{"message":"unable to obtain exclusive access","errorCode":"UNABLE_TO_LOCK_ROW"}])",
                        "application/json");
        return;
      }
      res.set_content("[]", "application/json");
    });
    REQUIRE(srv.start());
    auto client = HttpClient::make(fast_options());
    REQUIRE(client);
    auto r = client->send(get(srv.url() + "/lock"));
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(calls.load() == 2);
  }

  TEST_CASE("403 REQUEST_LIMIT_EXCEEDED stops at once with kRateLimited") {
    test::FakeServer srv;
    srv.get("/q", [](const httplib::Request&, httplib::Response& res) {
      res.status = 403;
      res.set_content(R"([{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}])",
                      "application/json");
    });
    REQUIRE(srv.start());
    auto client = HttpClient::make(fast_options());
    REQUIRE(client);
    auto r = client->send(get(srv.url() + "/q"));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::kRateLimited);
    CHECK(r.error().http_status == 403);
    CHECK(r.error().api_code == "REQUEST_LIMIT_EXCEEDED");
    CHECK(srv.request_count() == 1);
  }

  TEST_CASE("Sforce-Limit-Info is read and the api budget stops the next call") {
    test::FakeServer srv;
    srv.get("/q", [](const httplib::Request&, httplib::Response& res) {
      res.set_header("Sforce-Limit-Info", "api-usage=900/1000; api-bursts=1/750");
      res.set_content("{}", "application/json");
    });
    REQUIRE(srv.start());
    HttpOptions o = fast_options();
    o.api_budget_pct = 90;
    auto client = HttpClient::make(o);
    REQUIRE(client);
    CHECK_FALSE(client->api_usage().has_value());
    auto first = client->send(get(srv.url() + "/q"));
    REQUIRE(first);
    REQUIRE(client->api_usage().has_value());
    CHECK(client->api_usage()->used == 900);
    CHECK(client->api_usage()->max == 1000);
    auto second = client->send(get(srv.url() + "/q"));
    REQUIRE(first);
    REQUIRE_FALSE(second);
    CHECK(second.error().code == ErrorCode::kRateLimited);
    CHECK(second.error().message.find("900 of 1000") != std::string::npos);
    CHECK(srv.request_count() == 1);
  }

  TEST_CASE("parse_limit_info reads api-usage and ignores other forms") {
    auto u = parse_limit_info("api-usage=25/15000");
    REQUIRE(u);
    CHECK(u->used == 25);
    CHECK(u->max == 15000);
    auto v = parse_limit_info("per-app-api-usage=17/250(appName=x); api-usage=3/5");
    REQUIRE(v);
    CHECK(v->used == 17);  // the per-app form also ends in api-usage=: first match wins
    CHECK_FALSE(parse_limit_info("api-bursts=1/750"));
    CHECK_FALSE(parse_limit_info("api-usage=x/5"));
  }

  TEST_CASE("a reply slower than the total timeout fails with kTimeout") {
    test::FakeServer srv;
    srv.get("/slow", [](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(std::chrono::milliseconds(600));
      res.set_content("late", "text/plain");
    });
    REQUIRE(srv.start());
    HttpOptions o = fast_options();
    o.total_timeout = std::chrono::milliseconds(100);
    o.retry.max_attempts = 2;
    auto client = HttpClient::make(o);
    REQUIRE(client);
    auto r = client->send(get(srv.url() + "/slow"));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::kTimeout);
    CHECK(client->attempts() == 2);
  }

  TEST_CASE("a gzip reply is decoded") {
    test::FakeServer srv;
    std::string plain(5000, 'x');
    srv.get("/gz", [&](const httplib::Request&, httplib::Response& res) {
      res.set_header("Content-Encoding", "gzip");
      res.set_content(gzip(plain), "application/json");
    });
    REQUIRE(srv.start());
    auto client = HttpClient::make(fast_options());
    REQUIRE(client);
    auto r = client->send(get(srv.url() + "/gz"));
    REQUIRE(r);
    CHECK(r->body == plain);
    CHECK(srv.requests().at(0).header("Accept-Encoding").find("gzip") != std::string::npos);
  }

  TEST_CASE("a refused connection is a transport error after the retries") {
    int port = 0;
    {
      test::FakeServer srv;
      REQUIRE(srv.start());
      port = srv.port();
    }
    auto client = HttpClient::make(fast_options());
    REQUIRE(client);
    auto r = client->send(get("http://127.0.0.1:" + std::to_string(port) + "/x"));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::kTransport);
  }

  TEST_CASE("plain http to a non-loopback host is refused before any connection") {
    auto client = HttpClient::make(fast_options());
    REQUIRE(client);
    for (const char* url : {"http://example.com/x", "http://10.0.0.1/", "http://128.0.0.1/",
                            "http://127.0.0.1.evil.com/", "ftp://127.0.0.1/", "example.com"}) {
      auto r = client->send(get(url));
      REQUIRE_FALSE(r);
      CHECK(r.error().code == ErrorCode::kInvalidArgument);
    }
    CHECK(client->attempts() == 0);
    CHECK(check_url_allowed("http://127.0.0.1:8080/x"));
    CHECK(check_url_allowed("http://localhost/"));
    CHECK(check_url_allowed("http://[::1]:99/"));
    CHECK(check_url_allowed("http://127.2.3.4/"));
    CHECK(check_url_allowed("https://example.my.salesforce.com/services"));
  }

  TEST_CASE("headers are looked up case-insensitively and set replaces") {
    Headers h;
    h.add("Content-Type", "a");
    h.set("content-type", "b");
    CHECK(h.fields().size() == 1);
    CHECK(h.get("CONTENT-TYPE").value_or("") == "b");
    CHECK_FALSE(h.get("missing"));
  }

  TEST_CASE("form_encode percent-encodes names and values") {
    CHECK(form_encode({{"grant_type", "client_credentials"}, {"s", "a b&c=d/+"}}) ==
          "grant_type=client_credentials&s=a%20b%26c%3Dd%2F%2B");
  }
}

}  // namespace sfrewind::http
