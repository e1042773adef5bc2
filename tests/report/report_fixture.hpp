// A small incident for report tests: history rows, users, logins, a real plan and a journal.
#pragma once

#include <string>
#include <vector>

#include <sfrewind/report/report.hpp>
#include <sfrewind/rollback/planner.hpp>

#include "support/history_rows.hpp"

namespace sfrewind::test {

inline const std::string kReportOrg = "00D000000000001AAA";

struct SmallIncident {
  std::string attacker = make_id("005", 9);
  std::string admin = make_id("005", 1);
  std::string inv1 = make_id("a01", 1);
  std::string inv2 = make_id("a01", 2);
  std::string inv3 = make_id("a01", 3);
  std::vector<HistoryRow> rows;
  std::vector<UserRecord> users;
  std::vector<LoginRecord> logins;
  rollback::Plan plan;

  SmallIncident() {
    RowTable t;
    t.add(inv1, "Paid__c", "false", "true", attacker, "2026-03-10T12:10:00Z", "Boolean");
    t.add(inv1, "Amount__c", "1500.0", "1.0", attacker, "2026-03-10T12:10:00Z", "Currency");
    t.add(inv1, "Owner", "Jane Doe", "Mallory", attacker, "2026-03-10T12:41:00Z", "Text");
    t.add(inv1, "Owner", admin, attacker, attacker, "2026-03-10T12:41:00Z", "EntityId");
    t.add(inv2, "Paid__c", "false", "true", attacker, "2026-03-10T12:12:00Z", "Boolean");
    t.add(inv2, "Paid__c", "true", "false", admin, "2026-03-11T08:00:00Z", "Boolean");
    t.add(inv2, "Notes__c", std::nullopt, std::nullopt, attacker, "2026-03-10T13:05:00Z",
          "MultiLineText");
    t.add(inv3, "created", std::nullopt, std::nullopt, attacker, "2026-03-10T13:30:00Z");
    t.add(inv2, "Amount__c", "10", "20", attacker, "2026-03-10T12:15:00Z", "Currency");
    t.add(inv2, "Amount__c", "20", "30", admin, "2026-03-10T12:30:00Z", "Currency");
    t.add(inv1, "Status__c", "Sent", "Paid", attacker, "2026-03-09T12:30:00Z", "Text");
    rows = t.rows();
    users = {{kReportOrg, attacker, "mallory@acme.example", "Mallory <script>alert(1)</script>",
              "Minimum Access", "Salesforce Integration", true, true, true},
             {kReportOrg, admin, "admin@acme.example", "Alex Admin", "System Administrator",
              "Salesforce", true, false, false}};
    logins = {{kReportOrg, "0Ya000000000001AAA", attacker, ts("2026-03-09T09:00:00Z"), "10.0.0.1",
               "Remote Access 2.0", "app", "Success"},
              {kReportOrg, "0Ya000000000002AAA", attacker, ts("2026-03-10T11:58:00Z"),
               "185.220.101.47", "Remote Access 2.0", "app", "Success"},
              {kReportOrg, "0Ya000000000003AAA", attacker, ts("2026-03-10T12:20:00Z"),
               "185.220.101.47", "Remote Access 2.0", "app", "Success"},
              {kReportOrg, "0Ya000000000004AAA", admin, ts("2026-03-10T12:21:00Z"), "10.0.0.7",
               "Application", "Browser", "Success"}};
    rollback::PlanRequest req;
    req.users = {attacker};
    req.from = ts("2026-03-10T12:00:00Z");
    req.to = ts("2026-03-10T14:00:00Z");
    req.fields["Invoice__c.Paid__c"].type = "boolean";
    req.fields["Invoice__c.Amount__c"].type = "currency";
    req.fields["Invoice__c.OwnerId"].type = "reference";
    req.fields["Invoice__c.Notes__c"].type = "textarea";
    req.fields["Invoice__c.Notes__c"].length = 32768;
    plan = *rollback::build_plan(req, rows);
  }

  std::vector<JournalRow> journal() const {
    auto row = [&](std::int64_t seq, const char* kind, const std::string& record, const char* field,
                   const char* outcome) {
      return JournalRow{seq, JournalEntry{plan.plan_id, 0, kind, record, field, outcome, ""},
                        "2026-03-11T09:00:00.000Z", "", ""};
    };
    return {row(1, "intent", inv1, "Paid__c", ""), row(2, "outcome", inv1, "Paid__c", "applied"),
            row(3, "intent", inv1, "Amount__c", ""), row(4, "outcome", inv1, "Amount__c", "failed"),
            row(5, "verify", inv1, "Paid__c", "restored")};
  }

  report::ReportInputs inputs(bool with_plan) const {
    report::ReportInputs in;
    in.org_id = kReportOrg;
    in.user_ids = {attacker};
    in.from = ts("2026-03-10T12:00:00Z");
    in.to = ts("2026-03-10T14:00:00Z");
    in.directory = users;
    in.rows = rows;
    in.logins = logins;
    if (with_plan) {
      in.plan = plan;
      in.journal = journal();
      in.journal_intact = true;
    }
    return in;
  }
};

}  // namespace sfrewind::test
