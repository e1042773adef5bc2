// Login way selection and HTTP options for commands that talk to an org.
#include "cli/connect.hpp"

#include <cctype>
#include <iostream>
#include <mutex>

#include "cli/common.hpp"

namespace sfrewind::cli {
namespace {

void fill(std::string& field, const Config& config, const char* key) {
  if (!field.empty()) return;
  if (auto it = config.find(key); it != config.end()) field = it->second;
}

void apply_config(OrgOptions& org, const Config& config) {
  fill(org.instance_url, config, "instance_url");
  fill(org.login_url, config, "login_url");
  fill(org.client_id, config, "client_id");
  fill(org.client_secret, config, "client_secret");
  fill(org.jwt_key, config, "jwt_key");
  fill(org.username, config, "username");
  fill(org.target_org, config, "target_org");
  if (auto it = config.find("api_version"); !org.api_version_given && it != config.end()) {
    org.api_version = it->second;
  }
}

// `NN.N` with a major version Salesforce still serves (20 and up), as the URL path needs it.
bool valid_api_version(const std::string& v) {
  auto dot = v.find('.');
  if (dot < 2 || dot > 3 || v.size() != dot + 2) return false;
  if (v.find_first_not_of("0123456789", 0) != dot || !std::isdigit(static_cast<unsigned char>(v.back()))) {
    return false;
  }
  return std::stoi(v.substr(0, dot)) >= 20;
}

Result<auth::AuthConfig> choose(const OrgOptions& org) {
  if (!org.access_token.empty()) {
    if (org.instance_url.empty()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "--access-token needs --instance-url (or SF_INSTANCE_URL)");
    }
    return auth::AuthConfig(auth::StaticTokenConfig{org.access_token, org.instance_url});
  }
  if (!org.target_org.empty()) return auth::AuthConfig(auth::SfCliConfig{org.target_org, "sf", std::nullopt});
  std::string login = !org.login_url.empty() ? org.login_url : org.instance_url;
  if (!org.jwt_key.empty()) {
    if (org.username.empty() || org.client_id.empty() || login.empty()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "--jwt-key needs --username, --client-id and --login-url");
    }
    return auth::AuthConfig(auth::JwtBearerConfig{login, org.client_id, org.username, org.jwt_key, ""});
  }
  if (!org.refresh_token.empty()) {
    if (org.client_id.empty() || login.empty()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "--refresh-token needs --client-id and --login-url");
    }
    return auth::AuthConfig(
        auth::RefreshTokenConfig{login, org.client_id, org.client_secret, org.refresh_token});
  }
  if (!org.client_id.empty() || !org.client_secret.empty()) {
    if (org.client_id.empty() || org.client_secret.empty() || login.empty()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "client credentials need --client-id, --client-secret and --login-url "
                        "(or --instance-url)");
    }
    return auth::AuthConfig(auth::ClientCredentialsConfig{login, org.client_id, org.client_secret});
  }
  return make_error(ErrorCode::kInvalidArgument,
                    "no credentials: give --access-token with --instance-url, --target-org, "
                    "--client-id with --client-secret, --jwt-key, or --refresh-token");
}

}  // namespace

Result<Connection> connect(Context& ctx, OrgOptions org) {
  apply_config(org, ctx.config);
  if (!valid_api_version(org.api_version)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "invalid --api-version '" + printable(org.api_version) + "': expected e.g. 62.0");
  }
  auto config = choose(org);
  if (!config) return config.error();
  Connection c;
  c.rest.api_version = org.api_version;
  c.rest.http.compress_loopback = false;
  if (ctx.global.verbose > 0) {
    std::ostream* err = &ctx.err;
    auto mu = std::make_shared<std::mutex>();  // sync threads trace concurrently
    c.rest.http.trace = [err, mu](const http::TraceEvent& e) {
      std::lock_guard lock(*mu);
      *err << "sfrewind: " << e.message << "\n";
    };
  }
  auto tokens = auth::TokenProvider::make(std::move(*config), c.rest.http);
  if (!tokens) return tokens.error();
  c.tokens = std::move(*tokens);
  return c;
}

Result<api::RestClient> rest_client(const Connection& connection) {
  return api::RestClient::make(connection.tokens, connection.rest);
}

}  // namespace sfrewind::cli
