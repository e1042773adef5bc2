// Report renderers: golden Markdown, HTML, CSV and JSON of a hand-built model, escaping, the SVG.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <sfrewind/report/report.hpp>

#include "support/history_rows.hpp"

using namespace sfrewind;
using namespace sfrewind::report;
using sfrewind::test::ts;

namespace {

const std::string kGoldenDir = SFREWIND_SOURCE_DIR "/tests/data/golden/";

// A hand-built report: one user, three logins, four changes, a plan, a journal, three items
// that need a human, and values with commas, quotes and a line break.
IncidentReport hand_model() {
  IncidentReport r;
  r.org_id = "00D000000000001AAA";
  r.users = {{"005000000000009AAA", "mallory@acme.example", "Mallory", "Minimum Access",
              "Salesforce Integration", true}};
  r.window_from = ts("2026-03-10T12:00:00Z");
  r.window_to = ts("2026-03-10T14:00:00Z");
  r.logins_from = ts("2026-03-09T12:00:00Z");
  r.logins_to = ts("2026-03-11T14:00:00Z");
  r.logins = {{"005000000000009AAA", "mallory@acme.example", ts("2026-03-10T11:58:00Z"),
               "185.220.101.47", "Remote Access 2.0", "acme-accounting-app", "Success", "before"}};
  const std::string inv = "a01000000000001AAA";
  r.changes = {{"0170000000000001", "Invoice__c", inv, "Paid__c", "false", "true", std::nullopt,
                std::nullopt, "005000000000009AAA", "mallory@acme.example",
                ts("2026-03-10T12:10:00Z"), false, "ready"},
               {"0170000000000002", "Invoice__c", inv, "Status__c", "Sent, \"late\"", "Paid\nnow",
                std::nullopt, std::nullopt, "005000000000009AAA", "mallory@acme.example",
                ts("2026-03-10T12:12:00Z"), false, "conflict"},
               {"0170000000000004", "Invoice__c", inv, "Owner", "005000000000001AAA",
                "005000000000009AAA", "Jane Doe", "Mallory", "005000000000009AAA",
                "mallory@acme.example", ts("2026-03-10T12:41:00Z"), false, "ready"},
               {"0170000000000005", "Invoice__c", "a01000000000003AAA", "created", std::nullopt,
                std::nullopt, std::nullopt, std::nullopt, "005000000000009AAA",
                "mallory@acme.example", ts("2026-03-10T13:30:00Z"), true, ""}};
  r.by_field = {
      {"Invoice__c", "Owner", 1, 1, ts("2026-03-10T12:41:00Z"), ts("2026-03-10T12:41:00Z")},
      {"Invoice__c", "Paid__c", 1, 1, ts("2026-03-10T12:10:00Z"), ts("2026-03-10T12:10:00Z")},
      {"Invoice__c", "Status__c", 1, 1, ts("2026-03-10T12:12:00Z"), ts("2026-03-10T12:12:00Z")},
      {"Invoice__c", "created", 1, 1, ts("2026-03-10T13:30:00Z"), ts("2026-03-10T13:30:00Z")}};
  r.records_changed = 2;
  r.bucket_ms = 600000;
  for (int i = 0; i < 12; ++i) {
    r.buckets.push_back({Timestamp(r.window_from.ms() + i * 600000LL), 0});
  }
  r.buckets[1].changes = 2;
  r.buckets[4].changes = 1;
  r.buckets[9].changes = 1;
  PlanSection p;
  p.plan_id = "p0123456789abcdef";
  p.hash = "sha256:00ff";
  p.mode = "collections";
  p.write_calls = 1;
  p.reread_calls = 1;
  p.items = 3;
  p.by_status = {{"ready", 2}, {"conflict", 1}, {"noop", 0}, {"unrestorable", 0}};
  p.counts = {{"Invoice__c", "Owner", "ready", 1},
              {"Invoice__c", "Paid__c", "ready", 1},
              {"Invoice__c", "Status__c", "conflict", 1}};
  r.plan = p;
  r.journal.entries = 5;
  r.journal.chain_intact = true;
  r.journal.applied = {{"outcome", "applied", 1}, {"outcome", "failed", 1}};
  r.journal.verified = {{"verify", "restored", 1}};
  r.attention = {{"conflict", "Invoice__c", inv, "Status__c", "later edits by admin@acme.example"},
                 {"failed", "Invoice__c", inv, "Owner", "validation rule"},
                 {"created", "Invoice__c", "a01000000000003AAA", "", "by mallory@acme.example"}};
  return r;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void check_golden(const std::string& name, const std::string& text) {
  const std::string path = kGoldenDir + name;
  const char* update = std::getenv("SFREWIND_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") std::ofstream(path, std::ios::binary) << text;
  CHECK_MESSAGE(text == read_file(path),
                "golden file " << path << " differs; SFREWIND_UPDATE_GOLDEN=1");
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

// Returns "" when every tag of `xml` is closed in order, else the first problem.
std::string unbalanced(const std::string& xml) {
  std::vector<std::string> open;
  std::regex tag(R"(<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>)");
  for (auto it = std::sregex_iterator(xml.begin(), xml.end(), tag); it != std::sregex_iterator();
       ++it) {
    const auto& m = *it;
    if (m[3].length() > 0) continue;  // self-closing
    if (m[1].length() == 0) {
      open.push_back(m[2]);
    } else if (open.empty() || open.back() != m[2]) {
      return "unexpected </" + m[2].str() + ">";
    } else {
      open.pop_back();
    }
  }
  return open.empty() ? "" : "unclosed <" + open.back() + ">";
}

}  // namespace

TEST_SUITE("report") {
  TEST_CASE("the hand-built report renders byte for byte as the golden files") {
    IncidentReport r = hand_model();
    check_golden("report_small.md", render_markdown(r));
    check_golden("report_small.html", render_html(r));
    check_golden("report_small.csv", render_csv(r));
    check_golden("report_small.json", render_json(r));
  }

  TEST_CASE("rendering twice gives the same bytes and no time unless one is given") {
    IncidentReport r = hand_model();
    CHECK(render_html(r) == render_html(r));
    CHECK(render_markdown(r).find("Generated") == std::string::npos);
    CHECK(render_markdown(r).find("- Key times: first change 2026-03-10 12:10:00Z, last change "
                                  "2026-03-10 13:30:00Z; last login before the window "
                                  "2026-03-10 11:58:00Z from 185.220.101.47\n") != std::string::npos);
    r.generated_at = ts("2026-03-12T09:00:00Z");
    CHECK(render_markdown(r).find("- Generated: 2026-03-12 09:00:00Z") != std::string::npos);
    CHECK(render_json(r).find("\"generated_at\": \"2026-03-12T09:00:00.000Z\"") !=
          std::string::npos);
  }

  TEST_CASE("user data with a script tag is escaped in the html and markdown") {
    IncidentReport r = hand_model();
    r.users[0].name = "<script>alert('x')</script>";
    r.users[0].username = "m\"><img src=x onerror=alert(1)>";
    r.changes[0].new_value = "<script>steal()</script>";
    r.attention[0].detail = "</td><script>bad()</script>";
    std::string html = render_html(r);
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("<img") == std::string::npos);
    CHECK(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") != std::string::npos);
    CHECK(html.find("&lt;script&gt;steal()&lt;/script&gt;") != std::string::npos);
    CHECK(html.find("m&quot;&gt;&lt;img") != std::string::npos);
    std::string md = render_markdown(r);
    CHECK(md.find("<script") == std::string::npos);
    CHECK(md.find("&lt;script&gt;") != std::string::npos);
    std::string json = render_json(r);
    CHECK(json.find("\"new_value\": \"<script>steal()</script>\"") != std::string::npos);
  }

  TEST_CASE("html_escape escapes the five html specials and nothing else") {
    CHECK(html_escape("a<b>&\"c'd é") == "a&lt;b&gt;&amp;&quot;c&#39;d é");
    CHECK(html_escape("") == "");
  }

  TEST_CASE("the html page is self-contained with no script and no external resource") {
    std::string html = render_html(hand_model());
    CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
    CHECK(html.find("<style>") != std::string::npos);
    for (const char* bad : {"<script", "src=", "href=", "<link", "@import", "url(", "https:"}) {
      CHECK_MESSAGE(html.find(bad) == std::string::npos, bad);
    }
    CHECK(count(html, "http://") == 1);  // the SVG namespace, never fetched
    CHECK(html.find("default-src 'none'") != std::string::npos);
    auto body = html.find("<body>");
    CHECK(unbalanced(html.substr(body, html.find("</body>") + 7 - body)) == "");
  }

  TEST_CASE("the svg chart has one bar per bucket axis labels and balanced tags") {
    IncidentReport r = hand_model();
    std::string svg = render_svg_chart(r);
    CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
    CHECK(unbalanced(svg) == "");
    CHECK(count(svg, "<rect class=\"bar\"") == 12);
    CHECK(count(svg, "class=\"axis\"") == 2);
    CHECK(svg.find(">12:00</text>") != std::string::npos);
    CHECK(svg.find(">13:50</text>") != std::string::npos);
    CHECK(svg.find(">changes</text>") != std::string::npos);
    CHECK(svg.find("per 10 minutes") != std::string::npos);
    CHECK(svg.find("2026-03-10 12:10:00Z to 2026-03-10 12:20:00Z: 2 changes") != std::string::npos);
    std::string html = render_html(r);
    CHECK(html.find(svg) != std::string::npos);
  }

  TEST_CASE("an empty report still renders a chart and says nothing changed") {
    IncidentReport r;
    r.window_from = ts("2026-03-10T12:00:00Z");
    r.window_to = ts("2026-03-10T12:30:00Z");
    r.bucket_ms = 600000;
    r.buckets = {{r.window_from, 0},
                 {Timestamp(r.window_from.ms() + 600000), 0},
                 {Timestamp(r.window_from.ms() + 1200000), 0}};
    std::string svg = render_svg_chart(r);
    CHECK(unbalanced(svg) == "");
    CHECK(svg.find("nan") == std::string::npos);
    CHECK(render_markdown(r).find("No changes by these users in the window.") != std::string::npos);
    CHECK(render_csv(r).find("\r\n") == render_csv(r).size() - 2);
    CHECK(render_json(r).find("\"plan\": null") != std::string::npos);
  }

  TEST_CASE("csv quotes commas quotes and line breaks and defuses formulas") {
    IncidentReport r = hand_model();
    r.changes[0].new_value = "=HYPERLINK(\"x\")";
    r.changes[0].old_value = "-12.5";
    std::string csv = render_csv(r);
    CHECK(csv.rfind("history_id,sobject,record_id,field,is_event,old_value,new_value,", 0) == 0);
    CHECK(count(csv, "\r\n") == 5);  // the header and four changes; the value keeps its \n
    CHECK(csv.find(",\"Sent, \"\"late\"\"\",\"Paid\nnow\",") != std::string::npos);
    CHECK(csv.find(",\"'=HYPERLINK(\"\"x\"\")\",") != std::string::npos);
    CHECK(csv.find(",-12.5,") != std::string::npos);
  }

  TEST_CASE("format names parse and anything else is invalid") {
    CHECK(*parse_format("md") == Format::kMarkdown);
    CHECK(*parse_format("markdown") == Format::kMarkdown);
    CHECK(*parse_format("html") == Format::kHtml);
    CHECK(*parse_format("csv") == Format::kCsv);
    CHECK(*parse_format("json") == Format::kJson);
    auto bad = parse_format("pdf");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == ErrorCode::kInvalidArgument);
    CHECK(render(hand_model(), Format::kCsv) == render_csv(hand_model()));
  }
}
