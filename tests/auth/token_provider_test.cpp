// TokenProvider: OAuth flows against the fake server, JWT signatures, the sf CLI and secrecy.
#include <sys/stat.h>

#include <fstream>
#include <string>

#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <sfrewind/auth/token_provider.hpp>

#include "support/acme.hpp"
#include "support/fake_server.hpp"
#include "support/temp_dir.hpp"

namespace sfrewind::auth {
namespace {

constexpr const char* kSecret = "TopSecret-4711-xyz";

http::HttpOptions fast(std::vector<std::string>* trace = nullptr) {
  http::HttpOptions o;
  o.retry.max_attempts = 2;
  o.retry.base_delay = std::chrono::milliseconds(1);
  o.retry.max_delay = std::chrono::milliseconds(2);
  o.no_proxy.push_back('*');
  if (trace) o.trace = [trace](const http::TraceEvent& e) { trace->push_back(e.message); };
  return o;
}

std::string b64url_decode(std::string s) {
  for (char& c : s) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (s.size() % 4) s += '=';
  std::string out(s.size(), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  std::size_t pad = 0;
  while (pad < s.size() && s[s.size() - 1 - pad] == '=') ++pad;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

std::string token_body(const test::FakeServer& srv, const std::string& token) {
  return R"({"access_token":")" + token + R"(","instance_url":")" + srv.url() +
         R"(","id":"https://login/id/00D000000000001AAA/005000000000002AAA","issued_at":"1700000000"})";
}

void write_file(const std::string& path, const std::string& text, bool exec = false) {
  std::ofstream(path) << text;
  if (exec) chmod(path.c_str(), 0755);
}

}  // namespace

TEST_SUITE("auth") {
  TEST_CASE("client credentials post the form and read the token response") {
    test::FakeServer srv;
    srv.post("/services/oauth2/token", [&](const httplib::Request&, httplib::Response& res) {
      res.set_content(token_body(srv, "tok-a"), "application/json");
    });
    REQUIRE(srv.start());
    auto p = TokenProvider::make(ClientCredentialsConfig{srv.url(), "my-client", kSecret}, fast());
    REQUIRE(p);
    auto t = (*p)->token();
    REQUIRE(t);
    CHECK(t->access_token == "tok-a");
    CHECK(t->instance_url == srv.url());
    CHECK(t->org_id == "00D000000000001AAA");
    CHECK(t->user_id == "005000000000002AAA");
    CHECK(t->issued_at->ms() == 1'700'000'000'000);
    auto req = srv.requests().at(0);
    CHECK(req.param("grant_type") == "client_credentials");
    CHECK(req.param("client_id") == "my-client");
    CHECK(req.param("client_secret") == kSecret);
    CHECK(req.header("Content-Type") == "application/x-www-form-urlencoded");
    CHECK((*p)->source_name() == "client credentials");
  }

  TEST_CASE("a refused login is kUnauthorized with the description and never the secret") {
    test::FakeServer srv;
    srv.post("/services/oauth2/token", [](const httplib::Request& req, httplib::Response& res) {
      res.status = 400;
      // A hostile or buggy endpoint echoing what it got must not leak it either.
      res.set_content(R"({"error":"invalid_client","error_description":"invalid client credentials )" +
                          req.get_param_value("client_secret") + R"("})",
                      "application/json");
    });
    REQUIRE(srv.start());
    std::vector<std::string> trace;
    auto p = TokenProvider::make(ClientCredentialsConfig{srv.url(), "cid", kSecret}, fast(&trace));
    REQUIRE(p);
    auto t = (*p)->token();
    REQUIRE_FALSE(t);
    CHECK(t.error().code == ErrorCode::kUnauthorized);
    CHECK(t.error().api_code == "invalid_client");
    CHECK(t.error().message.find("invalid client credentials") != std::string::npos);
    CHECK(t.error().message.find(kSecret) == std::string::npos);
    REQUIRE_FALSE(trace.empty());
    for (const auto& line : trace) CHECK(line.find(kSecret) == std::string::npos);
  }

  TEST_CASE("a JWT bearer assertion verifies with the matching public key") {
    test::TempDir dir;
    EVP_PKEY* key = EVP_RSA_gen(2048);
    REQUIRE(key != nullptr);
    std::string key_path = dir.file("key.pem");
    {
      FILE* f = std::fopen(key_path.c_str(), "wb");
      REQUIRE(f != nullptr);
      PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
      std::fclose(f);
    }
    test::FakeServer srv;
    std::string assertion;
    srv.post("/services/oauth2/token", [&](const httplib::Request& req, httplib::Response& res) {
      assertion = req.get_param_value("assertion");
      res.set_content(token_body(srv, "tok-jwt"), "application/json");
    });
    REQUIRE(srv.start());
    JwtBearerConfig cfg{srv.url(), "consumer-key", "ops@example.com", key_path, ""};
    auto p = TokenProvider::make(cfg, fast());
    REQUIRE(p);
    auto t = (*p)->token();
    REQUIRE(t);
    CHECK(t->access_token == "tok-jwt");
    CHECK(srv.requests().at(0).param("grant_type") == "urn:ietf:params:oauth:grant-type:jwt-bearer");
    auto dot1 = assertion.find('.');
    auto dot2 = assertion.rfind('.');
    REQUIRE(dot1 != std::string::npos);
    REQUIRE(dot2 > dot1);
    CHECK(b64url_decode(assertion.substr(0, dot1)) == R"({"alg":"RS256"})");
    std::string claims = b64url_decode(assertion.substr(dot1 + 1, dot2 - dot1 - 1));
    CHECK(claims.find(R"("iss":"consumer-key")") != std::string::npos);
    CHECK(claims.find(R"("sub":"ops@example.com")") != std::string::npos);
    CHECK(claims.find(R"("aud":")" + srv.url() + "\"") != std::string::npos);
    std::string sig = b64url_decode(assertion.substr(dot2 + 1));
    std::string signed_part = assertion.substr(0, dot2);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    REQUIRE(EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1);
    CHECK(EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                           reinterpret_cast<const unsigned char*>(signed_part.data()),
                           signed_part.size()) == 1);
    signed_part[5] ^= 1;
    CHECK(EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                           reinterpret_cast<const unsigned char*>(signed_part.data()),
                           signed_part.size()) != 1);
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
  }

  TEST_CASE("a JWT key file that is missing is kInvalidArgument") {
    JwtBearerConfig cfg{"https://login.salesforce.com", "cid", "u", "/nonexistent/key.pem", ""};
    auto a = make_jwt_assertion(cfg, 1'700'000'000);
    REQUIRE_FALSE(a);
    CHECK(a.error().code == ErrorCode::kInvalidArgument);
  }

  TEST_CASE("the refresh token grant is used and a rotated refresh token is kept") {
    test::FakeServer srv;
    std::vector<std::string> seen;
    srv.post("/services/oauth2/token", [&](const httplib::Request& req, httplib::Response& res) {
      seen.push_back(req.get_param_value("refresh_token"));
      std::string body = token_body(srv, "tok-" + std::to_string(seen.size()));
      body.insert(body.size() - 1, R"(,"refresh_token":"rt-rotated")");
      res.set_content(body, "application/json");
    });
    REQUIRE(srv.start());
    auto p = TokenProvider::make(RefreshTokenConfig{srv.url(), "cid", "", "rt-first"}, fast());
    REQUIRE(p);
    auto t1 = (*p)->token();
    REQUIRE(t1);
    CHECK(srv.requests().at(0).param("grant_type") == "refresh_token");
    auto t2 = (*p)->refresh(t1->access_token);
    REQUIRE(t2);
    CHECK(t2->access_token == "tok-2");
    auto t3 = (*p)->refresh(t1->access_token);  // already replaced: no new login
    REQUIRE(t3);
    CHECK(t3->access_token == "tok-2");
    REQUIRE(seen.size() == 2);
    CHECK(seen[0] == "rt-first");
    CHECK(seen[1] == "rt-rotated");
  }

  TEST_CASE("an sf CLI login reads the instance URL and the token from a fake sf") {
    test::FakeServer srv;
    srv.get("/services/oauth2/userinfo", [&](const httplib::Request& req, httplib::Response& res) {
      bool ok = req.get_header_value("Authorization") == "Bearer 00Dfake!token";
      res.status = ok ? 200 : 403;
      res.set_content(R"({"user_id":"005000000000002AAA","organization_id":"00D000000000001"})",
                      "application/json");
    });
    REQUIRE(srv.start());
    test::TempDir dir;
    write_file(dir.file("sf"), R"(#!/bin/sh
if [ "$2" = "display" ]; then
  echo '{"status":0,"result":{"id":"00D000000000001AAA","instanceUrl":"INSTANCE","accessToken":"[REDACTED] Use sf org auth show-access-token"}}'
else
  echo '{"status":0,"result":{"accessToken":"00Dfake!token"}}'
fi
)", true);
    {
      std::ifstream in(dir.file("sf"));
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      text.replace(text.find("INSTANCE"), 8, srv.url());
      write_file(dir.file("sf"), text, true);
    }
    auto p = TokenProvider::make(SfCliConfig{"prod", "sf", dir.path().string()}, fast());
    REQUIRE(p);
    auto t = (*p)->identity();
    REQUIRE_MESSAGE(t, (t ? "" : t.error().message));
    CHECK(t->access_token == "00Dfake!token");
    CHECK(t->instance_url == srv.url());
    CHECK(t->org_id == "00D000000000001EAA");
    CHECK(t->user_id == "005000000000002AAA");
  }

  TEST_CASE("an sf CLI error is reported with its message") {
    test::TempDir dir;
    write_file(dir.file("sf"), R"(#!/bin/sh
echo '{"status":1,"name":"NamedOrgNotFoundError","message":"No authorization information found for nope."}'
exit 1
)", true);
    auto p = TokenProvider::make(SfCliConfig{"nope", "sf", dir.path().string()}, fast());
    REQUIRE(p);
    auto t = (*p)->token();
    REQUIRE_FALSE(t);
    CHECK(t.error().code == ErrorCode::kUnauthorized);
    CHECK(t.error().message.find("No authorization information") != std::string::npos);
  }

  TEST_CASE("a missing sf gives a clear kInvalidArgument") {
    test::TempDir dir;
    auto p = TokenProvider::make(SfCliConfig{"prod", "sf", dir.path().string()}, fast());
    REQUIRE(p);
    auto t = (*p)->token();
    REQUIRE_FALSE(t);
    CHECK(t.error().code == ErrorCode::kInvalidArgument);
    CHECK(t.error().message.find("not found on PATH") != std::string::npos);
  }

  TEST_CASE("plain http login URLs to other hosts are refused") {
    auto p = TokenProvider::make(ClientCredentialsConfig{"http://login.example.com", "cid", kSecret});
    REQUIRE_FALSE(p);
    CHECK(p.error().code == ErrorCode::kInvalidArgument);
    CHECK(p.error().message.find(kSecret) == std::string::npos);
    auto s = TokenProvider::make(StaticTokenConfig{"tok", "http://10.1.1.1"});
    REQUIRE_FALSE(s);
    CHECK(s.error().code == ErrorCode::kInvalidArgument);
  }

  TEST_CASE("a static token cannot be refreshed") {
    test::FakeServer srv;
    srv.get("/services/oauth2/userinfo", [&](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"user_id":"005000000000002","organization_id":"00D000000000001"})",
                      "application/json");
    });
    REQUIRE(srv.start());
    auto p = TokenProvider::make(StaticTokenConfig{kSecret, srv.url() + "/"}, fast());
    REQUIRE(p);
    auto t = (*p)->identity();
    REQUIRE(t);
    CHECK(t->instance_url == srv.url());
    CHECK(t->user_id == "005000000000002AAA");
    auto r = (*p)->refresh(kSecret);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::kUnauthorized);
    CHECK(r.error().message.find(kSecret) == std::string::npos);
  }

  TEST_CASE("a refresh against a token endpoint still down is kHttp and a refused one says re-authenticate") {
    emu::FaultOptions down;
    down.refresh_fail = 10;  // more failures than the HTTP retries absorb
    auto server = test::start_acme(down);
    REQUIRE(server);
    http::HttpOptions three = fast();
    three.retry.max_attempts = 3;  // 503, reset, 503: the last answer is a 503
    auto tokens = TokenProvider::make(
        ClientCredentialsConfig{server->base_url(), "acme-responder-app", "acme-responder-secret"},
        three);
    REQUIRE(tokens);
    auto first = (*tokens)->token();
    REQUIRE(first);
    auto failed = (*tokens)->refresh(first->access_token);
    REQUIRE_FALSE(failed);
    CHECK(failed.error().code == ErrorCode::kHttp);  // transient: not a refused login
    CHECK(failed.error().http_status == 503);
    emu::FaultOptions deny;
    deny.refresh_deny = true;
    server->set_faults(deny);
    auto again = (*tokens)->token();  // the first grant under the new faults
    REQUIRE(again);
    auto refused = (*tokens)->refresh(again->access_token);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::kUnauthorized);
    CHECK(refused.error().message.find("invalid_grant") != std::string::npos);
    CHECK(refused.error().message.find("re-authenticate (client credentials)") != std::string::npos);
    CHECK(refused.error().message.find("acme-responder-secret") == std::string::npos);
    CHECK(refused.error().message.find(again->access_token) == std::string::npos);
  }
}

}  // namespace sfrewind::auth
