// sf CLI login: posix_spawn of sf with a pipe, then the JSON envelope decoded.
#include "auth/sf_cli.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include <sfrewind/api/records.hpp>

extern char** environ;

namespace sfrewind::auth {
namespace {

constexpr std::size_t kMaxOutput = 4 << 20;

// The first executable `program` in the ':'-separated `path`, or "".
std::string find_program(const std::string& program, const std::string& path) {
  if (program.find('/') != std::string::npos) return access(program.c_str(), X_OK) == 0 ? program : "";
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t colon = path.find(':', start);
    if (colon == std::string::npos) colon = path.size();
    std::string dir = path.substr(start, colon - start);
    if (dir.empty()) dir.push_back('.');
    std::string candidate = dir + "/" + program;
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec) && access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    start = colon + 1;
  }
  return {};
}

// Runs `argv` (argv[0] an absolute path) and returns its stdout; stderr is discarded.
Result<std::string> run_capture(const std::vector<std::string>& args) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return make_error(ErrorCode::kInternal, "pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, args[0].c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return make_error(ErrorCode::kInvalidArgument, "cannot run " + args[0]);
  }
  std::string out;
  char buf[4096];
  ssize_t n = 0;
  while ((n = read(fds[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
    if (n > 0 && out.size() < kMaxOutput) out.append(buf, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return out;  // sf exits non-zero on errors but still prints its JSON envelope
}

// Runs `sf <args> --target-org ALIAS --json` and returns the decoded envelope.
Result<api::Record> run_sf(const std::string& sf, const SfCliConfig& config,
                           std::vector<std::string> args) {
  args.insert(args.begin(), sf);
  args.insert(args.end(), {"--target-org", config.target_org, "--json"});
  auto out = run_capture(args);
  if (!out) return out.error();
  auto env = api::decode_record(*out);
  if (!env) return with_context(env.error(), "sf " + args[1] + " " + args[2] + " output");
  if (env->text("status") != "0") {
    std::string message = env->text("message");
    if (message.empty()) message = "exit status " + env->text("status");
    return make_error(ErrorCode::kUnauthorized,
                      "sf could not use org '" + config.target_org + "': " + message);
  }
  return env;
}

}  // namespace

Result<Token> sf_cli_login(const SfCliConfig& config) {
  if (config.target_org.empty() || config.target_org.front() == '-') {
    return make_error(ErrorCode::kInvalidArgument, "--target-org needs an sf alias or username");
  }
  const char* env_path = std::getenv("PATH");
  std::string path = config.search_path ? *config.search_path : (env_path ? env_path : "");
  std::string sf = find_program(config.program, path);
  if (sf.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "the Salesforce CLI ('" + config.program +
                          "') was not found on PATH; install it, or log in with "
                          "--access-token/--instance-url, --client-id or --jwt-key");
  }
  auto display = run_sf(sf, config, {"org", "display"});
  if (!display) return display.error();
  Token token;
  token.instance_url = display->text("result.instanceUrl");
  token.org_id = display->text("result.id");
  auto shown = run_sf(sf, config, {"org", "auth", "show-access-token"});
  if (shown) token.access_token = shown->text("result.accessToken");
  if (token.access_token.empty()) {
    std::string old = display->text("result.accessToken");  // older CLIs print it here
    if (old.empty() || old.starts_with("[REDACTED")) {
      return shown ? make_error(ErrorCode::kUnauthorized, "sf returned no access token")
                   : shown.error();
    }
    token.access_token = std::move(old);
  }
  if (token.instance_url.empty()) {
    return make_error(ErrorCode::kUnauthorized, "sf org display returned no instanceUrl");
  }
  return token;
}

}  // namespace sfrewind::auth
