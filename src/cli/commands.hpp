// The list of subcommands: each cmd_*.cpp defines one register_* function.
#pragma once

#include "cli/app.hpp"

namespace sfrewind::cli {

// Registers every subcommand that works. Defined in commands.cpp.
void register_commands(Registry& registry);

}  // namespace sfrewind::cli
