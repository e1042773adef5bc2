// The sfrewind command line: global options, subcommand registry, dispatch and exit codes.
#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <sfrewind/error.hpp>

#include "cli/config.hpp"

namespace sfrewind::cli {

// Exit codes of the command-line contract (DESIGN.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitAttention = 3;
inline constexpr int kExitInternal = 70;

struct GlobalOptions {
  std::string store = "./sfrewind.db";
  std::string config;
  bool json = false;
  bool quiet = false;
  int verbose = 0;
};

// Options of commands that talk to an org.
struct OrgOptions {
  std::string instance_url;
  std::string access_token;
  std::string target_org;
  std::string client_id;
  std::string client_secret;
  std::string jwt_key;
  std::string username;
  std::string login_url;
  std::string refresh_token;
  std::string api_version = "62.0";
  bool api_version_given = false;  // set by --api-version; else the config file may name one
};

// What a command's run function gets: the parsed globals and the output streams.
struct Context {
  GlobalOptions global;
  std::ostream& out;
  std::ostream& err;
  bool out_is_terminal = false;
  bool err_is_terminal = false;
  bool color = false;
  Config config;  // from --config, empty without one
  // Set by the executable (empty in-process, as in tests): called by a command about to build
  // hundreds of MB of short-lived data, to shape the process heap for it.
  std::function<void()> bulk_heap;
  // Set by the executable: the process exits when the command returns, so what the command
  // built may be left to the exit (leave_to_exit in cli/common.hpp) rather than freed.
  bool exits_after = false;
};

// What the executable tells run(); in-process callers (tests) leave it empty.
struct ProcessHooks {
  std::function<void()> bulk_heap;  // becomes Context::bulk_heap
  bool exits_after = false;         // becomes Context::exits_after
};

// One subcommand: its CLI11 node and the function that does its work after parsing.
struct Command {
  CLI::App* app = nullptr;
  std::function<int(Context&)> run;
};

// Collects subcommands while the app is built.
class Registry {
 public:
  explicit Registry(CLI::App& root) : root_(root) {}
  CLI::App& root() { return root_; }
  // Adds a subcommand; `run` is called only when it was the one parsed.
  CLI::App* add(const std::string& name, const std::string& description,
                std::function<int(Context&)> run);
  const std::vector<Command>& commands() const { return commands_; }

 private:
  CLI::App& root_;
  std::vector<Command> commands_;
};

// Adds the org connection options to a subcommand.
void add_org_options(CLI::App& app, OrgOptions& org);

// Prints an error as one line and returns the exit code for it (2 for invalid arguments).
int report_error(Context& ctx, const Error& e);

// Runs the command line. Never throws; returns the process exit code.
int run(int argc, char** argv, std::ostream& out, std::ostream& err, ProcessHooks hooks = {});

}  // namespace sfrewind::cli
