// `sfrewind report` in-process against a temp store filled through the Store API.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <sys/stat.h>

#include <sfrewind/store/store.hpp>

#include "cli/app.hpp"
#include "report/report_fixture.hpp"
#include "support/temp_dir.hpp"

using namespace sfrewind;
using sfrewind::test::kReportOrg;
using sfrewind::test::SmallIncident;
using sfrewind::test::TempDir;

namespace {

struct RunResult {
  int code = 0;
  std::string out;
  std::string err;
};

RunResult run(std::vector<std::string> args) {
  args.insert(args.begin(), "sfrewind");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  std::ostringstream out, err;
  int code = cli::run(static_cast<int>(argv.size()), argv.data(), out, err);
  return {code, out.str(), err.str()};
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A store holding the small incident, its plan (saved) and a journal.
struct IncidentStore {
  TempDir dir;
  SmallIncident inc;
  std::string path = dir.file("sfrewind.db");

  IncidentStore() {
    auto store = Store::open({path});
    REQUIRE(store);
    REQUIRE(store->upsert_org({kReportOrg, "https://acme.example"}));
    REQUIRE(store->insert_history("Invoice__History", inc.rows));
    REQUIRE(store->upsert_users(inc.users));
    REQUIRE(store->upsert_logins(inc.logins));
    std::vector<PlanItemRow> items;
    for (const rollback::PlanItem& i : inc.plan.items) {
      items.push_back({i.sobject, i.record_id, i.field,
                       std::string(rollback::item_status_name(i.status)), i.restore_to,
                       i.attacker_value, i.reason});
    }
    StoredPlan plan{
        inc.plan.plan_id,     kReportOrg,         Timestamp(0),  inc.attacker,
        inc.plan.window_from, inc.plan.window_to, inc.plan.hash, rollback::plan_to_json(inc.plan)};
    REQUIRE(store->save_plan(plan, items));
    std::vector<JournalEntry> journal;
    for (const JournalRow& row : inc.journal()) journal.push_back(row.entry);
    REQUIRE(store->append_journal(journal));
  }

  std::vector<std::string> args(std::vector<std::string> rest) const {
    rest.insert(rest.begin(), {"--store", path, "report"});
    return rest;
  }
};

}  // namespace

TEST_SUITE("report") {
  TEST_CASE("report of a stored plan id writes an html file with mode 0600") {
    IncidentStore s;
    std::string out = s.dir.file("incident.html");
    RunResult r = run(s.args({s.inc.plan.plan_id, "--format", "html", "--out", out}));
    CHECK(r.err == "");
    REQUIRE(r.code == 0);
    CHECK(r.out.find("report: wrote " + out) != std::string::npos);
    std::string html = read_file(out);
    CHECK(html.find("<svg") != std::string::npos);
    CHECK(html.find(s.inc.plan.plan_id) != std::string::npos);
    CHECK(html.find("185.220.101.47") != std::string::npos);
    CHECK(html.find("later edits by admin@acme.example") != std::string::npos);
    CHECK(html.find("<script") == std::string::npos);  // the attacker's display name is escaped
    CHECK(html.find("Journal entries: 5; hash chain intact.") != std::string::npos);
    struct stat st {};
    REQUIRE(::stat(out.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    for (const auto& e : std::filesystem::directory_iterator(s.dir.path())) {
      CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
    }
  }

  TEST_CASE("an existing output file is replaced and ends up with mode 0600") {
    IncidentStore s;
    std::string out = s.dir.file("old.md");
    std::ofstream(out) << "old";
    REQUIRE(::chmod(out.c_str(), 0644) == 0);
    RunResult r = run(s.args({s.inc.plan.plan_id, "--format", "md", "--out", out}));
    REQUIRE(r.code == 0);
    struct stat st {};
    REQUIRE(::stat(out.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(read_file(out).rfind("# Incident report", 0) == 0);
  }

  TEST_CASE("report of a plan file reads the scope and the journal from it") {
    IncidentStore s;
    std::string plan_file = s.dir.file("plan.json");
    std::ofstream(plan_file) << rollback::plan_to_json(s.inc.plan);
    std::string out = s.dir.file("incident.json");
    RunResult r = run(s.args({plan_file, "--format", "json", "--out", out}));
    REQUIRE(r.code == 0);
    std::string json = read_file(out);
    CHECK(json.find("\"org_id\": \"00D000000000001AAA\"") != std::string::npos);
    CHECK(json.find("\"plan_id\": \"" + s.inc.plan.plan_id + "\"") != std::string::npos);
    CHECK(json.find("\"entries\": 5") != std::string::npos);
    CHECK(json.find("\"kind\": \"failed\"") != std::string::npos);
  }

  TEST_CASE("report by user and window resolves a username and writes csv rows per change") {
    IncidentStore s;
    std::string out = s.dir.file("changes.csv");
    RunResult r = run(s.args({"--format", "csv", "--out", out, "--user", "mallory@acme.example",
                              "--from", "2026-03-10T12:00:00Z", "--to", "2026-03-10T14:00:00Z"}));
    CHECK(r.err == "");
    REQUIRE(r.code == 0);
    std::string csv = read_file(out);
    std::size_t lines = 0;
    for (auto p = csv.find("\r\n"); p != std::string::npos; p = csv.find("\r\n", p + 1)) ++lines;
    CHECK(lines == 1 + 7);
    CHECK(csv.find(",Owner,false," + s.inc.admin + "," + s.inc.attacker + ",Jane Doe,Mallory,") !=
          std::string::npos);
  }

  TEST_CASE("report markdown with --json prints a machine summary") {
    IncidentStore s;
    std::string out = s.dir.file("r.md");
    std::vector<std::string> args = {"--json"};
    for (const std::string& a : s.args({s.inc.plan.plan_id, "--format", "md", "--out", out})) {
      args.push_back(a);
    }
    RunResult r = run(args);
    REQUIRE(r.code == 0);
    CHECK(r.out == "{\"out\":\"" + out + "\",\"format\":\"md\",\"changes\":7,\"attention\":5}\n");
    CHECK(read_file(out).rfind("# Incident report: mallory@acme.example", 0) == 0);
  }

  TEST_CASE("bad report input prints one line exits 2 and writes nothing") {
    IncidentStore s;
    std::string out = s.dir.file("bad.html");
    const std::string& id = s.inc.plan.plan_id;
    std::vector<std::vector<std::string>> cases = {
        s.args({id, "--format", "pdf", "--out", out}),
        s.args({"p-no-such-plan", "--format", "html", "--out", out}),
        s.args({id, "--format", "html", "--out", out, "--user", "x@acme.example"}),
        s.args({"--format", "html", "--out", out}),
        s.args({"--format", "html", "--out", out, "--user", "nobody@acme.example", "--from",
                "2026-03-10T12:00:00Z", "--to", "2026-03-10T14:00:00Z"}),
        s.args({"--format", "html", "--out", out, "--user", "mallory@acme.example", "--from",
                "2026-03-10T14:00:00Z", "--to", "2026-03-10T12:00:00Z"}),
        s.args({"--format", "html", "--out", out, "--user", "mallory@acme.example", "--from",
                "yesterday-ish", "--to", "2026-03-10T12:00:00Z"}),
        s.args({id, "--format", "html", "--out", s.dir.file("missing/dir/r.html")}),
        s.args({id, "--format", "html"}),
        {"--store", s.dir.file("absent.db"), "report", id, "--format", "html", "--out", out},
    };
    for (const auto& args : cases) {
      std::string joined;
      for (const std::string& a : args) joined += a + " ";
      CAPTURE(joined);
      RunResult r = run(args);
      CHECK(r.code == 2);
      CHECK(r.err.rfind("sfrewind: ", 0) == 0);
      CHECK_FALSE(std::filesystem::exists(out));
    }
    CHECK_FALSE(std::filesystem::exists(s.dir.file("absent.db")));
  }

  TEST_CASE("with two orgs in the store the window picks the org that changed in it") {
    IncidentStore s;
    {
      auto store = Store::open({s.path});
      REQUIRE(store);
      std::vector<HistoryRow> other = s.inc.rows;
      for (HistoryRow& row : other) {
        row.org_id = "00D000000000002AAA";
        row.changed_at = Timestamp(row.changed_at.ms() - 30LL * 24 * 3600 * 1000);
      }
      REQUIRE(store->insert_history("Invoice__History", other));
      auto orgs = store->org_ids();
      REQUIRE(orgs);
      CHECK(orgs->size() == 2);
    }
    std::string out = s.dir.file("two.json");
    RunResult r = run(s.args({"--format", "json", "--out", out, "--user", s.inc.attacker, "--from",
                              "2026-03-10T12:00:00Z", "--to", "2026-03-10T14:00:00Z"}));
    CHECK(r.err == "");
    REQUIRE(r.code == 0);
    CHECK(read_file(out).find("\"org_id\": \"00D000000000001AAA\"") != std::string::npos);
    RunResult both =
        run(s.args({"--format", "json", "--out", out, "--user", s.inc.attacker, "--from",
                    "2026-02-01T00:00:00Z", "--to", "2026-03-11T00:00:00Z"}));
    CHECK(both.code == 2);
    CHECK(both.err.find("several orgs") != std::string::npos);
  }

  TEST_CASE("a tampered plan file is refused with exit 2") {
    IncidentStore s;
    std::string text = rollback::plan_to_json(s.inc.plan);
    auto p = text.find("\"ready\"");
    REQUIRE(p != std::string::npos);
    text.replace(p, 7, "\"noop\"");
    std::string plan_file = s.dir.file("edited.json");
    std::ofstream(plan_file) << text;
    std::string out = s.dir.file("r.html");
    RunResult r = run(s.args({plan_file, "--format", "html", "--out", out}));
    CHECK(r.code == 2);
    CHECK_FALSE(std::filesystem::exists(out));
  }
}
