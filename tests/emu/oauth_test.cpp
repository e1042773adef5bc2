// OAuth flows of sfrewind-emu: client credentials, JWT bearer, refresh, revoke, chunked bodies.
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <fstream>
#include <sstream>

#include <doctest/doctest.h>

#include "emu_fixture.hpp"

namespace sfrewind::emu {
namespace {

std::string b64url(const std::string& in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    else if (c == '/') c = '_';
  }
  return out;
}

std::string sign_rs256(const std::string& data) {
  std::ifstream in(std::string(SFREWIND_SOURCE_DIR) + "/samples/orgs/acme-responder-jwt.TEST-ONLY.key");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string pem = ss.str();
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  REQUIRE(key);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key);
  std::size_t len = 0;
  EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  std::string sig(len, '\0');
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                 reinterpret_cast<const unsigned char*>(data.data()), data.size());
  sig.resize(len);
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return sig;
}

std::string jwt(const std::string& sub, const std::string& aud, bool corrupt) {
  std::string head = b64url(R"({"alg":"RS256"})");
  std::string body = b64url(R"({"iss":"acme-responder-app","sub":")" + sub + R"(","aud":")" + aud +
                            R"(","exp":)" + std::to_string(time(nullptr) + 180) + "}");
  std::string sig = sign_rs256(head + "." + body);
  if (corrupt) sig[10] = static_cast<char>(sig[10] ^ 0x55);
  return head + "." + body + "." + b64url(sig);
}

httplib::Result token(test::Emu& emu, const std::string& form) {
  return emu.client->Post("/services/oauth2/token", form, "application/x-www-form-urlencoded");
}

TEST_SUITE("emu") {

TEST_CASE("client credentials give a token for the run-as user and a LoginHistory row") {
  test::Emu emu;
  auto r = token(emu, "grant_type=client_credentials&client_id=acme-accounting-app&client_secret=acme-accounting-secret");
  REQUIRE(r);
  CHECK(r->status == 200);
  Json j = test::parse(r);
  for (const char* k : {"access_token", "instance_url", "id", "token_type", "issued_at", "signature"}) {
    CHECK_MESSAGE(!j.str(k).empty(), k);
  }
  std::string t = j.str("access_token");
  CHECK(t.substr(0, 16) == "00D5g00000ACME1!");
  auto who = emu.client->Get("/services/oauth2/userinfo", {{"Authorization", "Bearer " + t}});
  CHECK(test::parse(who).str("preferred_username") == "integration.accounting@acme.example");
  Json logins = test::parse(emu.query("SELECT COUNT() FROM LoginHistory WHERE Application = 'acme-accounting-app'"));
  CHECK(logins.find("totalSize")->as_int() == 3);
}

TEST_CASE("a bad client secret is a 400 invalid_grant and the token must be valid to call the API") {
  test::Emu emu;
  auto r = token(emu, "grant_type=client_credentials&client_id=acme-accounting-app&client_secret=wrong");
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(test::parse(r).str("error") == "invalid_grant");
  auto api = emu.get("limits", "not-a-token");
  REQUIRE(api);
  CHECK(api->status == 401);
  CHECK(test::parse(api).items()[0].str("errorCode") == "INVALID_SESSION_ID");
}

TEST_CASE("a chunked token request body is read") {
  test::Emu emu;
  std::string form = "grant_type=client_credentials&client_id=acme-responder-app&client_secret=acme-responder-secret";
  auto r = emu.client->Post(
      "/services/oauth2/token",
      [&](std::size_t offset, httplib::DataSink& sink) {
        if (offset == 0) sink.write(form.data(), 20);
        if (offset == 20) sink.write(form.data() + 20, form.size() - 20);
        if (offset >= form.size()) sink.done();
        return true;
      },
      "application/x-www-form-urlencoded");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(test::parse(r).str("access_token").size() > 20);
}

TEST_CASE("JWT bearer accepts a signed assertion and rejects a bad signature or audience") {
  test::Emu emu;
  std::string grant = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=";
  auto good = token(emu, grant + jwt("responder@acme.example", "https://login.salesforce.com", false));
  REQUIRE(good);
  CHECK(good->status == 200);
  CHECK_FALSE(test::parse(good).str("access_token").empty());
  auto bad = token(emu, grant + jwt("responder@acme.example", "https://login.salesforce.com", true));
  CHECK(bad->status == 400);
  CHECK(test::parse(bad).str("error") == "invalid_grant");
  auto aud = token(emu, grant + jwt("responder@acme.example", "https://evil.example", false));
  CHECK(test::parse(aud).str("error_description") == "audience is invalid");
}

TEST_CASE("refresh tokens renew access and expired tokens are refused") {
  ServerOptions o;
  o.token_ttl_s = 0;
  test::Emu emu(o);
  auto r = token(emu, "grant_type=refresh_token&refresh_token=acme-responder-refresh-TEST-ONLY&client_id=acme-responder-app&client_secret=acme-responder-secret");
  REQUIRE(r);
  CHECK(r->status == 200);
  std::string t = test::parse(r).str("access_token");
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(emu.get("limits", t)->status == 401);
  auto bad = token(emu, "grant_type=refresh_token&refresh_token=nope&client_id=acme-responder-app");
  CHECK(test::parse(bad).str("error") == "invalid_grant");
}

TEST_CASE("revoking a token ends its session") {
  test::Emu emu;
  auto r = token(emu, "grant_type=client_credentials&client_id=acme-responder-app&client_secret=acme-responder-secret");
  std::string t = test::parse(r).str("access_token");
  CHECK(emu.get("limits", t)->status == 200);
  auto rv = emu.client->Post("/services/oauth2/revoke", "token=" + httplib::detail::encode_query_param(t),
                             "application/x-www-form-urlencoded");
  CHECK(rv->status == 200);
  CHECK(emu.get("limits", t)->status == 401);
}

}  // TEST_SUITE

}  // namespace
}  // namespace sfrewind::emu
