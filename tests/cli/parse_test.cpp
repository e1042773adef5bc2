// The command line parses the same whether or not only the named command's options are built.
#include <string>

#include <doctest/doctest.h>

#include "support/cli_run.hpp"

using sfrewind::test::run_cli;

namespace {

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_SUITE("cli") {
  TEST_CASE("a command's name given as an option's value still leaves every command") {
    // "plan" is the first argument that names a command, but it is the store's name here: no
    // command runs, and the help printed lists them all, not "plan" alone.
    auto r = run_cli({"--store", "plan"});
    CAPTURE(r.err);
    REQUIRE(r.code == 0);
    for (const char* name : {"org", "discover", "users", "logins", "sync", "snapshot", "timeline",
                             "changes", "plan", "apply", "verify", "report"}) {
      CAPTURE(name);
      CHECK(has(r.out, std::string("  ") + name));
    }
  }

  TEST_CASE("a command given after an option whose value names another command runs") {
    // --store takes "timeline"; the command is changes, which looks for that store. Parsed as
    // timeline alone, "changes" would be an unexpected argument.
    auto r = run_cli({"--store", "timeline", "changes", "--summary"});
    CAPTURE(r.err);
    CHECK(r.code == 2);
    CHECK(has(r.err, "no store at timeline"));
    CHECK_FALSE(has(r.err, "not expected"));
  }

  TEST_CASE("help, version and usage errors of a named command are the whole app's") {
    auto help = run_cli({"timeline", "--help"});
    CHECK(help.code == 0);
    CHECK(has(help.out, "--records-file"));
    CHECK_FALSE(has(help.out, "--summary"));
    auto version = run_cli({"--version", "changes"});
    CHECK(version.code == 0);
    CHECK(has(version.out, "sfrewind "));
    auto bad = run_cli({"timeline", "--no-such-option"});
    CHECK(bad.code == 2);
    CHECK(has(bad.err, "usage: sfrewind timeline [OPTIONS]"));
    auto two = run_cli({"users", "logins"});
    CHECK(two.code == 2);
  }
}  // TEST_SUITE
