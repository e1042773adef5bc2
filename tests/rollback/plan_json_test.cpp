// Plan files: golden output, round trip, tamper detection and malformed input.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <sfrewind/rollback/planner.hpp>

#include "core/sha256.hpp"
#include "rollback/json.hpp"
#include "support/history_rows.hpp"

using namespace sfrewind::rollback;
using sfrewind::FieldValue;
using sfrewind::Sha256;
using sfrewind::sha256_hex;
using sfrewind::test::make_id;
using sfrewind::test::RowTable;
using sfrewind::test::ts;

namespace {

const char* kGolden = SFREWIND_SOURCE_DIR "/tests/data/golden/plan_small.json";

// A small incident: a paid flag, an amount, an owner, a long text, an admin's later fix.
Plan small_plan() {
  const std::string attacker = make_id("005", 9);
  const std::string admin = make_id("005", 1);
  const std::string inv1 = make_id("a01", 1);
  const std::string inv2 = make_id("a01", 2);
  RowTable t;
  t.add(inv1, "Paid__c", "false", "true", attacker, "2026-03-10T12:10:00Z", "Boolean");
  t.add(inv1, "Amount__c", "1500.0", "1.0", attacker, "2026-03-10T12:10:00Z", "Currency");
  t.add(inv1, "Owner", "Jane \"JD\" Doe", "Mallory", attacker, "2026-03-10T12:11:00Z", "Text");
  t.add(inv1, "Owner", admin, attacker, attacker, "2026-03-10T12:11:00Z", "EntityId");
  t.add(inv2, "Paid__c", "false", "true", attacker, "2026-03-10T12:12:00Z", "Boolean");
  t.add(inv2, "Paid__c", "true", "false", admin, "2026-03-11T08:00:00Z", "Boolean");
  t.add(inv2, "Amount__c", "10", "20", attacker, "2026-03-10T12:12:00Z", "Currency");
  t.add(inv2, "Amount__c", "20", "30", admin, "2026-03-12T08:00:00Z", "Currency");
  t.add(inv2, "Notes__c", std::nullopt, std::nullopt, attacker, "2026-03-10T12:12:00Z", "MultiLineText");
  t.add(make_id("a01", 3), "created", std::nullopt, std::nullopt, attacker, "2026-03-10T12:13:00Z");
  PlanRequest req;
  req.users = {attacker};
  req.from = ts("2026-03-10T12:00:00Z");
  req.to = ts("2026-03-10T14:00:00Z");
  req.fields["Invoice__c.Paid__c"].type = "boolean";
  req.fields["Invoice__c.Amount__c"].type = "currency";
  req.fields["Invoice__c.OwnerId"].type = "reference";
  req.fields["Invoice__c.Notes__c"].type = "textarea";
  req.fields["Invoice__c.Notes__c"].length = 32768;
  return *build_plan(req, t.rows());
}

std::string read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void replace_once(std::string& s, const std::string& from, const std::string& to) {
  auto p = s.find(from);
  REQUIRE(p != std::string::npos);
  s.replace(p, from.size(), to);
}

}  // namespace

TEST_SUITE("rollback") {
  TEST_CASE("a small plan is written byte for byte as the golden file") {
    std::string text = plan_to_json(small_plan());
    const char* update = std::getenv("SFREWIND_UPDATE_GOLDEN");
    if (update && std::string(update) == "1") {
      std::ofstream(kGolden, std::ios::binary) << text;
    }
    CHECK(text == read_file(kGolden));
  }

  TEST_CASE("the file made while the hash is computed is the one finalize and write give") {
    Plan plan = small_plan();
    CHECK(finalize_plan_to_json(plan) == read_file(kGolden));
    CHECK(plan.hash == small_plan().hash);
    CHECK(plan.plan_id == small_plan().plan_id);
    // Values that look like the placeholders do not move them.
    Plan marked = small_plan();
    marked.items.at(0).reason = std::string(80, '#');
    marked.items.at(1).reason = std::string(17, '#');
    Plan expected = marked;
    finalize_plan(expected);
    std::string text = finalize_plan_to_json(marked);
    CHECK(text == plan_to_json(expected));
    CHECK(marked.hash == expected.hash);
    CHECK(marked.hash != plan.hash);
  }

  TEST_CASE("a written plan reads back equal and writes the same bytes") {
    Plan plan = small_plan();
    std::string text = plan_to_json(plan);
    auto back = plan_from_json(text);
    REQUIRE(back.has_value());
    CHECK(back->plan_id == plan.plan_id);
    CHECK(back->hash == plan.hash);
    CHECK(back->items.size() == plan.items.size());
    CHECK(back->batches.size() == plan.batches.size());
    CHECK(back->batches.at(0).body == plan.batches.at(0).body);
    CHECK(back->items.at(2).restore_name == plan.items.at(2).restore_name);
    CHECK(plan_to_json(*back) == text);
    auto restored = decode_json_literal(back->items.at(0).restore_to);
    REQUIRE(restored.has_value());
    CHECK(restored->text() == "1500.0");
  }

  TEST_CASE("a hand-edited plan is rejected because its hash no longer matches") {
    const std::string text = plan_to_json(small_plan());
    struct Case {
      const char* name;
      std::string from;
      std::string to;
    };
    const Case cases[] = {
        {"status flipped", "\"status\": \"conflict\"", "\"status\": \"ready\""},
        {"body value changed", "\"Paid__c\":false", "\"Paid__c\":true"},
        {"user removed", "\"users\": [\n    \"" + make_id("005", 9) + "\"\n  ]", "\"users\": []"},
        {"window widened", "\"from\": \"2026-03-10T12:00:00.000Z\"", "\"from\": \"2026-03-01T12:00:00.000Z\""},
        {"hash replaced", "\"hash\": \"sha256:", "\"hash\": \"sha256:0"},
        {"plan id replaced", "\"plan_id\": \"p", "\"plan_id\": \"q"},
    };
    for (const auto& c : cases) {
      CAPTURE(c.name);
      std::string edited = text;
      replace_once(edited, c.from, c.to);
      auto plan = plan_from_json(edited);
      REQUIRE_FALSE(plan.has_value());
      CHECK(plan.error().code == sfrewind::ErrorCode::kInvalidArgument);
    }
  }

  TEST_CASE("malformed plan files are rejected as invalid arguments") {
    const std::string good = plan_to_json(small_plan());
    const std::string cases[] = {
        "",
        "{",
        "[]",
        "{\"format\": \"sfrewind-plan/1\"}",
        good.substr(0, good.size() / 2),
        good + "x",
        "{\"a\": \"\\x\"}",
        "{\"a\": 01}",
        "{\"a\": \"\\ud800\"}",
        std::string(100, '[') + std::string(100, ']'),
    };
    for (const auto& c : cases) {
      CAPTURE(c.substr(0, 60));
      auto plan = plan_from_json(c);
      REQUIRE_FALSE(plan.has_value());
      CHECK(plan.error().code == sfrewind::ErrorCode::kInvalidArgument);
      CHECK(plan.error().message.rfind("plan file: ", 0) == 0);
    }
    std::string wrong_type = good;
    replace_once(wrong_type, "\"changes\": 1", "\"changes\": \"1\"");
    auto plan = plan_from_json(wrong_type);
    REQUIRE_FALSE(plan.has_value());
    CHECK(plan.error().message.find("changes") != std::string::npos);
  }

  TEST_CASE("item counts group by object, field and status") {
    auto counts = count_items(small_plan());
    REQUIRE(counts.size() == 6);
    CHECK(counts[0].field == "Amount__c");
    CHECK(counts[0].status == ItemStatus::kReady);
    CHECK(counts[1].field == "Amount__c");
    CHECK(counts[1].status == ItemStatus::kConflict);
    std::size_t total = 0;
    for (const auto& c : counts) total += c.items;
    CHECK(total == small_plan().items.size());
  }

  TEST_CASE("status and mode names round trip and unknown ones are rejected") {
    for (auto s : {ItemStatus::kReady, ItemStatus::kConflict, ItemStatus::kNoop, ItemStatus::kUnrestorable}) {
      CHECK(*parse_item_status(item_status_name(s)) == s);
    }
    CHECK_FALSE(parse_item_status("done").has_value());
    CHECK(*parse_batch_mode("guarded") == BatchMode::kGuarded);
    CHECK_FALSE(parse_batch_mode("fast").has_value());
    CHECK(decode_json_literal("true")->kind() == FieldValue::Kind::kBoolean);
    CHECK(decode_json_literal("null")->is_null());
    CHECK_FALSE(decode_json_literal("[1]").has_value());
  }

  TEST_CASE("a writer with a sink hands on its text in pieces, which hash as the whole does") {
    auto write = [](json::Writer& w) {
      w.begin_object();
      w.key("rows");
      w.begin_array();
      for (int i = 0; i < 20000; ++i) w.string("row \"" + std::to_string(i) + "\"");
      w.end_array();
      w.end_object();
    };
    json::Writer whole(false);
    write(whole);
    const std::string text = whole.take();
    std::string joined;
    int pieces = 0;
    json::Writer sunk(false, [&](std::string_view piece) { joined.append(piece), ++pieces; });
    write(sunk);
    CHECK(sunk.take().empty());
    CHECK(pieces > 1);
    CHECK(joined == text);
    Sha256 sha;
    for (std::size_t at = 0; at < text.size(); at += 7777) {
      sha.update(std::string_view(text).substr(at, 7777));
    }
    CHECK(sha.hex() == sha256_hex(text));
    Sha256 abc;
    abc.update("a");
    abc.update("bc");
    CHECK(abc.hex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }
}
