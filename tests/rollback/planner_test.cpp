// Planner: item statuses, lookups, snapshot rescue, created and deleted listings, scale.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <sfrewind/rollback/planner.hpp>

#include "support/history_rows.hpp"

using namespace sfrewind::rollback;
using sfrewind::FieldValue;
using sfrewind::test::make_id;
using sfrewind::test::RowTable;
using sfrewind::test::ts;

namespace {

const std::string kAttacker = make_id("005", 9);
const std::string kAdmin = make_id("005", 1);

FieldMeta meta(std::string type, int length = 0) {
  FieldMeta m;
  m.type = std::move(type);
  m.length = length;
  return m;
}

PlanRequest base_request() {
  PlanRequest req;
  req.users = {kAttacker};
  req.from = ts("2026-03-10T12:00:00Z");
  req.to = ts("2026-03-10T14:00:00Z");
  auto& f = req.fields;
  f["Invoice__c.Paid__c"] = meta("boolean");
  f["Invoice__c.Amount__c"] = meta("currency");
  f["Invoice__c.Status__c"] = meta("picklist", 255);
  f["Invoice__c.Notes__c"] = meta("textarea", 32000);
  f["Invoice__c.Tags__c"] = meta("multipicklist");
  f["Invoice__c.Secret__c"] = meta("encryptedstring", 175);
  f["Invoice__c.Subject__c"] = meta("string", 0);
  f["Invoice__c.Code__c"] = meta("string", 255);
  f["Invoice__c.Due__c"] = meta("date");
  f["Invoice__c.OwnerId"] = meta("reference", 18);
  FieldMeta total = meta("currency");
  total.calculated = true;
  total.updateable = false;
  f["Invoice__c.Total__c"] = total;
  FieldMeta number = meta("string", 30);
  number.updateable = false;
  f["Invoice__c.Number__c"] = number;
  FieldMeta name = meta("string", 80);
  name.nillable = false;
  f["Invoice__c.Name"] = name;
  return req;
}

const PlanItem* find_item(const Plan& plan, const std::string& record, const std::string& field) {
  for (const auto& it : plan.items) {
    if (it.record_id == record && it.field == field) return &it;
  }
  return nullptr;
}

}  // namespace

TEST_SUITE("rollback") {
  TEST_CASE("every item gets the status its history calls for") {
    struct Case {
      const char* name;
      const char* field;
      std::vector<std::tuple<const char*, const char*, bool, const char*, const char*>> changes;
      ItemStatus status;
      const char* restore_to;
      const char* attacker_value;
      const char* reason_has;
    };
    // changes: (old, new, by attacker, when, data type); old/new "~" means null.
    const std::vector<Case> cases = {
        {"a plain change is ready", "Paid__c", {{"false", "true", true, "2026-03-10T12:10:00Z", "Boolean"}},
         ItemStatus::kReady, "false", "true", ""},
        {"two changes restore the first old value", "Amount__c",
         {{"100", "200", true, "2026-03-10T12:10:00Z", "Currency"},
          {"200", "1500.0", true, "2026-03-10T12:20:00Z", "Currency"}},
         ItemStatus::kReady, "100", "1500.0", ""},
        {"changes before the window are ignored", "Status__c",
         {{"Open", "Sent", true, "2026-03-09T12:10:00Z", "Text"},
          {"Sent", "Paid", true, "2026-03-10T12:10:00Z", "Text"}},
         ItemStatus::kReady, "\"Sent\"", "\"Paid\"", ""},
        {"a later edit by someone else is a conflict", "Status__c",
         {{"Open", "Paid", true, "2026-03-10T12:10:00Z", "Text"},
          {"Paid", "Closed", false, "2026-03-11T09:00:00Z", "Text"}},
         ItemStatus::kConflict, "\"Open\"", "\"Paid\"", "after"},
        {"an edit between the users' changes is a conflict", "Status__c",
         {{"Open", "Paid", true, "2026-03-10T12:10:00Z", "Text"},
          {"Paid", "Sent", false, "2026-03-10T12:30:00Z", "Text"},
          {"Sent", "Void", true, "2026-03-10T12:40:00Z", "Text"}},
         ItemStatus::kConflict, "\"Open\"", "\"Void\"", "between"},
        {"the users' own change after the window is a conflict", "Status__c",
         {{"Open", "Paid", true, "2026-03-10T12:10:00Z", "Text"},
          {"Paid", "Void", true, "2026-03-10T15:00:00Z", "Text"}},
         ItemStatus::kConflict, "\"Open\"", "\"Paid\"", "after the window"},
        {"an admin's correction back to the old value is a conflict left alone", "Status__c",
         {{"Open", "Paid", true, "2026-03-10T12:10:00Z", "Text"},
          {"Paid", "Open", false, "2026-03-10T16:00:00Z", "Text"}},
         ItemStatus::kConflict, "\"Open\"", "\"Paid\"", "already holds the pre-window value"},
        {"the users' own revert makes it a noop", "Amount__c",
         {{"100", "900", true, "2026-03-10T12:10:00Z", "Currency"},
          {"900", "100.00", true, "2026-03-10T12:11:00Z", "Currency"}},
         ItemStatus::kNoop, "100", "100.00", ""},
        {"long text keeps no value", "Notes__c", {{"~", "~", true, "2026-03-10T12:10:00Z", "MultiLineText"}},
         ItemStatus::kUnrestorable, "null", "null", "long"},
        {"multi-select keeps no value", "Tags__c", {{"~", "~", true, "2026-03-10T12:10:00Z", "MultiEnum"}},
         ItemStatus::kUnrestorable, "null", "null", "multi-select"},
        {"encrypted fields are unrestorable", "Secret__c",
         {{"a", "b", true, "2026-03-10T12:10:00Z", "EncryptedText"}}, ItemStatus::kUnrestorable, "\"a\"",
         "\"b\"", "encrypted"},
        {"calculated fields are unrestorable", "Total__c",
         {{"1", "2", true, "2026-03-10T12:10:00Z", "Currency"}}, ItemStatus::kUnrestorable, "1", "2",
         "calculated"},
        {"read-only fields are unrestorable", "Number__c",
         {{"A-1", "A-2", true, "2026-03-10T12:10:00Z", "Text"}}, ItemStatus::kUnrestorable, "\"A-1\"",
         "\"A-2\"", "not updateable"},
        {"fields describe does not know are unrestorable", "Mystery__c",
         {{"x", "y", true, "2026-03-10T12:10:00Z", "Text"}}, ItemStatus::kUnrestorable, "\"x\"", "\"y\"",
         "metadata"},
        {"a null-to-null row recorded nothing", "Subject__c",
         {{"~", "~", true, "2026-03-10T12:10:00Z", "Text"}}, ItemStatus::kUnrestorable, "null", "null",
         "did not record"},
        {"a null for a required field is unrestorable", "Name",
         {{"~", "Acme", true, "2026-03-10T12:10:00Z", "Text"}}, ItemStatus::kUnrestorable, "null",
         "\"Acme\"", "required"},
        {"a value that cannot be encoded is unrestorable", "Due__c",
         {{"soon", "2026-03-20", true, "2026-03-10T12:10:00Z", "DateOnly"}}, ItemStatus::kUnrestorable,
         "\"soon\"", "\"2026-03-20\"", "cannot encode"},
        {"dates restore as dates", "Due__c",
         {{"2026-03-01", "2026-03-20", true, "2026-03-10T12:10:00Z", "DateOnly"}}, ItemStatus::kReady,
         "\"2026-03-01\"", "\"2026-03-20\"", ""},
    };
    for (const auto& c : cases) {
      CAPTURE(c.name);
      RowTable t;
      const std::string record = make_id("a01", 1);
      for (const auto& [o, n, mine, when, type] : c.changes) {
        auto val = [](const char* s) { return std::string(s) == "~" ? std::nullopt : std::optional<std::string>(s); };
        t.add(record, c.field, val(o), val(n), mine ? kAttacker : kAdmin, when, type);
      }
      auto plan = build_plan(base_request(), t.rows());
      REQUIRE(plan.has_value());
      REQUIRE(plan->items.size() == 1);
      const PlanItem& it = plan->items[0];
      CHECK(item_status_name(it.status) == item_status_name(c.status));
      CHECK(it.restore_to == c.restore_to);
      CHECK(it.attacker_value == c.attacker_value);
      CHECK(it.reason.find(c.reason_has) != std::string::npos);
      if (it.status == ItemStatus::kReady) CHECK(it.reason.empty());
    }
  }

  TEST_CASE("255-character values are truncated only when the field may be longer") {
    RowTable t;
    const std::string r = make_id("a01", 1);
    const std::string long_value(255, 'x');
    t.add(r, "Subject__c", long_value, "short", kAttacker, "2026-03-10T12:10:00Z");
    t.add(r, "Code__c", long_value, "short", kAttacker, "2026-03-10T12:10:00Z");
    auto plan = build_plan(base_request(), t.rows());
    REQUIRE(plan.has_value());
    CHECK(find_item(*plan, r, "Subject__c")->status == ItemStatus::kUnrestorable);
    CHECK(find_item(*plan, r, "Subject__c")->reason.find("truncated") != std::string::npos);
    CHECK(find_item(*plan, r, "Code__c")->status == ItemStatus::kReady);
  }

  TEST_CASE("lookups restore the id row and keep the names for display") {
    RowTable t;
    const std::string r = make_id("a01", 1);
    const std::string jane = make_id("005", 2);
    t.add(r, "Owner", "Jane Doe", "Mallory", kAttacker, "2026-03-10T12:10:00Z", "Text");
    t.add(r, "Owner", jane, kAttacker, kAttacker, "2026-03-10T12:10:00Z", "EntityId");
    auto plan = build_plan(base_request(), t.rows());
    REQUIRE(plan.has_value());
    REQUIRE(plan->items.size() == 1);
    const PlanItem& it = plan->items[0];
    CHECK(it.status == ItemStatus::kReady);
    CHECK(it.api_field == "OwnerId");
    CHECK(it.restore_to == "\"" + jane + "\"");
    CHECK(it.attacker_value == "\"" + kAttacker + "\"");
    CHECK(it.restore_name == std::optional<std::string>("Jane Doe"));
    CHECK(it.attacker_name == std::optional<std::string>("Mallory"));
    CHECK(plan->batches.at(0).body.find("\"OwnerId\":\"" + jane + "\"") != std::string::npos);
  }

  TEST_CASE("a lookup with only its name row cannot be restored from history") {
    RowTable t;
    const std::string r = make_id("a01", 1);
    t.add(r, "OwnerId", "Jane Doe", "Mallory", kAttacker, "2026-03-10T12:10:00Z", "Text");
    auto plan = build_plan(base_request(), t.rows());
    REQUIRE(plan.has_value());
    CHECK(plan->items.at(0).status == ItemStatus::kUnrestorable);
    CHECK(plan->items.at(0).reason.find("id row") != std::string::npos);
  }

  TEST_CASE("a snapshot taken before the first change rescues an unrestorable item") {
    struct Case {
      const char* name;
      const char* taken_at;
      bool admin_edit_between;
      ItemStatus status;
      bool rescued;
    };
    const Case cases[] = {
        {"snapshot just before", "2026-03-10T03:00:00Z", false, ItemStatus::kReady, true},
        {"snapshot after the first change", "2026-03-10T12:30:00Z", false, ItemStatus::kUnrestorable, false},
        {"a change between snapshot and window", "2026-03-09T03:00:00Z", true, ItemStatus::kUnrestorable, false},
    };
    for (const auto& c : cases) {
      CAPTURE(c.name);
      RowTable t;
      const std::string r = make_id("a01", 1);
      if (c.admin_edit_between) t.add(r, "Notes__c", std::nullopt, std::nullopt, kAdmin, "2026-03-10T01:00:00Z");
      t.add(r, "Notes__c", std::nullopt, std::nullopt, kAttacker, "2026-03-10T12:10:00Z", "MultiLineText");
      PlanRequest req = base_request();
      req.snapshots.push_back({r, "Notes__c", FieldValue::text_value("Net 30.\nCall first."), ts(c.taken_at)});
      auto plan = build_plan(req, t.rows());
      REQUIRE(plan.has_value());
      const PlanItem& it = plan->items.at(0);
      CHECK(it.status == c.status);
      CHECK(it.rescued_from_snapshot == c.rescued);
      if (c.rescued) CHECK(it.restore_to == "\"Net 30.\\nCall first.\"");
    }
  }

  TEST_CASE("record deletions and creations are listed apart from the items") {
    RowTable t;
    const std::string created = make_id("a01", 1);
    const std::string deleted = make_id("a01", 2);
    const std::string evented = make_id("a01", 3);
    t.add(created, "created", std::nullopt, std::nullopt, kAttacker, "2026-03-10T12:05:00Z");
    t.add(created, "Status__c", "New", "Paid", kAttacker, "2026-03-10T12:06:00Z");
    t.add(make_id("a01", 4), "created", std::nullopt, std::nullopt, kAdmin, "2026-03-10T12:05:00Z");
    t.add(deleted, "Paid__c", "false", "true", kAttacker, "2026-03-10T12:10:00Z", "Boolean");
    t.add(evented, "recordDeleted", std::nullopt, std::nullopt, kAttacker, "2026-03-10T12:20:00Z");
    PlanRequest req = base_request();
    req.deleted_records = {deleted, evented};
    auto plan = build_plan(req, t.rows());
    REQUIRE(plan.has_value());
    REQUIRE(plan->created.size() == 1);
    CHECK(plan->created[0].record_id == created);
    CHECK(plan->created[0].changed_by == kAttacker);
    REQUIRE(plan->deleted.size() == 2);
    CHECK(plan->deleted[0].record_id == deleted);
    CHECK(plan->deleted[0].changed_by.empty());
    CHECK(plan->deleted[1].record_id == evented);
    CHECK(plan->deleted[1].history_id == t.rows()[4].history_id);
    const PlanItem* gone = find_item(*plan, deleted, "Paid__c");
    REQUIRE(gone != nullptr);
    CHECK(gone->status == ItemStatus::kUnrestorable);
    CHECK(gone->reason == "record deleted");
  }

  TEST_CASE("an ambiguous same-second order is never ready") {
    RowTable t;
    const std::string r = make_id("a01", 1);
    t.add(r, "Status__c", "Open", "Paid", kAttacker, "2026-03-10T12:10:00Z");
    t.add(r, "Status__c", "Open", "Paid", kAttacker, "2026-03-10T12:10:00Z");
    auto plan = build_plan(base_request(), t.rows());
    REQUIRE(plan.has_value());
    const PlanItem& it = plan->items.at(0);
    CHECK(it.ambiguous);
    CHECK(it.status == ItemStatus::kConflict);
    CHECK(it.reason.find("ambiguous") != std::string::npos);
  }

  TEST_CASE("a same-second chain settles which change was the users' first") {
    RowTable t;
    const std::string r = make_id("a01", 1);
    // Ids contradict the chain: the second row happened first.
    t.add(r, "Status__c", "Paid", "Void", kAttacker, "2026-03-10T12:10:00Z");
    t.add(r, "Status__c", "Open", "Paid", kAttacker, "2026-03-10T12:10:00Z");
    auto plan = build_plan(base_request(), t.rows());
    REQUIRE(plan.has_value());
    const PlanItem& it = plan->items.at(0);
    CHECK_FALSE(it.ambiguous);
    CHECK(it.status == ItemStatus::kReady);
    CHECK(it.restore_to == "\"Open\"");
    CHECK(it.attacker_value == "\"Void\"");
    CHECK(it.first_history_id == t.rows()[1].history_id);
  }

  TEST_CASE("bad requests are rejected as invalid arguments") {
    PlanRequest no_users = base_request();
    no_users.users.clear();
    PlanRequest empty_window = base_request();
    empty_window.to = empty_window.from;
    for (const PlanRequest* req : {&no_users, &empty_window}) {
      auto plan = build_plan(*req, {});
      REQUIRE_FALSE(plan.has_value());
      CHECK(plan.error().code == sfrewind::ErrorCode::kInvalidArgument);
    }
  }

  TEST_CASE("the same inputs give the same plan id and hash") {
    RowTable t;
    t.add(make_id("a01", 1), "Paid__c", "false", "true", kAttacker, "2026-03-10T12:10:00Z", "Boolean");
    auto a = build_plan(base_request(), t.rows());
    std::vector<sfrewind::HistoryRow> reversed(t.rows().rbegin(), t.rows().rend());
    auto b = build_plan(base_request(), reversed);
    REQUIRE(a.has_value());
    REQUIRE(b.has_value());
    CHECK(a->plan_id == b->plan_id);
    CHECK(a->hash == b->hash);
    CHECK(a->plan_id.size() == 17);
    CHECK(a->hash.rfind("sha256:", 0) == 0);
  }

  TEST_CASE("a plan built part by part is the plan of all its rows") {
    RowTable t;
    const std::string deleted = make_id("a01", 7);
    for (long i = 1; i <= 9; ++i) {
      const std::string r = make_id("a01", i);
      t.add(r, "Status__c", "Open", "Sent", kAdmin, "2026-03-10T11:00:00Z");
      t.add(r, "Status__c", "Sent", "Paid", kAttacker, "2026-03-10T12:10:00Z");
      if (i % 3 == 0) t.add(r, "Status__c", "Paid", "Void", kAdmin, "2026-03-10T13:00:00Z");
      t.add(r, "Amount__c", "10", "99", kAttacker, "2026-03-10T12:11:00Z", "Currency");
    }
    t.add(make_id("a01", 5), "created", std::nullopt, std::nullopt, kAttacker, "2026-03-10T12:01:00Z");
    t.add(make_id("a01", 8), "recordDeleted", std::nullopt, std::nullopt, kAttacker,
          "2026-03-10T12:30:00Z");
    t.set_sobject("Account");
    t.add(make_id("001", 1), "Status__c", "A", "B", kAttacker, "2026-03-10T12:12:00Z");
    PlanRequest all_req = base_request();
    all_req.fields["Account.Status__c"] = meta("picklist", 255);
    all_req.deleted_records = {deleted};
    auto whole = build_plan(all_req, t.rows());
    REQUIRE(whole.has_value());

    // Parts: one record each, newest record first, the deletion learned while reading.
    PlanRequest req = all_req;
    req.deleted_records.clear();
    auto builder = PlanBuilder::start(req);
    REQUIRE(builder.has_value());
    builder->reserve(4);  // fewer than it gets: room is a hint, never a limit
    std::vector<std::string> records;
    for (const auto& r : t.rows()) {
      if (std::find(records.begin(), records.end(), r.record_id) == records.end()) {
        records.push_back(r.record_id);
      }
    }
    for (auto it = records.rbegin(); it != records.rend(); ++it) {
      std::vector<sfrewind::HistoryRow> part;
      for (const auto& r : t.rows()) {
        if (r.record_id == *it) part.push_back(r);
      }
      if (*it == deleted) builder->add_deleted(*it);
      builder->add(part);
    }
    Plan parts = builder->finish();
    CHECK(parts.items.size() == whole->items.size());
    CHECK(parts.items.size() == 19);
    CHECK(parts.created.size() == 1);
    CHECK(parts.deleted.size() == 2);
    CHECK(parts.hash == whole->hash);
    CHECK(parts.plan_id == whole->plan_id);
    CHECK(parts.items.front().sobject == "Account");
    const PlanItem* gone = find_item(parts, deleted, "Amount__c");
    REQUIRE(gone != nullptr);
    CHECK(gone->reason == "record deleted");
  }

  TEST_CASE("a record's earliest deletion is listed whichever part its events come in") {
    RowTable t;
    const std::string r = make_id("a01", 1);
    t.add(r, "Paid__c", "false", "true", kAttacker, "2026-03-10T12:10:00Z", "Boolean");
    t.add(r, "recordDeleted", std::nullopt, std::nullopt, kAttacker, "2026-03-10T12:20:00Z");
    t.add(r, "deleted", std::nullopt, std::nullopt, kAttacker, "2026-03-10T12:40:00Z");
    const PlanRequest req = base_request();
    auto whole = build_plan(req, t.rows());
    REQUIRE(whole.has_value());
    // Each event pair in a part of its own, the later deletion first.
    auto builder = PlanBuilder::start(req);
    REQUIRE(builder.has_value());
    for (std::size_t i : {2, 0, 1}) builder->add(std::span(&t.rows()[i], 1));
    Plan parts = builder->finish();
    REQUIRE(parts.deleted.size() == 1);
    CHECK(parts.deleted[0].history_id == t.rows()[1].history_id);
    CHECK(parts.hash == whole->hash);
  }

  TEST_CASE("parts planned by a builder and its fork, then absorbed, give the whole plan") {
    RowTable t;
    for (long i = 1; i <= 6; ++i) {
      const std::string r = make_id("a01", i);
      t.add(r, "Status__c", "Open", "Sent", kAdmin, "2026-03-10T11:00:00Z");
      t.add(r, "Status__c", "Sent", "Paid", kAttacker, "2026-03-10T12:10:00Z");
      if (i % 2 == 0) t.add(r, "Status__c", "Paid", "Void", kAdmin, "2026-03-10T13:00:00Z");
    }
    // Events in both halves: a creation in the first, deletions in both (record 5 twice).
    const std::nullopt_t none = std::nullopt;
    t.add(make_id("a01", 1), "created", none, none, kAttacker, "2026-03-10T12:01:00Z");
    t.add(make_id("a01", 2), "deleted", none, none, kAttacker, "2026-03-10T12:20:00Z");
    t.add(make_id("a01", 5), "deleted", none, none, kAttacker, "2026-03-10T12:40:00Z");
    t.add(make_id("a01", 5), "recordDeleted", none, none, kAttacker, "2026-03-10T12:30:00Z");
    const std::string binned = make_id("a01", 6);  // in the recycle bin, learned while reading
    PlanRequest all_req = base_request();
    all_req.deleted_records = {binned};
    auto whole = build_plan(all_req, t.rows());
    REQUIRE(whole.has_value());

    const PlanRequest req = base_request();
    auto builder = PlanBuilder::start(req);
    REQUIRE(builder.has_value());
    PlanBuilder later = builder->fork();
    std::vector<sfrewind::HistoryRow> first, second;
    for (const auto& r : t.rows()) {
      (r.record_id <= make_id("a01", 3) ? first : second).push_back(r);
    }
    builder->add(first);
    later.add_deleted(binned);
    later.add(second);
    builder->absorb(std::move(later));
    Plan parts = builder->finish();
    CHECK(parts.items.size() == 6);
    CHECK(parts.created.size() == 1);
    REQUIRE(parts.deleted.size() == 3);  // records 2 and 5 by events, 6 from the bin
    CHECK(parts.deleted[1].record_id == make_id("a01", 5));
    CHECK(parts.deleted[1].history_id == t.rows().back().history_id);  // the earlier deletion
    const PlanItem* gone = find_item(parts, binned, "Status__c");
    REQUIRE(gone != nullptr);
    CHECK(gone->reason == "record deleted");
    CHECK(parts.hash == whole->hash);
  }

  TEST_CASE("a plan of 100000 items is built with every item ready") {
    RowTable t;
    t.rows().reserve(200000);
    for (long i = 0; i < 50000; ++i) {
      const std::string r = make_id("a01", i);
      t.add(r, "Paid__c", "false", "true", kAttacker, "2026-03-10T12:10:00Z", "Boolean");
      t.add(r, "Amount__c", "10", "99", kAttacker, "2026-03-10T12:10:00Z", "Currency");
    }
    auto plan = build_plan(base_request(), t.rows());
    REQUIRE(plan.has_value());
    CHECK(plan->items.size() == 100000);
    // 50,000 records: 250 collections, 50 /composite writes and 50 re-reads.
    CHECK(plan->estimate.write_calls == 50);
    CHECK(plan->estimate.reread_calls == 50);
  }
}
