// Running the sf CLI without a shell and reading its --json output (private to src/auth).
#pragma once

#include <string>
#include <vector>

#include <sfrewind/auth/token_provider.hpp>

namespace sfrewind::auth {

// Logs in through `sf org display` + `sf org auth show-access-token`.
// Errors: kInvalidArgument (sf not found, bad alias), kUnauthorized (sf reported an error),
// kParse (unreadable output).
Result<Token> sf_cli_login(const SfCliConfig& config);

}  // namespace sfrewind::auth
