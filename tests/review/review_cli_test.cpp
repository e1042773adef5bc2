// Review commands on the acme incident: changes, --summary, timeline, timeline --at, bad input.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <set>
#include <string>

#include <sfrewind/report/review.hpp>
#include <sfrewind/report/review_query.hpp>
#include <sfrewind/store/store.hpp>
#include <sfrewind/timeline/timeline.hpp>

#include "support/acme_fixture.hpp"

using namespace sfrewind;
using namespace sfrewind::test;

namespace {

const char* kWindowFrom = "2026-11-20T01:00:00Z";
const char* kWindowTo = "2026-11-20T03:00:00Z";

// Counts the attacker's edits in the window straight from the org file: per field (history
// names: OwnerId is tracked as Owner) the number of edits. A small line walk over the
// generator's pretty-printed JSON: "time", "user", then "fields": {...} one key per line.
std::map<std::string, int> attacker_edits_from_org_file() {
  std::istringstream in(read_text(kAcmeOrg));
  std::string line, time, user;
  bool in_edits = false, in_fields = false;
  std::map<std::string, int> out;
  auto value_of = [](const std::string& l) {
    auto colon = l.find(':');
    auto q1 = l.find('"', colon);
    auto q2 = l.find('"', q1 + 1);
    return l.substr(q1 + 1, q2 - q1 - 1);
  };
  while (std::getline(in, line)) {
    if (line.find("\"edits\": [") != std::string::npos) in_edits = true;
    if (!in_edits) continue;
    if (line.find("\"time\":") != std::string::npos) time = value_of(line);
    if (line.find("\"user\":") != std::string::npos) user = value_of(line);
    if (line.find("\"fields\": {") != std::string::npos) {
      in_fields = true;
      continue;
    }
    if (in_fields && line.find('}') != std::string::npos) in_fields = false;
    if (in_fields && user == kAttacker && time >= kWindowFrom && time < kWindowTo) {
      auto q1 = line.find('"');
      std::string field = line.substr(q1 + 1, line.find('"', q1 + 1) - q1 - 1);
      ++out[field == "OwnerId" ? "Owner" : field];
    }
  }
  return out;
}

int count_of(const std::string& text, const std::string& needle) {
  int n = 0;
  for (auto p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

}  // namespace

TEST_SUITE("review") {
  TEST_CASE("changes --user gives exactly the attacker's edits of the incident window") {
    Acme acme;
    acme.sync();
    auto expected = attacker_edits_from_org_file();
    REQUIRE(expected.size() == 4);
    CHECK(expected["Paid__c"] == 300);
    auto r = acme.run({"--json", "changes", "--user", kAttacker, "--from", kWindowFrom, "--to",
                       kWindowTo});
    INFO(r.err);
    REQUIRE(r.code == 0);
    int rows = count_of(r.out, "\"history_id\":");
    int expected_rows = 0;
    for (const auto& [field, n] : expected) {
      int per_field = count_of(r.out, "\"field\":\"" + field + "\"");
      // a lookup change writes two rows (names and ids)
      CHECK(per_field == (field == "Owner" ? 2 * n : n));
      expected_rows += field == "Owner" ? 2 * n : n;
    }
    CHECK(rows == expected_rows);
    CHECK(rows == 627);
    CHECK(count_of(r.out, "\"changed_by_username\":\"integration.accounting@acme.example\"") == rows);
  }

  TEST_CASE("changes --summary groups the attacker's edits by object and field with counts") {
    Acme acme;
    acme.sync();
    auto r = acme.run({"changes", "--user", kAttacker, "--from", kWindowFrom, "--to", kWindowTo,
                       "--summary"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    check_golden("review/changes_summary_attacker.txt", r.out);
    auto csv = acme.run({"changes", "--user", kAttacker, "--from", kWindowFrom, "--to", kWindowTo,
                         "--summary", "--csv"});
    REQUIRE(csv.code == 0);
    check_golden("review/changes_summary_attacker.csv", csv.out);
    CHECK(csv.out.find("Invoice__c,Paid__c,300,300,300,2026-11-20T01:00:00.000Z") != std::string::npos);
  }

  TEST_CASE("a record's timeline names the users who changed it, not the org's every user") {
    Acme acme;
    acme.sync();
    auto store = Store::open({acme.store(), false, true});
    REQUIRE(store);
    auto org = report::single_org(*store);
    REQUIRE(org);
    auto attacker = store->find_user(*org, kAttacker);
    REQUIRE(attacker);
    REQUIRE(attacker->has_value());
    HistoryFilter f;
    f.org_id = *org;
    f.users = {(*attacker)->user_id};
    auto rows = store->history_rows(f);
    REQUIRE(rows);
    REQUIRE_FALSE(rows->empty());
    for (const std::string& at : {std::string(), std::string(kWindowTo)}) {
      auto t = report::load_timeline(*store, {rows->front().record_id, "", at, Timestamp::now()});
      REQUIRE(t);
      std::set<std::string> editors;
      for (const auto& chain : t->record.fields) {
        for (const auto& c : chain.changes) editors.insert(c.changed_by);
      }
      for (const auto& e : t->record.events) editors.insert(e.changed_by);
      CHECK(t->names.at((*attacker)->user_id) == kAttacker);
      for (const auto& [id, name] : t->names) CHECK(editors.count(id) == 1);
      CHECK(t->names.size() < store->users(*org)->size());  // the org has other users
    }
    // The values at a time name the editors of the rows they were read from, no one else.
    auto v = report::load_values_at(*store, {{rows->front().record_id}, "", kWindowTo, Timestamp::now()});
    REQUIRE(v);
    REQUIRE(v->records.size() == 1);
    CHECK_FALSE(v->names.empty());
    CHECK(v->names.size() < store->users(*org)->size());
    for (const auto& [id, name] : v->names) CHECK(store->find_user(*org, id)->value().username == name);
  }

  TEST_CASE("the streamed change summary equals summarize over the rows load_changes reads") {
    Acme acme;
    acme.sync();
    auto store = Store::open({acme.store(), false, true});
    REQUIRE(store);
    std::vector<report::ChangesRequest> requests{
        {{}, false, "", "", "", "", Timestamp::now()},
        {{kAttacker}, false, "", "", kWindowFrom, kWindowTo, Timestamp::now()},
        {{}, true, "", "", "", "", Timestamp::now()},
        {{}, false, "Account", "Owner", "", "", Timestamp::now()},
    };
    auto same = [](const timeline::SummaryRow& a, const timeline::SummaryRow& b) {
      return a.changed_by == b.changed_by && a.sobject == b.sobject && a.field == b.field &&
             a.changes == b.changes && a.rows == b.rows && a.records == b.records &&
             a.first == b.first && a.last == b.last;
    };
    std::size_t lookup_groups = 0;
    for (const auto& request : requests) {
      auto rows = report::load_changes(*store, request);
      auto streamed = report::load_change_summary(*store, request);
      REQUIRE(rows);
      REQUIRE(streamed);
      auto expected = timeline::summarize(rows->rows, rows->filter);
      REQUIRE_FALSE(expected.empty());
      REQUIRE(streamed->rows.size() == expected.size());
      for (std::size_t i = 0; i < expected.size(); ++i) {
        INFO(expected[i].changed_by, " ", expected[i].sobject, ".", expected[i].field);
        CHECK(same(streamed->rows[i], expected[i]));
        if (expected[i].rows > expected[i].changes) ++lookup_groups;
      }
    }
    CHECK(lookup_groups > 0);  // lookup name rows were paired, not counted as changes
  }

  TEST_CASE("changes --integration includes the attacker and the marketing integration") {
    Acme acme;
    acme.sync();
    auto r = acme.run({"changes", "--integration", "--summary", "--csv"});
    REQUIRE(r.code == 0);
    CHECK(r.out.find("integration.accounting@acme.example") != std::string::npos);
    CHECK(r.out.find("integration.marketing@acme.example") != std::string::npos);
    CHECK(r.out.find("dana.finance@acme.example") == std::string::npos);
  }

  TEST_CASE("timeline of an attacked invoice shows the attack and the admin's correction") {
    Acme acme;
    acme.sync();
    std::string invoice;
    {
      Store store = acme.open_store();
      auto admin = store.find_user(*store.org_ids()->begin(), "admin@acme.example");
      REQUIRE(admin.has_value());
      REQUIRE(admin->has_value());
      HistoryFilter f;
      f.org_id = store.org_ids()->front();
      f.users = {(*admin)->user_id};
      f.field = "Paid__c";
      f.from = *Timestamp::parse("2026-11-20T08:00:00Z");
      invoice = first_record(store, f);
    }
    REQUIRE(!invoice.empty());
    auto t = acme.run({"timeline", invoice});
    INFO(t.err);
    REQUIRE(t.code == 0);
    check_golden("review/timeline_corrected_invoice.txt", t.out);
    CHECK(t.out.find("admin@acme.example") != std::string::npos);
    auto j = acme.run({"--json", "timeline", invoice, "--field", "Paid__c"});
    REQUIRE(j.code == 0);
    check_golden("review/timeline_corrected_invoice_paid.json", j.out);

    auto before = acme.run({"--json", "timeline", invoice, "--at", kWindowFrom});
    REQUIRE(before.code == 0);
    check_golden("review/timeline_at_before_window.json", before.out);
    CHECK(before.out.find("\"Paid__c\":false") != std::string::npos);
    CHECK(before.out.find("\"Date_Paid__c\":null") != std::string::npos);
    auto during = acme.run({"--json", "timeline", invoice, "--at", "2026-11-20T04:00:00Z"});
    REQUIRE(during.code == 0);
    CHECK(during.out.find("\"Paid__c\":true") != std::string::npos);
    auto after = acme.run({"--json", "timeline", invoice, "--at", "2026-11-21T00:00:00Z"});
    REQUIRE(after.code == 0);
    CHECK(after.out.find("\"Paid__c\":false") != std::string::npos);
  }

  TEST_CASE("timeline --at for several records equals each record's own answer") {
    Acme acme;
    acme.sync();
    std::vector<std::string> records;
    {
      Store store = acme.open_store();
      HistoryFilter f;
      f.org_id = store.org_ids()->front();
      f.field = "Paid__c";
      std::set<std::string> seen;
      auto paid = store.history(f);
      REQUIRE(paid);
      for (const auto& r : *paid) {
        if (seen.insert(r.row.record_id).second && seen.size() <= 25) records.push_back(r.row.record_id);
      }
    }
    REQUIRE(records.size() == 25);
    // The reference: each record's whole timeline valued at the time (load_timeline reads every
    // row of the record), as the JSON array the many-record path prints.
    auto from_whole_timelines = [&] {
      Store store = acme.open_store();
      std::string all = "[";
      for (std::size_t i = 0; i < records.size(); ++i) {
        auto t = report::load_timeline(store, {records[i], "", kWindowTo, Timestamp::now()});
        REQUIRE(t);
        all += (i ? "," : "") + report::values_at_json(t->record.record_id, *t->at, t->values);
      }
      return all + "]\n";
    };
    // Each record's own answer (`timeline RECORD --at`, which reads only the rows it needs).
    auto one_by_one = [&] {
      std::string all = "[";
      for (std::size_t i = 0; i < records.size(); ++i) {
        auto one = acme.run({"--json", "timeline", records[i], "--at", kWindowTo});
        REQUIRE(one.code == 0);
        all += (i ? "," : "") + one.out;
      }
      return all + "]\n";
    };
    std::string expected = from_whole_timelines();
    CHECK(one_by_one() == expected);
    std::string file = acme.dir().file("records.txt");
    {
      std::ofstream out(file);
      out << "# from the review test\n";
      for (std::size_t i = 1; i < records.size(); ++i) out << records[i] << "\n";
    }
    auto many = acme.run({"--json", "timeline", records[0], "--records-file", file, "--at", kWindowTo});
    INFO(many.err);
    REQUIRE(many.code == 0);
    CHECK(many.out == expected);
    // With a snapshot, values may come from it: the many-record path then reads those records
    // whole, and must still agree with the single-record one.
    REQUIRE(acme.run({"snapshot"}, true).code == 0);
    std::string with_snapshot = from_whole_timelines();
    CHECK(with_snapshot.find("\"source\":\"snapshot\"") != std::string::npos);
    CHECK(one_by_one() == with_snapshot);
    auto many_snap = acme.run({"--json", "timeline", records[0], "--records-file", file, "--at", kWindowTo});
    REQUIRE(many_snap.code == 0);
    CHECK(many_snap.out == with_snapshot);
    auto text = acme.run({"timeline", records[0], records[1], "--at", kWindowTo});
    REQUIRE(text.code == 0);
    CHECK(count_of(text.out, " at 2026-11-20T03:00:00.000Z") == 2);
    // A field the record has no history of: an error for one record, as without --at; several
    // records each show what they have of it.
    auto no_field = acme.run({"timeline", records[0], "--at", kWindowTo, "--field", "Name"});
    CHECK(no_field.code == 2);
    CHECK(no_field.out.empty());
    CHECK(count_of(no_field.err, "\n") == 1);
    CHECK(no_field.err.find("no history stored for field Name of record " + records[0]) !=
          std::string::npos);
    auto whole_no_field = acme.run({"timeline", records[0], "--field", "Name"});
    CHECK(whole_no_field.code == 2);
    CHECK(whole_no_field.err == no_field.err);
    auto paid = acme.run({"timeline", records[0], "--at", kWindowTo, "--field", "Paid__c"});
    CHECK(paid.code == 0);
    CHECK(paid.out.find("Paid__c") != std::string::npos);
    auto many_no_field = acme.run({"timeline", records[0], records[1], "--at", kWindowTo, "--field", "Name"});
    CHECK(many_no_field.code == 0);
    CHECK(count_of(many_no_field.out, " at 2026-11-20T03:00:00.000Z") == 2);
    auto no_at = acme.run({"timeline", records[0], records[1]});
    CHECK(no_at.code == 2);
    CHECK(no_at.err.find("--at") != std::string::npos);
    auto unknown = acme.run({"timeline", records[0], "a0Z000000000099AAA", "--at", kWindowTo});
    CHECK(unknown.code == 2);
    CHECK(unknown.out.empty());
    auto missing = acme.run({"timeline", "--records-file", acme.dir().file("none.txt"), "--at", kWindowTo});
    CHECK(missing.code == 2);
    CHECK(missing.out.empty());
    CHECK(count_of(missing.err, "\n") == 1);
    std::string bad_file = acme.dir().file("bad.txt");
    std::ofstream(bad_file) << records[0] << "\nnot-a-record-id\n";
    auto bad_id = acme.run({"timeline", "--records-file", bad_file, "--at", kWindowTo});
    CHECK(bad_id.code == 2);
    CHECK(bad_id.out.empty());
    CHECK(count_of(bad_id.err, "\n") == 1);
    CHECK(bad_id.err.find("not-a-record-id") != std::string::npos);
  }

  TEST_CASE("bad input to changes and timeline is one line on stderr and exit 2") {
    Acme acme;
    acme.sync();
    std::string before = read_text(acme.store());
    const std::vector<std::vector<std::string>> bad = {
        {"changes", "--user", "nobody@acme.example"},
        {"changes", "--user", "not-a-user"},
        {"changes", "--from", "yesterday-ish"},
        {"changes", "--from", "2026-11-20T03:00:00Z", "--to", "2026-11-20T01:00:00Z"},
        {"changes", "--object", "NoSuch__c"},
        {"changes", "--object", "Account", "--field", "Paid__c"},
        {"changes", "--object", "Account' OR Name != '"},
        {"changes", "--field", "Paid__c; DROP TABLE history"},
        {"--json", "changes", "--csv"},
        {"timeline", "001bogus"},
        {"timeline", "001000000000000AAA", "--at", "whenever"},
        {"timeline", "a00000000000001", "--field", "x y"},
    };
    for (const auto& args : bad) {
      auto r = acme.run(args);
      INFO(args.front(), " ", args.back(), ": ", r.err);
      CHECK(r.code == 2);
      CHECK(r.out.empty());
      CHECK(count_of(r.err, "\n") == 1);
    }
    for (bool at : {false, true}) {  // the whole timeline, and the values at a time
      std::vector<std::string> args{"timeline", "001bogus"};
      if (at) args.insert(args.end(), {"--at", kWindowTo});
      auto r = acme.run(args);
      CHECK(r.code == 2);
      CHECK(count_of(r.err, "invalid record id '001bogus'") == 1);  // said once, not twice
    }
    CHECK(read_text(acme.store()) == before);
  }

  TEST_CASE("offline commands do not create a missing store") {
    TempDir dir;
    std::string path = dir.file("missing.db");
    for (auto cmd : {"changes", "timeline"}) {
      std::vector<std::string> args{"--store", path, cmd};
      if (std::string(cmd) == "timeline") args.push_back("001000000000000AAA");
      auto r = run_cli(args);
      CHECK(r.code == 2);
      CHECK(count_of(r.err, "\n") == 1);
      CHECK(!std::filesystem::exists(path));
    }
  }
}
