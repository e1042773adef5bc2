// Builds the CLI11 app, parses, dispatches to the chosen command, maps failures to exit codes.
#include "cli/app.hpp"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string_view>

#include <unistd.h>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include <sfrewind/version.hpp>

namespace sfrewind::cli {

CLI::App* Registry::add(const std::string& name, const std::string& description,
                        std::function<int(Context&)> run) {
  CLI::App* sub = root_.add_subcommand(name, description);
  commands_.push_back(Command{sub, std::move(run)});
  return sub;
}

void add_org_options(CLI::App& app, OrgOptions& org) {
  app.add_option("--instance-url", org.instance_url, "Org instance URL")->envname("SF_INSTANCE_URL");
  app.add_option("--access-token", org.access_token, "Access token")->envname("SF_ACCESS_TOKEN");
  app.add_option("--target-org", org.target_org, "Reuse an sf CLI login (alias or username)");
  app.add_option("--client-id", org.client_id, "OAuth client id")->envname("SF_CLIENT_ID");
  app.add_option("--client-secret", org.client_secret, "OAuth client secret")
      ->envname("SF_CLIENT_SECRET");
  app.add_option("--jwt-key", org.jwt_key, "Private key file for the JWT bearer flow");
  app.add_option("--username", org.username, "Username for the JWT bearer flow");
  app.add_option("--login-url", org.login_url, "Login URL for OAuth flows")->envname("SF_LOGIN_URL");
  app.add_option("--refresh-token", org.refresh_token, "OAuth refresh token (with --client-id)")
      ->envname("SF_REFRESH_TOKEN");
  app.add_option("--api-version", org.api_version, "API version")
      ->capture_default_str()
      ->each([&org](const std::string&) { org.api_version_given = true; });
}

int report_error(Context& ctx, const Error& e) {
  std::string message = e.message;  // server messages may span lines; an error is one line
  std::replace_if(message.begin(), message.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  ctx.err << "sfrewind: " << message << "\n";
  switch (e.code) {
    case ErrorCode::kInvalidArgument: return kExitUsage;
    default: return kExitFailed;
  }
}

namespace {

void add_globals(CLI::App& app, GlobalOptions& g) {
  app.add_option("--store", g.store, "Store file")->envname("SFREWIND_STORE")->capture_default_str();
  app.add_option("--config", g.config, "Config file");
  app.add_flag("--json", g.json, "Machine-readable output on stdout");
  app.add_flag("-q,--quiet", g.quiet, "Only errors");
  app.add_flag("-v,--verbose", g.verbose, "More detail (repeatable)");
}

// The usage hint for the (sub)command that failed to parse.
std::string usage_hint(const CLI::App& root) {
  std::string path = "sfrewind";
  const CLI::App* app = &root;
  while (true) {
    auto subs = app->get_subcommands();
    if (subs.empty()) break;
    app = subs.front();
    path += " " + app->get_name();
  }
  return fmt::format("usage: {} [OPTIONS], see '{} --help'", path, path);
}

int dispatch(Registry& registry, Context& ctx) {
  for (const Command& c : registry.commands()) {
    if (c.app->parsed()) return c.run(ctx);
  }
  ctx.out << registry.root().help();
  return kExitOk;
}

// The root app with the global options and every command, or only the command `only`.
struct Cli {
  CLI::App app{"sfrewind: undo what a compromised Salesforce credential wrote"};
  Registry registry{app};
};

std::unique_ptr<Cli> build(Context& ctx, std::string_view only) {
  auto cli = std::make_unique<Cli>();
  cli->app.name("sfrewind");
  cli->app.set_version_flag("--version", std::string("sfrewind ") + kVersion);
  cli->app.require_subcommand(0, 1);
  add_globals(cli->app, ctx.global);
  if (only.empty()) {
    register_commands(cli->registry);
  } else {
    register_command(cli->registry, only);
  }
  return cli;
}

// The first argument that names a command: a guess, as it may be an option's value.
std::string_view named_command(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (is_command(argv[i])) return argv[i];
  }
  return {};
}

// Parses with only the command the line seems to name: building every command's options took
// about a tenth of a one-record query's 9 ms. Null unless that parse ran a command: on help,
// --version, a wrong guess or a usage error the caller parses again with every command, so
// that what is printed and done is what the whole command line gives.
std::unique_ptr<Cli> parse_named(int argc, char** argv, Context& ctx) {
  std::string_view only = named_command(argc, argv);
  if (only.empty()) return nullptr;
  auto cli = build(ctx, only);
  bool parsed = false;
  try {
    cli->app.parse(argc, argv);
    for (const Command& c : cli->registry.commands()) parsed = parsed || c.app->parsed();
  } catch (const CLI::Error&) {
  }
  if (parsed) return cli;
  ctx.global = GlobalOptions{};
  return nullptr;
}

// Parses with every command; on failure prints what CLI11 asks for and sets `exit_code`.
std::unique_ptr<Cli> parse_all(int argc, char** argv, Context& ctx, int& exit_code) {
  auto cli = build(ctx, {});
  CLI::App& app = cli->app;
  try {
    app.parse(argc, argv);
    return cli;
  } catch (const CLI::CallForHelp& e) {
    exit_code = app.exit(e, ctx.out, ctx.err);
  } catch (const CLI::CallForAllHelp& e) {
    exit_code = app.exit(e, ctx.out, ctx.err);
  } catch (const CLI::CallForVersion& e) {
    exit_code = app.exit(e, ctx.out, ctx.err);
  } catch (const CLI::ParseError& e) {
    std::string what = e.what();
    std::replace(what.begin(), what.end(), '\n', ' ');  // one line, whatever CLI11 says
    ctx.err << "sfrewind: " << what << "; " << usage_hint(app) << "\n";
    exit_code = kExitUsage;
  }
  return nullptr;
}

}  // namespace

int run(int argc, char** argv, std::ostream& out, std::ostream& err, ProcessHooks hooks) {
  Context ctx{GlobalOptions{}, out, err, false, false, false, {}, std::move(hooks.bulk_heap),
              hooks.exits_after};
  std::unique_ptr<Cli> cli = parse_named(argc, argv, ctx);
  if (!cli) {
    int exit_code = kExitOk;
    cli = parse_all(argc, argv, ctx, exit_code);
    if (!cli) return exit_code;
  }
  CLI::App& app = cli->app;
  if (!ctx.global.config.empty()) {
    auto config = load_config(ctx.global.config);
    if (!config) return report_error(ctx, config.error());
    ctx.config = std::move(*config);
    bool store_given = app.get_option("--store")->count() > 0 || std::getenv("SFREWIND_STORE");
    if (!store_given && ctx.config.count("store")) ctx.global.store = ctx.config["store"];
  }
  ctx.out_is_terminal = (&out == &std::cout) && isatty(STDOUT_FILENO);
  ctx.err_is_terminal = (&err == &std::cerr) && isatty(STDERR_FILENO);
  const char* no_color = std::getenv("NO_COLOR");
  ctx.color = ctx.out_is_terminal && !(no_color && *no_color);
  try {
    return dispatch(cli->registry, ctx);
  } catch (const std::exception& e) {
    err << "sfrewind: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
}

}  // namespace sfrewind::cli
