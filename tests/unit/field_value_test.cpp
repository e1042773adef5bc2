// FieldValue: decoding history scalars by DataType and encoding for describe types.
#include <doctest/doctest.h>

#include <sfrewind/types.hpp>

using sfrewind::FieldValue;
using sfrewind::JsonScalar;
using Kind = sfrewind::FieldValue::Kind;

namespace {
JsonScalar scalar(JsonScalar::Kind k, std::string text) { return JsonScalar{k, std::move(text)}; }
}

TEST_SUITE("core") {
  TEST_CASE("history scalars decode by DataType") {
    struct Case { JsonScalar in; const char* type; Kind kind; const char* text; };
    const Case cases[] = {
        {scalar(JsonScalar::Kind::kNull, ""), "Text", Kind::kNull, ""},
        {scalar(JsonScalar::Kind::kBool, "true"), "Boolean", Kind::kBoolean, "true"},
        {scalar(JsonScalar::Kind::kNumber, "1500.0"), "Currency", Kind::kNumber, "1500.0"},
        {scalar(JsonScalar::Kind::kString, "1500.00"), "Currency", Kind::kNumber, "1500.00"},
        {scalar(JsonScalar::Kind::kString, "false"), "Boolean", Kind::kBoolean, "false"},
        {scalar(JsonScalar::Kind::kString, "2026-03-10"), "DateOnly", Kind::kDate, "2026-03-10"},
        {scalar(JsonScalar::Kind::kString, "2026-03-10T12:00:00.000+0000"), "DateTime",
         Kind::kDateTime, "2026-03-10T12:00:00.000+0000"},
        {scalar(JsonScalar::Kind::kString, "005xx000001Sv6e"), "EntityId", Kind::kId,
         "005xx000001Sv6eAAC"},
        {scalar(JsonScalar::Kind::kString, "Jane Doe"), "Text", Kind::kText, "Jane Doe"},
        {scalar(JsonScalar::Kind::kString, "Open"), "DynamicEnum", Kind::kText, "Open"},
        {scalar(JsonScalar::Kind::kString, "not a date"), "DateOnly", Kind::kText, "not a date"},
    };
    for (const auto& c : cases) {
      CAPTURE(c.in.text);
      FieldValue v = FieldValue::from_history(c.in, c.type);
      CHECK(v.kind() == c.kind);
      CHECK(v.text() == c.text);
    }
  }

  TEST_CASE("values encode for a field's describe type") {
    CHECK(*FieldValue::boolean(false).to_json("boolean") == "false");
    CHECK(*FieldValue::number("1500.0").to_json("currency") == "1500.0");
    CHECK(*FieldValue::text_value("1500.50").to_json("currency") == "1500.50");
    CHECK(*FieldValue::date("2026-03-10").to_json("date") == "\"2026-03-10\"");
    CHECK(*FieldValue::datetime("2026-03-10T12:00:00.000+0000").to_json("datetime") ==
          "\"2026-03-10T12:00:00.000Z\"");
    CHECK(*FieldValue::text_value("005xx000001Sv6e").to_json("reference") == "\"005xx000001Sv6eAAC\"");
    CHECK(*FieldValue::text_value("say \"hi\"\n").to_json("string") == "\"say \\\"hi\\\"\\n\"");
    CHECK(*FieldValue::null().to_json("boolean") == "null");
  }

  TEST_CASE("values that do not fit the field type are refused") {
    CHECK_FALSE(FieldValue::text_value("yes").to_json("boolean"));
    CHECK_FALSE(FieldValue::text_value("12abc").to_json("currency"));
    CHECK_FALSE(FieldValue::text_value("2026-02-30").to_json("date"));
    CHECK_FALSE(FieldValue::text_value("Jane").to_json("reference"));
  }

  TEST_CASE("same_value compares numbers by value and text exactly") {
    CHECK(sfrewind::same_value(FieldValue::number("1500"), FieldValue::number("1500.0")));
    CHECK(sfrewind::same_value(FieldValue::number("1500.00"), FieldValue::text_value("1500")));
    CHECK_FALSE(sfrewind::same_value(FieldValue::number("1500"), FieldValue::number("150")));
    CHECK_FALSE(sfrewind::same_value(FieldValue::text_value("a"), FieldValue::text_value("A")));
    CHECK(sfrewind::same_value(FieldValue::null(), FieldValue::null()));
    CHECK_FALSE(sfrewind::same_value(FieldValue::null(), FieldValue::text_value("")));
  }
}
