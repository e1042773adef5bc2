// Timeline: chains, same-second ordering, lookup pairing, events, values at a time, queries.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include <sfrewind/timeline/timeline.hpp>

using sfrewind::FieldValue;
using sfrewind::HistoryRow;
using sfrewind::Timestamp;
namespace tl = sfrewind::timeline;

namespace {

using Opt = std::optional<std::string>;

Timestamp at(const char* text) { return *Timestamp::parse(text); }

HistoryRow row(std::string id, std::string field, Opt old_v, Opt new_v, std::string by,
               const char* when, std::string type = "Text", std::string record = "a01000000000001AAA") {
  HistoryRow r;
  r.org_id = "00D000000000001AAA";
  r.history_id = std::move(id);
  r.sobject = "Invoice__c";
  r.record_id = std::move(record);
  r.field = std::move(field);
  r.data_type = std::move(type);
  r.old_value = std::move(old_v);
  r.new_value = std::move(new_v);
  r.changed_by = std::move(by);
  r.changed_at = at(when);
  return r;
}

std::vector<std::string> ids_of(const tl::FieldChain& c) {
  std::vector<std::string> out;
  for (const auto& ch : c.changes) out.push_back(ch.history_id);
  return out;
}

std::vector<bool> ambiguity_of(const tl::FieldChain& c) {
  std::vector<bool> out;
  for (const auto& ch : c.changes) out.push_back(ch.ambiguous);
  return out;
}

const char* kT0 = "2026-03-10T10:00:00.000Z";
const char* kT1 = "2026-03-10T12:00:00.000Z";
const char* kAttacker = "005000000000009AAA";
const char* kAdmin = "005000000000001AAA";

}  // namespace

TEST_SUITE("timeline") {
  TEST_CASE("same-second changes are ordered by the value chain then by history id") {
    struct Case {
      const char* name;
      std::vector<HistoryRow> rows;
      std::vector<std::string> order;
      std::vector<bool> ambiguous;
    };
    const std::vector<Case> cases = {
        {"chain settles an order the ids contradict",
         {row("h0", "Status__c", "0", "1", kAdmin, kT0), row("h3", "Status__c", "1", "2", kAttacker, kT1),
          row("h1", "Status__c", "2", "3", kAttacker, kT1), row("h2", "Status__c", "3", "4", kAttacker, kT1)},
         {"h0", "h3", "h1", "h2"},
         {false, false, false, false}},
        {"identical changes tie and fall back to id order",
         {row("h0", "Status__c", "0", "1", kAdmin, kT0), row("h2", "Status__c", "1", "2", kAttacker, kT1),
          row("h1", "Status__c", "1", "2", kAdmin, kT1)},
         {"h0", "h1", "h2"},
         {false, true, true}},
        {"an a-b-a run leaves only the middle change settled",
         {row("h0", "Status__c", "0", "1", kAdmin, kT0), row("h1", "Status__c", "1", "2", kAttacker, kT1),
          row("h2", "Status__c", "2", "1", kAttacker, kT1), row("h3", "Status__c", "1", "2", kAttacker, kT1)},
         {"h0", "h1", "h2", "h3"},
         {false, true, false, true}},
        {"a history gap before the second is ignored when the run chains by itself",
         {row("h0", "Status__c", "0", "9", kAdmin, kT0), row("h2", "Status__c", "1", "2", kAttacker, kT1),
          row("h1", "Status__c", "2", "3", kAttacker, kT1)},
         {"h0", "h2", "h1"},
         {false, false, false}},
        {"a run no chain fits keeps id order and is ambiguous",
         {row("h2", "Status__c", "1", "2", kAttacker, kT1), row("h1", "Status__c", "5", "6", kAttacker, kT1)},
         {"h1", "h2"},
         {true, true}},
        {"numbers chain by value so 1500.0 links to 1500",
         {row("h2", "Amount__c", "1500", "10", kAttacker, kT1, "Currency"),
          row("h1", "Amount__c", "10", "20", kAttacker, kT1, "Currency"),
          row("h0", "Amount__c", "5", "1500.0", kAdmin, kT0, "Currency")},
         {"h0", "h2", "h1"},
         {false, false, false}},
        {"a changes-only-by-time order is kept across seconds",
         {row("h9", "Status__c", "1", "2", kAttacker, kT0), row("h1", "Status__c", "2", "3", kAttacker, kT1)},
         {"h9", "h1"},
         {false, false}},
    };
    for (const auto& c : cases) {
      CAPTURE(c.name);
      tl::Chains chains = tl::build_chains(c.rows);
      REQUIRE(chains.chains.size() == 1);
      CHECK(ids_of(chains.chains[0]) == c.order);
      CHECK(ambiguity_of(chains.chains[0]) == c.ambiguous);
      bool any = false;
      for (bool b : c.ambiguous) any = any || b;
      CHECK(chains.chains[0].has_ambiguity == any);
    }
  }

  TEST_CASE("a lookup change pairs its EntityId row with the Text row of the same user and second") {
    std::vector<HistoryRow> rows = {
        row("h1", "Owner", "Jane Doe", "Mallory", kAttacker, kT1, "Text"),
        row("h2", "Owner", "005000000000001AAA", "005000000000009AAA", kAttacker, kT1, "EntityId"),
        row("h3", "Owner", "Jane Doe", "Bob", kAdmin, kT1, "Text"),
    };
    tl::Chains chains = tl::build_chains(rows);
    REQUIRE(chains.chains.size() == 1);
    const auto& changes = chains.chains[0].changes;
    REQUIRE(changes.size() == 2);
    const tl::Change* lookup = changes[0].is_lookup ? &changes[0] : &changes[1];
    const tl::Change* plain = changes[0].is_lookup ? &changes[1] : &changes[0];
    CHECK(lookup->history_id == "h2");
    CHECK(lookup->name_history_id == "h1");
    CHECK(lookup->old_value.kind() == FieldValue::Kind::kId);
    CHECK(lookup->new_value.text() == "005000000000009AAA");
    CHECK(lookup->old_name == Opt("Jane Doe"));
    CHECK(lookup->new_name == Opt("Mallory"));
    CHECK(plain->history_id == "h3");
    CHECK_FALSE(plain->is_lookup);
  }

  TEST_CASE("event rows become record events and never field changes") {
    std::vector<HistoryRow> rows = {
        row("h1", "created", std::nullopt, std::nullopt, kAttacker, kT0),
        row("h2", "ownerAssignment", std::nullopt, std::nullopt, kAdmin, kT1),
        row("h3", "Paid__c", "false", "true", kAttacker, kT1, "Boolean"),
        row("h4", "Paid__c", "true", "false", kAdmin, kT1, "Boolean", "a01000000000002AAA"),
        row("h4", "Paid__c", "true", "false", kAdmin, kT1, "Boolean", "a01000000000002AAA"),
    };
    auto timelines = tl::build_timelines(rows);
    REQUIRE(timelines.size() == 2);
    CHECK(timelines[0].record_id == "a01000000000001AAA");
    REQUIRE(timelines[0].events.size() == 2);
    CHECK(timelines[0].events[0].name == "created");
    CHECK(timelines[0].events[1].name == "ownerAssignment");
    REQUIRE(timelines[0].fields.size() == 1);
    CHECK(timelines[0].fields[0].field == "Paid__c");
    CHECK(timelines[1].events.empty());
    REQUIRE(timelines[1].fields.size() == 1);
    CHECK(timelines[1].fields[0].changes.size() == 1);  // the duplicate history id is dropped
    CHECK(tl::is_deletion_event("recordDeleted"));
    CHECK_FALSE(tl::is_deletion_event("recordUndeleted"));
  }

  TEST_CASE("values at a time come from history or a snapshot with their source") {
    std::vector<HistoryRow> rows = {
        row("h1", "Status__c", "Draft", "Sent", kAdmin, "2026-03-01T00:00:00Z"),
        row("h2", "Status__c", "Sent", "Paid", kAttacker, "2026-03-10T12:00:00Z"),
        row("h3", "Amount__c", "100", "900", kAttacker, "2026-03-10T12:00:00Z", "Currency"),
    };
    auto record = tl::build_timelines(rows).at(0);
    const std::vector<std::string> watched = {"Amount__c", "Notes__c", "Status__c"};
    struct Case {
      const char* name;
      const char* at;
      std::vector<tl::SnapshotValue> snaps;
      const char* field;
      const char* value;  // nullptr: null
      tl::ValueSource source;
      const char* history_id;
    };
    const std::vector<Case> cases = {
        {"last change before", "2026-03-05T00:00:00Z", {}, "Status__c", "Sent", tl::ValueSource::kHistory, "h1"},
        {"a change at the instant does not count", "2026-03-10T12:00:00Z", {}, "Status__c", "Sent",
         tl::ValueSource::kHistory, "h1"},
        {"old value of the first change after", "2026-03-05T00:00:00Z", {}, "Amount__c", "100",
         tl::ValueSource::kHistory, "h3"},
        {"never changed and no snapshot", "2026-03-05T00:00:00Z", {}, "Notes__c", nullptr,
         tl::ValueSource::kUnknown, ""},
        {"snapshot then no change", "2026-03-05T00:00:00Z",
         {{"Notes__c", FieldValue::text_value("long text"), at("2026-03-02T00:00:00Z")}}, "Notes__c",
         "long text", tl::ValueSource::kSnapshot, ""},
        {"snapshot then later history", "2026-03-11T00:00:00Z",
         {{"Status__c", FieldValue::text_value("Sent"), at("2026-03-02T00:00:00Z")}}, "Status__c", "Paid",
         tl::ValueSource::kHistory, "h2"},
        {"snapshot taken after the time with nothing between", "2026-03-05T00:00:00Z",
         {{"Status__c", FieldValue::text_value("Sent!"), at("2026-03-06T00:00:00Z")}}, "Status__c", "Sent!",
         tl::ValueSource::kSnapshot, ""},
    };
    for (const auto& c : cases) {
      CAPTURE(c.name);
      auto values = tl::values_at(record, at(c.at), watched, c.snaps);
      REQUIRE(values.size() == 3);
      const tl::ValueAt* v = nullptr;
      for (const auto& x : values) {
        if (x.field == c.field) v = &x;
      }
      REQUIRE(v != nullptr);
      if (c.value) {
        CHECK(v->value.text() == c.value);
      } else {
        CHECK(v->value.is_null());
      }
      CHECK(v->source == c.source);
      CHECK(v->history_id == c.history_id);
    }
    CHECK(tl::value_source_name(tl::ValueSource::kSnapshot) == "snapshot");
  }

  TEST_CASE("who-changed filters and summaries count lookup pairs once") {
    std::vector<HistoryRow> rows = {
        row("h1", "Owner", "Jane", "Mallory", kAttacker, "2026-03-10T12:00:00Z", "Text"),
        row("h2", "Owner", "005000000000001AAA", "005000000000009AAA", kAttacker, "2026-03-10T12:00:00Z",
            "EntityId"),
        row("h3", "Paid__c", "false", "true", kAttacker, "2026-03-10T12:00:05Z", "Boolean"),
        row("h4", "Paid__c", "false", "true", kAttacker, "2026-03-10T12:30:00Z", "Boolean",
            "a01000000000002AAA"),
        row("h5", "Paid__c", "true", "false", kAdmin, "2026-03-11T09:00:00Z", "Boolean"),
        row("h6", "created", std::nullopt, std::nullopt, kAttacker, "2026-03-10T12:40:00Z"),
    };
    tl::ChangeFilter filter;
    filter.users = {kAttacker};
    filter.from = at("2026-03-10T00:00:00Z");
    filter.to = at("2026-03-11T00:00:00Z");
    auto kept = tl::filter_rows(rows, filter);
    REQUIRE(kept.size() == 5);
    CHECK(kept.front().changed_at <= kept.back().changed_at);
    filter.include_events = false;
    filter.field = "Paid__c";
    CHECK(tl::filter_rows(rows, filter).size() == 2);

    filter = tl::ChangeFilter{};
    filter.users = {kAttacker};
    filter.include_events = false;
    auto summary = tl::summarize(rows, filter);
    REQUIRE(summary.size() == 2);
    CHECK(summary[0].field == "Owner");
    CHECK(summary[0].changes == 1);
    CHECK(summary[0].rows == 2);
    CHECK(summary[1].field == "Paid__c");
    CHECK(summary[1].changes == 2);
    CHECK(summary[1].records == 2);
    CHECK(summary[1].first == at("2026-03-10T12:00:05Z"));
    CHECK(summary[1].last == at("2026-03-10T12:30:00Z"));
  }
}
