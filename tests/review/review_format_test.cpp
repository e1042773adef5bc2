// Review output on small row tables: chain order in a second, typed values, CSV quoting, alerts.
#include <doctest/doctest.h>

#include <sfrewind/report/review.hpp>
#include <sfrewind/timeline/alerts.hpp>

#include "support/history_rows.hpp"

using namespace sfrewind;
using namespace sfrewind::test;

TEST_SUITE("review") {
  TEST_CASE("the timeline table orders same-second changes by the value chain not by id") {
    const std::string inv = make_id("a01", 1);
    const std::string user = make_id("005", 1);
    RowTable t;
    // Ids say B then A, the chain says A (new -> sent) then B (sent -> paid).
    t.add(inv, "Status__c", "Sent", "Paid", user, "2026-11-20T01:00:00Z", "Text");
    t.add(inv, "Status__c", "New", "Sent", user, "2026-11-20T01:00:00Z", "Text");
    auto timelines = timeline::build_timelines(t.rows());
    REQUIRE(timelines.size() == 1);
    auto table = report::timeline_table(timelines.front(), {{user, "u@x.example"}});
    REQUIRE(table.size() == 3);
    CHECK(table[1][2] == "New");
    CHECK(table[2][2] == "Sent");
    CHECK(table[1][5].empty());
  }

  TEST_CASE("values print typed in JSON and quoted in CSV") {
    CHECK(report::value_json(FieldValue::boolean(true)) == "true");
    CHECK(report::value_json(FieldValue::number("1500.0")) == "1500.0");
    CHECK(report::value_json(FieldValue::null()) == "null");
    CHECK(report::value_json(FieldValue::text_value("a\"b")) == "\"a\\\"b\"");
    CHECK(report::csv_field("a,b") == "\"a,b\"");
    CHECK(report::csv_field("say \"x\"") == "\"say \"\"x\"\"\"");
    CHECK(report::csv_field("plain") == "plain");
  }

  TEST_CASE("alert rules parse new-field and rate and refuse anything else") {
    std::vector<std::string> ok{"new-field", "rate=50"};
    auto rules = timeline::parse_alert_rules(ok);
    REQUIRE(rules.has_value());
    CHECK(rules->new_field);
    CHECK(rules->max_records_per_hour == 50u);
    for (std::string bad : {"rate=0", "rate=", "rate=5x", "newfield", "rate=-1"}) {
      std::vector<std::string> one{bad};
      CHECK_FALSE(timeline::parse_alert_rules(one).has_value());
    }
  }

  TEST_CASE("an integration user touching a new field or too many records raises alerts") {
    const std::string bot = make_id("005", 7);
    const std::string human = make_id("005", 1);
    RowTable base;
    base.add(make_id("a01", 1), "Status__c", "New", "Sent", bot, "2026-11-19T10:00:00Z");
    RowTable fresh;
    fresh.add(make_id("a01", 2), "Status__c", "New", "Sent", bot, "2026-11-20T01:00:00Z");
    for (int i = 0; i < 5; ++i) {
      fresh.add(make_id("a01", 10 + i), "Paid__c", "false", "true", bot, "2026-11-20T01:10:00Z",
                "Boolean");
    }
    fresh.add(make_id("a01", 3), "Amount__c", "1", "2", human, "2026-11-20T01:00:00Z");
    timeline::AlertRules rules;
    rules.new_field = true;
    rules.max_records_per_hour = 5;
    auto alerts = timeline::evaluate_alerts(base.rows(), fresh.rows(), {bot}, rules);
    REQUIRE(alerts.size() == 2);
    CHECK(alerts[0].kind == timeline::Alert::Kind::kNewField);
    CHECK(alerts[0].field == "Paid__c");
    CHECK(alerts[1].kind == timeline::Alert::Kind::kRate);
    CHECK(alerts[1].records == 6);
    CHECK(timeline::alert_message(alerts[0], {{bot, "bot@x.example"}}, rules) ==
          "alert: new field: bot@x.example changed Invoice__c.Paid__c for the first time at "
          "2026-11-20T01:10:00.000Z");
    rules.max_records_per_hour = 6;
    CHECK(timeline::evaluate_alerts(base.rows(), fresh.rows(), {bot}, rules).size() == 1);
  }
}
