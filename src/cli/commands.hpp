// The list of subcommands: each cmd_*.cpp defines its register_* functions.
#pragma once

#include "cli/app.hpp"

namespace sfrewind::cli {

// Registers every subcommand that works, in the order --help lists them.
void register_commands(Registry& registry);

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
