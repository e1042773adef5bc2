// build_report: scope, changes, counts, buckets, plan, journal and what needs a human.
#include <doctest/doctest.h>

#include <algorithm>

#include <sfrewind/report/report.hpp>

#include "report/report_fixture.hpp"

using namespace sfrewind;
using namespace sfrewind::report;
using sfrewind::test::SmallIncident;
using sfrewind::test::ts;

TEST_SUITE("report") {
  TEST_CASE("the report holds the users changes in the window and nothing else") {
    SmallIncident inc;
    IncidentReport r = build_report(inc.inputs(true));
    REQUIRE(r.changes.size() == 7);  // a lookup's two rows count once, the event counts
    CHECK(r.records_changed == 3);
    for (const ChangeLine& c : r.changes) {
      CHECK(c.changed_by == inc.attacker);
      CHECK(c.changed_at >= r.window_from);
      CHECK(c.changed_at < r.window_to);
    }
    CHECK(std::is_sorted(
        r.changes.begin(), r.changes.end(),
        [](const ChangeLine& a, const ChangeLine& b) { return a.changed_at < b.changed_at; }));
    const ChangeLine& owner = r.changes.at(4);
    CHECK(owner.field == "Owner");
    CHECK(owner.old_value == inc.admin);
    CHECK(owner.old_name == "Jane Doe");
    CHECK(owner.new_name == "Mallory");
    CHECK(owner.plan_status == "ready");
    CHECK(owner.changed_by_name == "mallory@acme.example");
    CHECK(r.changes.back().is_event);
    CHECK(r.changes.back().field == "created");
  }

  TEST_CASE("changes are counted by object and field with first and last time") {
    IncidentReport r = build_report(SmallIncident().inputs(false));
    REQUIRE(r.by_field.size() == 5);
    CHECK(r.by_field[0].field == "Amount__c");
    CHECK(r.by_field[3].field == "Paid__c");
    CHECK(r.by_field[3].changes == 2);
    CHECK(r.by_field[3].records == 2);
    CHECK(r.by_field[3].first == ts("2026-03-10T12:10:00Z"));
    CHECK(r.by_field[3].last == ts("2026-03-10T12:12:00Z"));
    CHECK(r.by_field[4].field == "created");
  }

  TEST_CASE("buckets cover the window and add up to the changes") {
    IncidentReport r = build_report(SmallIncident().inputs(false));
    CHECK(r.bucket_ms == 600000);
    REQUIRE(r.buckets.size() == 12);
    CHECK(r.buckets.front().start == r.window_from);
    std::size_t total = 0;
    for (const TimeBucket& b : r.buckets) total += b.changes;
    CHECK(total == r.changes.size());
    CHECK(r.buckets[1].changes == 4);
    CHECK(r.buckets[4].changes == 1);
    CHECK(r.buckets[6].changes == 1);
    CHECK(r.buckets[9].changes == 1);
  }

  TEST_CASE("logins of the users around the window are kept and placed") {
    IncidentReport r = build_report(SmallIncident().inputs(false));
    REQUIRE(r.logins.size() == 2);
    CHECK(r.logins[0].source_ip == "185.220.101.47");
    CHECK(r.logins[0].when == "before");
    CHECK(r.logins[1].when == "inside");
    CHECK(r.logins_from == ts("2026-03-09T12:00:00Z"));
    REQUIRE(r.users.size() == 1);
    CHECK(r.users[0].username == "mallory@acme.example");
    CHECK(r.users[0].is_integration);
  }

  TEST_CASE("the plan section counts items by status and object and field") {
    IncidentReport r = build_report(SmallIncident().inputs(true));
    REQUIRE(r.plan.has_value());
    CHECK(r.plan->items == 6);
    REQUIRE(r.plan->by_status.size() == 4);
    CHECK(r.plan->by_status[0].name == "ready");
    CHECK(r.plan->by_status[0].count == 3);
    CHECK(r.plan->by_status[1].count == 2);  // the admin's correction of inv1 is a conflict too
    CHECK(r.plan->by_status[2].count == 0);
    CHECK(r.plan->by_status[3].count == 1);
    std::size_t total = 0;
    for (const ItemCount& c : r.plan->counts) total += c.items;
    CHECK(total == 6);
  }

  TEST_CASE("journal outcomes split into apply and verify and intents are not counted") {
    IncidentReport r = build_report(SmallIncident().inputs(true));
    CHECK(r.journal.entries == 5);
    REQUIRE(r.journal.applied.size() == 2);
    CHECK(r.journal.applied[0].outcome == "applied");
    CHECK(r.journal.applied[1].outcome == "failed");
    REQUIRE(r.journal.verified.size() == 1);
    CHECK(r.journal.verified[0].outcome == "restored");
    CHECK(r.journal.chain_intact == true);
  }

  TEST_CASE("conflicts unrestorable items failures and created records need a human") {
    SmallIncident inc;
    IncidentReport r = build_report(inc.inputs(true));
    REQUIRE(r.attention.size() == 5);
    std::string kinds;
    for (const auto& a : r.attention) kinds += a.kind + " " + a.field + ",";
    INFO(kinds);
    auto second = std::find_if(r.attention.begin() + 1, r.attention.end(),
                               [](const AttentionItem& a) { return a.kind == "conflict"; });
    REQUIRE(second != r.attention.end());
    CHECK(second->detail.find("already holds the pre-window value") != std::string::npos);
    r.attention.erase(second);
    CHECK(r.attention[0].kind == "conflict");
    CHECK(r.attention[0].record_id == inc.inv2);
    CHECK(r.attention[0].field == "Amount__c");
    CHECK(r.attention[0].detail.find("admin@acme.example") != std::string::npos);
    CHECK(r.attention[1].kind == "unrestorable");
    CHECK(r.attention[1].field == "Notes__c");
    CHECK(r.attention[2].kind == "failed");
    CHECK(r.attention[2].sobject == "Invoice__c");
    CHECK(r.attention[2].field == "Amount__c");
    CHECK(r.attention[3].kind == "created");
    CHECK(r.attention[3].record_id == inc.inv3);
  }

  TEST_CASE("a journal outcome on the written field name finds its object") {
    SmallIncident inc;
    ReportInputs in = inc.inputs(true);
    in.journal.push_back(JournalRow{6,
                                    JournalEntry{inc.plan.plan_id, 1, "outcome", inc.inv1,
                                                 "OwnerId", "drifted", "live value changed"},
                                    "", "", ""});
    in.journal.push_back(
        JournalRow{7, JournalEntry{"p-other-plan", 1, "outcome", inc.inv1, "Paid__c", "failed", ""},
                   "", "", ""});
    IncidentReport r = build_report(in);
    CHECK(r.journal.entries == 6);
    auto drifted = std::find_if(r.attention.begin(), r.attention.end(),
                                [](const AttentionItem& a) { return a.kind == "drifted"; });
    REQUIRE(drifted != r.attention.end());
    CHECK(drifted->sobject == "Invoice__c");
    CHECK(drifted->field == "OwnerId");
    CHECK(drifted->detail == "live value changed");
    CHECK(r.attention.size() == 6);
  }

  TEST_CASE("without a plan created records still come from the users events") {
    IncidentReport r = build_report(SmallIncident().inputs(false));
    CHECK_FALSE(r.plan.has_value());
    CHECK(r.journal.entries == 0);
    REQUIRE(r.attention.size() == 1);
    CHECK(r.attention[0].kind == "created");
    CHECK(r.attention[0].detail == "by mallory@acme.example at 2026-03-10 13:30:00Z");
  }

  TEST_CASE("the bucket size grows with the window") {
    struct Case {
      const char* from;
      const char* to;
      std::int64_t minutes;
    };
    for (const Case& c : {Case{"2026-03-10T12:00:00Z", "2026-03-10T14:00:00Z", 10},
                          Case{"2026-03-10T00:00:00Z", "2026-03-10T12:00:00Z", 10},
                          Case{"2026-03-10T00:00:00Z", "2026-03-11T00:00:00Z", 60},
                          Case{"2026-03-01T00:00:00Z", "2026-03-08T00:00:00Z", 360},
                          Case{"2026-03-01T00:00:00Z", "2026-03-31T00:00:00Z", 1440},
                          Case{"2026-01-01T00:00:00Z", "2026-04-01T00:00:00Z", 7 * 1440}}) {
      CAPTURE(c.from);
      CAPTURE(c.to);
      CHECK(choose_bucket_ms(ts(c.from), ts(c.to)) == c.minutes * 60000);
    }
  }
}
