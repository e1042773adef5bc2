// OAuth endpoints: token (client_credentials, JWT bearer with RS256, refresh_token, password),
// userinfo, revoke and the identity URL. Every grant writes a LoginHistory row.
#include <memory>

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <sfrewind/types.hpp>

#include "emu/impl.hpp"

namespace sfrewind::emu {
namespace {

Resp oauth_error(std::string_view code, std::string_view description) {
  JsonWriter w;
  w.begin_object();
  w.kv("error", code);
  w.kv("error_description", description);
  w.end_object();
  return json_resp(400, w.take());
}

std::string base64(const unsigned char* data, std::size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  out.resize(static_cast<std::size_t>(len));
  return out;
}

bool base64url_decode(std::string_view in, std::string* out) {
  std::string s(in);
  for (char& c : s) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
  }
  while (s.size() % 4) s += '=';
  std::string buf(s.size(), '\0');
  int len = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(buf.data()),
                            reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  if (len < 0) return false;
  std::size_t pad = 0;
  for (std::size_t i = s.size(); i > 0 && s[i - 1] == '='; --i) ++pad;
  buf.resize(static_cast<std::size_t>(len) - pad);
  *out = std::move(buf);
  return true;
}

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

Pkey public_key(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  if (!bio) return nullptr;
  if (pem.find("BEGIN CERTIFICATE") != std::string::npos) {
    std::unique_ptr<X509, decltype(&X509_free)> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
    return cert ? Pkey(X509_get_pubkey(cert.get())) : nullptr;
  }
  return Pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
}

bool verify_rs256(const std::string& pem, std::string_view signed_part, const std::string& sig) {
  Pkey key = public_key(pem);
  if (!key) return false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                          reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size()) == 1;
}

}  // namespace

Resp Server::Impl::token_grant(std::uint32_t user, const std::string& app, bool with_refresh,
                               const std::string& secret) {
  std::string token = new_token();
  std::int64_t now = now_ms();
  tokens[token] = TokenInfo{user, now + static_cast<std::int64_t>(opts.token_ttl_s) * 1000, 0, app};
  add_login(org, user, now, app, "Success");
  std::string id_url = fmt::format("{}/id/{}/{}", base_url(), org.org_id, org.user_id(user));
  std::string issued = std::to_string(now);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  std::string signed_text = id_url + issued;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac, &mac_len);
  JsonWriter w;
  w.begin_object();
  w.kv("access_token", token);
  if (with_refresh) {
    std::string refresh = "5Aep" + new_token().substr(19, 60);
    refresh_tokens[refresh] = org.username(user);
    w.kv("refresh_token", refresh);
  }
  w.kv("signature", base64(mac, mac_len));
  w.kv("scope", with_refresh ? "refresh_token api" : "api");
  w.kv("instance_url", base_url());
  w.kv("id", id_url);
  w.kv("token_type", "Bearer");
  w.kv("issued_at", issued);
  w.end_object();
  return json_resp(200, w.take());
}

Resp Server::Impl::oauth_token(const Req& req) {
  if (req.method != "POST") return oauth_error("invalid_request", "must use HTTP POST");
  auto form = parse_form(req.body);
  std::string grant = form["grant_type"];
  std::string client_id = form["client_id"], secret = form["client_secret"];
  auto auth = req.headers.find("Authorization");
  if (auth != req.headers.end() && auth->second.rfind("Basic ", 0) == 0) {
    std::string decoded;
    std::string b64 = auth->second.substr(6);
    for (char& c : b64) {
      if (c == '+') c = '-';
      else if (c == '/') c = '_';
    }
    if (base64url_decode(b64, &decoded)) {
      client_id = decoded.substr(0, decoded.find(':'));
      secret = decoded.find(':') == std::string::npos ? "" : decoded.substr(decoded.find(':') + 1);
    }
  }
  const ConnectedApp* app = nullptr;
  for (const auto& a : org.apps) {
    if (a.client_id == client_id) app = &a;
  }
  auto usable = [&](int u) {
    if (u < 0) return false;
    const Table& t = org.tables[static_cast<std::size_t>(org.table("User"))];
    if (t.rows[static_cast<std::size_t>(u)].v[static_cast<std::size_t>(t.def.field("IsActive"))].text != "true") return false;
    const Table& logins = org.tables[static_cast<std::size_t>(org.table("UserLogin"))];
    std::string uid = org.user_id(static_cast<std::uint32_t>(u));
    for (const auto& r : logins.rows) {
      if (r.v[static_cast<std::size_t>(logins.def.field("UserId"))].text == uid &&
          r.v[static_cast<std::size_t>(logins.def.field("IsFrozen"))].text == "true") {
        return false;
      }
    }
    return true;
  };
  if (grant == "client_credentials") {
    if (!app) return oauth_error("invalid_client_id", "client identifier invalid");
    if (app->client_secret != secret) return oauth_error("invalid_grant", "authentication failure");
    int u = org.user_row(app->run_as);
    if (u < 0) return oauth_error("invalid_grant", "no client credentials user enabled");
    if (!usable(u)) {
      add_login(org, static_cast<std::uint32_t>(u), now_ms(), app->name, "Failed: User is inactive or frozen");
      return oauth_error("invalid_grant", "user is inactive or frozen");
    }
    return token_grant(static_cast<std::uint32_t>(u), app->name, false, secret);
  }
  if (grant == "refresh_token") {
    std::string username;
    if (auto it = refresh_tokens.find(form["refresh_token"]); it != refresh_tokens.end()) username = it->second;
    for (const auto& g : org.refresh_grants) {
      if (g.token == form["refresh_token"] && g.client_id == client_id) username = g.username;
    }
    if (username.empty() || !app || (!secret.empty() && secret != app->client_secret)) {
      return oauth_error("invalid_grant", "expired access/refresh token");
    }
    int u = org.user_row(username);
    if (!usable(u)) return oauth_error("invalid_grant", "expired access/refresh token");
    return token_grant(static_cast<std::uint32_t>(u), app->name, false, app->client_secret);
  }
  if (grant == "urn:ietf:params:oauth:grant-type:jwt-bearer") return jwt_grant(form);
  return oauth_error("unsupported_grant_type", "grant type not supported");
}

Resp Server::Impl::jwt_grant(const std::map<std::string, std::string>& form) {
  auto it = form.find("assertion");
  std::string assertion = it == form.end() ? "" : it->second;
  auto d1 = assertion.find('.');
  auto d2 = d1 == std::string::npos ? d1 : assertion.find('.', d1 + 1);
  std::string header, payload, sig;
  if (d2 == std::string::npos || !base64url_decode(assertion.substr(0, d1), &header) ||
      !base64url_decode(assertion.substr(d1 + 1, d2 - d1 - 1), &payload) ||
      !base64url_decode(assertion.substr(d2 + 1), &sig)) {
    return oauth_error("invalid_grant", "invalid assertion");
  }
  auto h = Json::parse(header);
  auto p = Json::parse(payload);
  if (!h || !p || h->str("alg") != "RS256") return oauth_error("invalid_grant", "invalid assertion");
  const ConnectedApp* app = nullptr;
  for (const auto& a : org.apps) {
    if (a.client_id == p->str("iss")) app = &a;
  }
  if (!app) return oauth_error("invalid_client_id", "client identifier invalid");
  if (app->certificate_pem.empty() ||
      !verify_rs256(app->certificate_pem, std::string_view(assertion).substr(0, d2), sig)) {
    return oauth_error("invalid_grant", "invalid assertion");
  }
  std::string aud = p->str("aud");
  if (aud != "https://login.salesforce.com" && aud != "https://test.salesforce.com" && aud != base_url()) {
    return oauth_error("invalid_grant", "audience is invalid");
  }
  const Json* exp = p->find("exp");
  if (!exp || exp->as_int() * 1000 + 180000 < now_ms()) {
    return oauth_error("invalid_grant", "expired authorization code");
  }
  int u = org.user_row(p->str("sub"));
  if (u < 0) return oauth_error("invalid_grant", "user hasn't approved this consumer");
  return token_grant(static_cast<std::uint32_t>(u), app->name, false, app->client_secret);
}

Resp Server::Impl::oauth_userinfo(const Req& req) {
  Resp fail;
  auto s = authenticate(req, &fail);
  if (!s) return json_resp(403, "Bad_OAuth_Token");
  int ut = org.table("User");
  const Table& t = org.tables[static_cast<std::size_t>(ut)];
  const Record& r = t.rows[s->user];
  auto f = [&](const char* name) { return r.v[static_cast<std::size_t>(t.def.field(name))].text; };
  JsonWriter w;
  w.begin_object();
  w.kv("sub", fmt::format("{}/id/{}/{}", base_url(), org.org_id, f("Id")));
  w.kv("user_id", f("Id"));
  w.kv("organization_id", org.org_id);
  w.kv("preferred_username", f("Username"));
  w.kv("nickname", f("Alias"));
  w.kv("name", f("Name"));
  w.kv("email", f("Email"));
  w.kv_bool("email_verified", true);
  w.kv("given_name", f("FirstName"));
  w.kv("family_name", f("LastName"));
  w.kv("zoneinfo", "GMT");
  w.kv_bool("active", f("IsActive") == "true");
  w.kv("user_type", "STANDARD");
  w.kv("language", "en_US");
  w.kv("locale", "en_US");
  w.kv_int("utcOffset", 0);
  w.end_object();
  return json_resp(200, w.take());
}

Resp Server::Impl::identity(const Req& req, const std::string& rest) {
  Resp r = oauth_userinfo(req);
  (void)rest;
  return r;
}

Resp Server::Impl::oauth_revoke(const Req& req) {
  std::string token = req.param("token");
  if (token.empty()) token = parse_form(req.body)["token"];
  if (tokens.erase(token) || refresh_tokens.erase(token)) {
    Resp r = json_resp(200, "");
    r.no_body = true;
    return r;
  }
  return oauth_error("invalid_token", "invalid token");
}

}  // namespace sfrewind::emu
