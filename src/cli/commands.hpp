// The list of subcommands: each cmd_*.cpp defines its register_* functions.
#pragma once

#include <string_view>

#include "cli/app.hpp"

namespace sfrewind::cli {

// Registers every subcommand that works, in the order --help lists them.
void register_commands(Registry& registry);
// Registers the subcommand `name` (with any registered beside it); nothing when there is none.
void register_command(Registry& registry, std::string_view name);
// Whether `name` is a subcommand.
bool is_command(std::string_view name);

void register_org(Registry& registry);       // org, discover
void register_users(Registry& registry);     // users, logins
void register_sync(Registry& registry);      // sync
void register_snapshot(Registry& registry);  // snapshot
void register_timeline(Registry& registry);  // timeline
void register_changes(Registry& registry);   // changes
void register_plan(Registry& registry);      // plan
void register_apply(Registry& registry);     // apply, verify
void register_report(Registry& registry);    // report

}  // namespace sfrewind::cli
