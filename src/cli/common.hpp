// Helpers shared by commands: opening the store, splitting lists, resolving users.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
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

// Keeps `object` alive until the process exits; never freed, but reachable (no leak reported).
void keep_until_exit(std::shared_ptr<void> object);

// When the process exits after the command (Context::exits_after), moves `object` out to be
// left to the exit: a plan's 90,000 items and the chains that made them are over a million
// strings, 0.05-0.1 s to free one by one. Otherwise does nothing and its owner frees it. Either
// way `object` is not to be used after.
template <class T>
void leave_to_exit(const Context& ctx, T&& object) {
  if (ctx.exits_after) keep_until_exit(std::make_shared<std::decay_t<T>>(std::forward<T>(object)));
}

}  // namespace sfrewind::cli
