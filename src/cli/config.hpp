// The config file: `key = value` lines, `#` comments. Read by the CLI only.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include <sfrewind/error.hpp>

namespace sfrewind::cli {

// Keys a config file may hold.
inline constexpr const char* kConfigKeys[] = {
    "instance_url", "login_url", "client_id", "client_secret", "jwt_key", "username",
    "target_org",   "api_version", "store",   "objects",       "fields",  "jobs",
    "batch_size",   "api_budget"};

using Config = std::map<std::string, std::string>;

// Parses config text; `path` only names the file in errors. Errors (kInvalidArgument): a line
// that is not `key = value`, an unknown or repeated key.
Result<Config> parse_config(std::string_view text, const std::string& path);

// Reads `path`. Errors (kInvalidArgument): unreadable file, a line that is not `key = value`,
// an unknown or repeated key, a file holding client_secret that group or others can read.
Result<Config> load_config(const std::string& path);

}  // namespace sfrewind::cli
