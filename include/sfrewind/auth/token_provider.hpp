// TokenProvider: obtains and refreshes an access token from one of the supported login ways.
#pragma once

#include <memory>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <sfrewind/error.hpp>
#include <sfrewind/http/client.hpp>
#include <sfrewind/types.hpp>

namespace sfrewind::auth {

// A session. Holds secrets: never print, log, store or put any of it into an Error.
struct Token {
  std::string access_token;
  std::string instance_url;  // https://mydomain.my.salesforce.com, no trailing slash
  std::string org_id;        // from the identity URL's last-but-one segment; may be empty
  std::string user_id;       // from the identity URL's last segment; may be empty
  std::optional<Timestamp> issued_at;
  std::string refresh_token;  // only when the flow issued one
};

// An access token and instance URL given directly (flags or SF_ACCESS_TOKEN/SF_INSTANCE_URL,
// read by the CLI). It cannot be refreshed.
struct StaticTokenConfig {
  std::string access_token;
  std::string instance_url;
};

// Reuses an sf CLI login: `sf org display --target-org ALIAS --json` for the instance URL and
// `sf org auth show-access-token --target-org ALIAS --json` for the token. Refresh re-runs them.
struct SfCliConfig {
  std::string target_org;
  std::string program = "sf";
  // Directories to search for `program`, ':'-separated; nullopt = the PATH environment variable.
  std::optional<std::string> search_path;
};

// OAuth 2.0 client credentials against `login_url` (the org's My Domain URL).
struct ClientCredentialsConfig {
  std::string login_url;
  std::string client_id;
  std::string client_secret;
};

// OAuth 2.0 JWT bearer: an RS256 assertion {iss=client_id, sub=username, aud, exp=now+180}
// signed with the PEM private key in `key_file`, posted to `login_url`.
struct JwtBearerConfig {
  std::string login_url;
  std::string client_id;
  std::string username;
  std::string key_file;
  std::string audience;  // empty = login_url
};

// OAuth 2.0 refresh_token grant for a refresh token issued earlier.
struct RefreshTokenConfig {
  std::string login_url;
  std::string client_id;
  std::string client_secret;  // optional
  std::string refresh_token;
};

using AuthConfig = std::variant<StaticTokenConfig, SfCliConfig, ClientCredentialsConfig,
                                JwtBearerConfig, RefreshTokenConfig>;

// Hands out the current token and gets a new one when the API rejects it.
// Thread-safety: all methods are thread-safe (one mutex); share one provider between clients
// through std::shared_ptr.
class TokenProvider {
 public:
  // Validates the configuration (kInvalidArgument naming the missing or bad item, e.g. an
  // http:// login URL to a non-loopback host). No network call is made yet.
  static Result<std::shared_ptr<TokenProvider>> make(AuthConfig config,
                                                     http::HttpOptions http = {});

  // The current token, logging in on first use.
  // Errors: kUnauthorized (the login was refused, with Salesforce's description), kHttp (the
  // token endpoint answered 5xx after the retries),
  // kInvalidArgument (sf not found, unreadable key file), kTransport/kTimeout, kParse.
  Result<Token> token();

  // The current token with its org and user ids, asking /services/oauth2/userinfo once when
  // the login did not say (a static token, an sf CLI login). Errors as token(), plus
  // kUnauthorized when userinfo rejects the token.
  Result<Token> identity();

  // Gets a new token after the API rejected `rejected_access_token` (HTTP 401). When another
  // caller has already replaced that token, returns the replacement without a login.
  // A static token cannot be refreshed: kUnauthorized. A refused login is kUnauthorized with a
  // message that says to re-authenticate; a token endpoint still down (5xx) after the HTTP
  // retries is kHttp with http_status set (transient: a later call may log in).
  Result<Token> refresh(std::string_view rejected_access_token);

  // "access token", "sf cli", "client credentials", "jwt bearer" or "refresh token".
  std::string_view source_name() const;

  TokenProvider(AuthConfig config, http::HttpOptions http);
  TokenProvider(const TokenProvider&) = delete;
  TokenProvider& operator=(const TokenProvider&) = delete;
  ~TokenProvider();

 private:
  Result<Token> login_locked();

  AuthConfig config_;
  http::HttpOptions http_options_;
  std::mutex mu_;
  std::optional<Token> current_;
  bool had_session_ = false;  // a login worked before: a refusal now means the session ended
};

// Makes a JWT bearer assertion (header.claims.signature, base64url, RS256) from a PEM private
// key. `now_s` is the current Unix time in seconds.
// Errors: kInvalidArgument (key file unreadable or not an RSA private key).
Result<std::string> make_jwt_assertion(const JwtBearerConfig& config, std::int64_t now_s);

}  // namespace sfrewind::auth
