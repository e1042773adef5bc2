// Registers the subcommands, in the order --help lists them.
#include "cli/commands.hpp"

#include <array>

namespace sfrewind::cli {
namespace {

using RegisterFn = void (*)(Registry&);

struct Entry {
  std::string_view command;
  RegisterFn add;  // registers it (and the commands beside it in the same file)
};

// Every command, in the order --help lists them; a function that registers two is listed twice.
constexpr std::array<Entry, 12> kCommands{{
    {"org", register_org},
    {"discover", register_org},
    {"users", register_users},
    {"logins", register_users},
    {"sync", register_sync},
    {"snapshot", register_snapshot},
    {"timeline", register_timeline},
    {"changes", register_changes},
    {"plan", register_plan},
    {"apply", register_apply},
    {"verify", register_apply},
    {"report", register_report},
}};

const Entry* find_command(std::string_view name) {
  for (const Entry& e : kCommands) {
    if (e.command == name) return &e;
  }
  return nullptr;
}

}  // namespace

void register_commands(Registry& registry) {
  RegisterFn last = nullptr;
  for (const Entry& e : kCommands) {
    if (e.add != last) e.add(registry);
    last = e.add;
  }
}

void register_command(Registry& registry, std::string_view name) {
  if (const Entry* e = find_command(name)) e->add(registry);
}

bool is_command(std::string_view name) { return find_command(name) != nullptr; }

}  // namespace sfrewind::cli
