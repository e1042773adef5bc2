// Builds the CLI11 app, parses, dispatches to the chosen command, maps failures to exit codes.
#include "cli/app.hpp"

#include <algorithm>
#include <cstdlib>
#include <iostream>

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

}  // namespace

int run(int argc, char** argv, std::ostream& out, std::ostream& err,
        std::function<void()> bulk_heap) {
  CLI::App app{"sfrewind: undo what a compromised Salesforce credential wrote"};
  app.name("sfrewind");
  app.set_version_flag("--version", std::string("sfrewind ") + kVersion);
  app.require_subcommand(0, 1);
  Context ctx{GlobalOptions{}, out, err, false, false, false, {}, std::move(bulk_heap)};
  add_globals(app, ctx.global);
  Registry registry(app);
  register_commands(registry);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e, out, err);
  } catch (const CLI::ParseError& e) {
    std::string what = e.what();
    std::replace(what.begin(), what.end(), '\n', ' ');  // one line, whatever CLI11 says
    err << "sfrewind: " << what << "; " << usage_hint(app) << "\n";
    return kExitUsage;
  }
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
    return dispatch(registry, ctx);
  } catch (const std::exception& e) {
    err << "sfrewind: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
}

}  // namespace sfrewind::cli
