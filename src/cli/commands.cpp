// Registers the subcommands, in the order --help lists them.
#include "cli/commands.hpp"

namespace sfrewind::cli {

void register_commands(Registry& registry) {
  register_org(registry);
  register_users(registry);
  register_sync(registry);
  register_snapshot(registry);
  register_timeline(registry);
  register_changes(registry);
  register_plan(registry);
  register_apply(registry);
  register_report(registry);
}

}  // namespace sfrewind::cli
