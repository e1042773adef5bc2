// Turning the org options (flags, environment, config) into a token source for the API.
#pragma once

#include <memory>

#include <sfrewind/api/rest_client.hpp>
#include <sfrewind/auth/token_provider.hpp>

#include "cli/app.hpp"

namespace sfrewind::cli {

struct Connection {
  std::shared_ptr<auth::TokenProvider> tokens;
  api::RestOptions rest;
};

// Chooses the login way from the options: access token, sf CLI alias, JWT bearer or client
// credentials. Errors: kInvalidArgument when none is complete or an option is bad.
Result<Connection> connect(Context& ctx, OrgOptions org);

// A RestClient on a connection.
Result<api::RestClient> rest_client(const Connection& connection);

}  // namespace sfrewind::cli
