// Helpers shared by commands: opening the store, splitting lists, resolving users.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <sfrewind/api/rest_client.hpp>
#include <sfrewind/store/store.hpp>

#include "cli/app.hpp"

namespace sfrewind::cli {

// Opens the store of --store; prints its warnings on stderr. `create` for commands that write.
Result<Store> open_store(Context& ctx, bool create);

// `text` cut to 80 bytes with control and non-ASCII bytes as '?', for one-line messages.
std::string printable(std::string_view text);

// Splits "a,b, c" into trimmed non-empty items.
std::vector<std::string> split_list(const std::string& text);

// Parses a command-line time (absolute, `now`, `-7d`...), naming the option on error.
Result<Timestamp> parse_time_option(const std::string& option, const std::string& text);

// The 18-char id of a user given as an id or a username, asking the org.
Result<std::string> resolve_user_online(api::RestClient& client, const std::string& key);

}  // namespace sfrewind::cli
