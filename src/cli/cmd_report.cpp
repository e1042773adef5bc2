// `sfrewind report`: the incident in one document (Markdown, HTML, CSV or JSON) from the store.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <sfrewind/report/report.hpp>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/output.hpp"

namespace sfrewind::cli {
namespace {

struct ReportArgs {
  std::string plan;
  std::string format;
  std::string out;
  std::vector<std::string> users;
  std::string from;
  std::string to;
};

Error bad(std::string message) {
  return make_error(ErrorCode::kInvalidArgument, std::move(message));
}

Result<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return bad(fmt::format("cannot read plan file '{}'", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The org of the store: the only one it holds, else the one whose history covers the window.
Result<std::string> org_of_window(Store& store, Timestamp from, Timestamp to) {
  auto orgs = store.org_ids();
  if (!orgs) return orgs.error();
  if (orgs->size() <= 1) return orgs->empty() ? std::string() : orgs->front();
  std::string found;
  for (const std::string& org : *orgs) {
    HistoryFilter filter;
    filter.org_id = org;
    filter.from = from;
    filter.to = to;
    auto rows = store.history(filter);
    if (!rows) return rows.error();
    if (rows->empty()) continue;
    if (!found.empty()) return bad("the store holds changes of several orgs in this window");
    found = org;
  }
  return found;
}

// Loads PLAN as a stored plan id, else as a plan file; fills the scope from it.
Status scope_from_plan(Store& store, const std::string& key, report::ReportScope& scope) {
  auto stored = store.load_plan(key);
  if (!stored) return stored.error();
  std::string text;
  if (stored->has_value()) {
    text = (*stored)->plan_json;
    scope.org_id = (*stored)->org_id;
  } else if (std::filesystem::is_regular_file(key)) {
    auto file = read_text(key);
    if (!file) return file.error();
    text = std::move(*file);
  } else {
    return bad(fmt::format("no plan '{}' in the store and no such plan file", key));
  }
  auto plan = rollback::plan_from_json(text);
  if (!plan) return with_context(plan.error(), "plan " + key);
  if (scope.org_id.empty()) {
    auto again = store.load_plan(plan->plan_id);
    if (!again) return again.error();
    if (again->has_value()) scope.org_id = (*again)->org_id;
  }
  scope.user_ids = plan->users;
  scope.from = plan->window_from;
  scope.to = plan->window_to;
  if (scope.org_id.empty()) {
    auto org = org_of_window(store, scope.from, scope.to);
    if (!org) return org.error();
    scope.org_id = *org;
  }
  scope.plan = std::move(*plan);
  return {};
}

Status scope_from_options(Store& store, const ReportArgs& args, report::ReportScope& scope) {
  if (args.users.empty() || args.from.empty() || args.to.empty()) {
    return bad("report needs PLAN, or --user with --from and --to");
  }
  auto from = parse_time_option("--from", args.from);
  if (!from) return from.error();
  auto to = parse_time_option("--to", args.to);
  if (!to) return to.error();
  if (*from >= *to) return bad("--from must be before --to");
  scope.from = *from;
  scope.to = *to;
  auto org = org_of_window(store, scope.from, scope.to);
  if (!org) return org.error();
  scope.org_id = *org;
  for (const std::string& key : args.users) {
    auto user = store.find_user(scope.org_id, key);
    if (!user) return user.error();
    if (user->has_value()) {
      scope.user_ids.push_back((*user)->user_id);
    } else if (auto id = RecordId::parse(key)) {
      scope.user_ids.push_back(id->str());
    } else {
      return bad(fmt::format("unknown user '{}' (not in the store; sync users first)", key));
    }
  }
  return {};
}

// Writes `text` to `path` with mode 0600 through a temporary file renamed into place.
Status write_private(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp-XXXXXX";
  int fd = mkstemp(tmp.data());  // mode 0600
  if (fd < 0)
    return make_error(ErrorCode::kStorage,
                      fmt::format("cannot write '{}': {}", path, std::strerror(errno)));
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  bool ok = done == text.size() && ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    std::remove(tmp.c_str());
    return make_error(ErrorCode::kStorage,
                      fmt::format("cannot write '{}': {}", path, std::strerror(e)));
  }
  return {};
}

Status check_out_path(const std::string& out) {
  std::filesystem::path p(out);
  std::filesystem::path dir = p.has_parent_path() ? p.parent_path() : std::filesystem::path(".");
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return bad(fmt::format("--out: no directory '{}'", dir.string()));
  }
  if (std::filesystem::is_directory(p, ec))
    return bad(fmt::format("--out: '{}' is a directory", out));
  return {};
}

int run_report(Context& ctx, const ReportArgs& args) {
  auto format = report::parse_format(args.format);
  if (!format) return report_error(ctx, format.error());
  if (auto s = check_out_path(args.out); !s) return report_error(ctx, s.error());
  if (!args.plan.empty() && (!args.users.empty() || !args.from.empty() || !args.to.empty())) {
    return report_error(ctx, bad("give PLAN or --user/--from/--to, not both"));
  }
  auto store = open_store(ctx, false);
  if (!store) return report_error(ctx, store.error());
  report::ReportScope scope;
  Status s = args.plan.empty() ? scope_from_options(*store, args, scope)
                               : scope_from_plan(*store, args.plan, scope);
  if (!s) return report_error(ctx, s.error());
  scope.generated_at = Timestamp::now();
  auto inputs = report::gather_inputs(*store, scope);
  if (!inputs) return report_error(ctx, inputs.error());
  report::IncidentReport model = report::build_report(*inputs);
  if (auto w = write_private(args.out, report::render(model, *format)); !w) {
    return report_error(ctx, w.error());
  }
  if (ctx.global.json) {
    ctx.out << fmt::format("{{\"out\":{},\"format\":{},\"changes\":{},\"attention\":{}}}\n",
                           jq(args.out), jq(args.format), model.changes.size(),
                           model.attention.size());
  } else if (!ctx.global.quiet) {
    ctx.out << fmt::format("report: wrote {} ({} changes, {} items need a human)\n", args.out,
                           model.changes.size(), model.attention.size());
  }
  return kExitOk;
}

}  // namespace

void register_report(Registry& registry) {
  auto a = std::make_shared<ReportArgs>();
  CLI::App* cmd = registry.add("report", "Write the incident report (md, html, csv or json)",
                               [a](Context& ctx) { return run_report(ctx, *a); });
  cmd->add_option("PLAN", a->plan, "Plan id or plan file; the scope comes from it");
  cmd->add_option("--format", a->format, "md, html, csv or json")->required();
  cmd->add_option("--out", a->out, "Output file (created with mode 0600)")->required();
  cmd->add_option("--user", a->users, "User id or username (repeatable; without PLAN)");
  cmd->add_option("--from", a->from, "Window start (without PLAN)");
  cmd->add_option("--to", a->to, "Window end, exclusive (without PLAN)");
}

}  // namespace sfrewind::cli
