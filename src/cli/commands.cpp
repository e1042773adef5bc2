// Registers the subcommands, in the order --help lists them.
#include "cli/commands.hpp"

namespace sfrewind::cli {

void register_commands(Registry& registry) {
  (void)registry;
}

}  // namespace sfrewind::cli
