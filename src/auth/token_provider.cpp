// TokenProvider: the login ways, the OAuth token endpoint and refresh-after-401.
#include <sfrewind/auth/token_provider.hpp>

#include <charconv>
#include <chrono>

#include <fmt/format.h>

#include <sfrewind/api/records.hpp>

#include "auth/sf_cli.hpp"

namespace sfrewind::auth {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

std::string trim_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// Replaces every occurrence of each secret in `text` (a server may echo what it was sent).
std::string scrub(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& s : secrets) {
    if (s.size() < 4) continue;
    for (std::size_t p = text.find(s); p != std::string::npos; p = text.find(s, p)) {
      text.replace(p, s.size(), "[redacted]");
    }
  }
  return text;
}

std::optional<Timestamp> parse_issued_at(const std::string& text) {
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n <= 0) return std::nullopt;
  return Timestamp(text.size() >= 13 ? n : n * 1000);  // ms (13 digits) or seconds
}

// The last two path segments of the identity URL https://host/id/<org>/<user>.
void ids_from_identity(const std::string& id_url, Token& token) {
  std::size_t last = id_url.rfind('/');
  if (last == std::string::npos || last == 0) return;
  std::size_t before = id_url.rfind('/', last - 1);
  if (before == std::string::npos) return;
  token.user_id = id_url.substr(last + 1);
  token.org_id = id_url.substr(before + 1, last - before - 1);
}

Result<Token> token_from_response(const http::Response& r, const std::string& endpoint,
                                  const std::vector<std::string>& secrets) {
  auto body = api::decode_record(r.body);
  if (r.status >= 500) {  // still down after the HTTP layer's retries: not a refusal
    Error e = make_error(ErrorCode::kHttp, fmt::format("login failed: {} answered HTTP {}; try "
                                                       "again later",
                                                       endpoint, r.status));
    e.http_status = r.status;
    return e;
  }
  if (r.status != 200 || !body || !body->find("access_token")) {
    std::string why = fmt::format("HTTP {}", r.status);
    if (body && body->find("error")) {
      why = body->text("error");
      if (!body->text("error_description").empty()) why += ": " + body->text("error_description");
    }
    Error e = make_error(ErrorCode::kUnauthorized,
                         "login refused by " + endpoint + ": " + scrub(why, secrets));
    e.http_status = r.status;
    if (body) e.api_code = scrub(body->text("error"), secrets);
    return e;
  }
  Token t;
  t.access_token = body->text("access_token");
  t.instance_url = trim_slash(body->text("instance_url"));
  t.refresh_token = body->text("refresh_token");
  t.issued_at = parse_issued_at(body->text("issued_at"));
  ids_from_identity(body->text("id"), t);
  if (t.instance_url.empty()) {
    return make_error(ErrorCode::kParse, "token response from " + endpoint + " has no instance_url");
  }
  return t;
}

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status check_login_url(const std::string& url, std::string_view what) {
  if (url.empty()) return make_error(ErrorCode::kInvalidArgument, std::string(what) + " is missing");
  return http::check_url_allowed(url);
}

Status validate(const AuthConfig& config) {
  return std::visit(
      Overloaded{
          [](const StaticTokenConfig& c) -> Status {
            if (c.access_token.empty()) {
              return make_error(ErrorCode::kInvalidArgument, "the access token is empty");
            }
            return check_login_url(c.instance_url, "the instance URL");
          },
          [](const SfCliConfig& c) -> Status {
            if (c.target_org.empty()) {
              return make_error(ErrorCode::kInvalidArgument, "--target-org is empty");
            }
            return ok();
          },
          [](const ClientCredentialsConfig& c) -> Status {
            if (c.client_id.empty() || c.client_secret.empty()) {
              return make_error(ErrorCode::kInvalidArgument,
                                "client credentials need a client id and a client secret");
            }
            return check_login_url(c.login_url, "the login URL");
          },
          [](const JwtBearerConfig& c) -> Status {
            if (c.client_id.empty() || c.username.empty() || c.key_file.empty()) {
              return make_error(ErrorCode::kInvalidArgument,
                                "JWT bearer needs a client id, a username and a key file");
            }
            return check_login_url(c.login_url, "the login URL");
          },
          [](const RefreshTokenConfig& c) -> Status {
            if (c.client_id.empty() || c.refresh_token.empty()) {
              return make_error(ErrorCode::kInvalidArgument,
                                "the refresh token flow needs a client id and a refresh token");
            }
            return check_login_url(c.login_url, "the login URL");
          },
      },
      config);
}

// POSTs a form to <login_url>/services/oauth2/token and decodes the token.
Result<Token> post_token(const http::HttpOptions& options, const std::string& login_url,
                         const std::vector<std::pair<std::string, std::string>>& form,
                         const std::vector<std::string>& secrets) {
  auto client = http::HttpClient::make(options);
  if (!client) return client.error();
  http::Request req;
  req.method = http::Method::kPost;
  req.url = trim_slash(login_url) + "/services/oauth2/token";
  req.replay_safe = true;  // a second token grant is harmless
  req.headers.set("Content-Type", "application/x-www-form-urlencoded");
  req.headers.set("Accept", "application/json");
  req.body = http::form_encode(form);
  auto r = client->send(req);
  if (!r) {
    Error e = r.error();
    e.message = scrub(e.message, secrets);
    return with_context(std::move(e), "login");
  }
  return token_from_response(*r, req.url, secrets);
}

// Fills the org and user ids of a token that came without an identity URL (a static token, an
// sf CLI login) from /services/oauth2/userinfo.
Status fill_identity(const http::HttpOptions& options, Token& token) {
  auto client = http::HttpClient::make(options);
  if (!client) return client.error();
  http::Request req;
  req.url = token.instance_url + "/services/oauth2/userinfo";
  req.headers.set("Authorization", "Bearer " + token.access_token);
  req.headers.set("Accept", "application/json");
  auto r = client->send(req);
  if (!r) return with_context(r.error(), "userinfo");
  auto body = api::decode_record(r->body);
  if (r->status != 200 || !body || body->text("user_id").empty()) {
    Error e = make_error(ErrorCode::kUnauthorized,
                         fmt::format("the access token was rejected by {} (HTTP {})", req.url,
                                     r->status));
    e.http_status = r->status;
    return e;
  }
  auto user = RecordId::parse(body->text("user_id"));
  auto org = RecordId::parse(body->text("organization_id"));
  if (!user || !org) return make_error(ErrorCode::kParse, "userinfo: bad user or org id");
  token.user_id = user->str();
  token.org_id = org->str();
  return ok();
}

}  // namespace

TokenProvider::TokenProvider(AuthConfig config, http::HttpOptions http)
    : config_(std::move(config)), http_options_(std::move(http)) {}
TokenProvider::~TokenProvider() = default;

Result<std::shared_ptr<TokenProvider>> TokenProvider::make(AuthConfig config,
                                                           http::HttpOptions http) {
  if (auto s = validate(config); !s) return s.error();
  return std::make_shared<TokenProvider>(std::move(config), std::move(http));
}

std::string_view TokenProvider::source_name() const {
  return std::visit(Overloaded{
                        [](const StaticTokenConfig&) { return std::string_view("access token"); },
                        [](const SfCliConfig&) { return std::string_view("sf cli"); },
                        [](const ClientCredentialsConfig&) {
                          return std::string_view("client credentials");
                        },
                        [](const JwtBearerConfig&) { return std::string_view("jwt bearer"); },
                        [](const RefreshTokenConfig&) { return std::string_view("refresh token"); },
                    },
                    config_);
}

Result<Token> TokenProvider::login_locked() {
  Result<Token> t = std::visit(
      Overloaded{
          [](const StaticTokenConfig& c) -> Result<Token> {
            Token tok;
            tok.access_token = c.access_token;
            tok.instance_url = trim_slash(c.instance_url);
            return tok;
          },
          [](const SfCliConfig& c) -> Result<Token> { return sf_cli_login(c); },
          [this](const ClientCredentialsConfig& c) -> Result<Token> {
            return post_token(http_options_, c.login_url,
                              {{"grant_type", "client_credentials"},
                               {"client_id", c.client_id},
                               {"client_secret", c.client_secret}},
                              {c.client_secret});
          },
          [this](const JwtBearerConfig& c) -> Result<Token> {
            auto assertion = make_jwt_assertion(c, now_seconds());
            if (!assertion) return assertion.error();
            return post_token(http_options_, c.login_url,
                              {{"grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"},
                               {"assertion", *assertion}},
                              {*assertion});
          },
          [this](RefreshTokenConfig& c) -> Result<Token> {
            std::vector<std::pair<std::string, std::string>> form = {
                {"grant_type", "refresh_token"},
                {"refresh_token", c.refresh_token},
                {"client_id", c.client_id}};
            if (!c.client_secret.empty()) form.emplace_back("client_secret", c.client_secret);
            auto tok = post_token(http_options_, c.login_url, form, {c.refresh_token, c.client_secret});
            if (tok && !tok->refresh_token.empty()) c.refresh_token = tok->refresh_token;  // rotation
            return tok;
          },
      },
      config_);
  if (!t && had_session_ && t.error().code == ErrorCode::kUnauthorized) {
    // The session ran out mid-run and the credential no longer works: only a person can fix
    // it. Whichever call (a refresh, or another connection's next call) meets it says so.
    Error e = t.error();
    e.message = fmt::format("the session expired and a new one was refused ({}): re-authenticate "
                            "({})",
                            e.message, source_name());
    return e;
  }
  if (!t) return t.error();
  if (auto s = http::check_url_allowed(t->instance_url); !s) {
    return with_context(s.error(), "instance URL from " + std::string(source_name()));
  }
  current_ = *t;
  had_session_ = true;
  return t;
}

Result<Token> TokenProvider::token() {
  std::lock_guard<std::mutex> lock(mu_);
  if (current_) return *current_;
  return login_locked();
}

Result<Token> TokenProvider::identity() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!current_) {
    auto t = login_locked();
    if (!t) return t.error();
  }
  if (current_->user_id.empty() || current_->org_id.empty()) {
    if (auto s = fill_identity(http_options_, *current_); !s) return s.error();
  }
  return *current_;
}

Result<Token> TokenProvider::refresh(std::string_view rejected_access_token) {
  std::lock_guard<std::mutex> lock(mu_);
  if (current_ && current_->access_token != rejected_access_token) return *current_;
  if (std::holds_alternative<StaticTokenConfig>(config_)) {
    return make_error(ErrorCode::kUnauthorized,
                      "the access token was rejected (expired or revoked); get a new one");
  }
  current_.reset();
  return login_locked();
}

}  // namespace sfrewind::auth
