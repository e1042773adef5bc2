// RecordId: normalisation to 18 characters and rejection of malformed ids.
#include <doctest/doctest.h>

#include <sfrewind/types.hpp>

using sfrewind::ErrorCode;
using sfrewind::RecordId;

TEST_SUITE("core") {
  TEST_CASE("a 15-character id gets its case-safe suffix") {
    struct Case { const char* in; const char* out; };
    const Case cases[] = {
        {"001000000000000", "001000000000000AAA"},
        {"0015000000GRaEq", "0015000000GRaEqAAL"},
        {"005xx000001Sv6e", "005xx000001Sv6eAAC"},
        {"a01ABCDEabcde12", "a01ABCDEabcde12YHA"},
    };
    for (const auto& c : cases) {
      CAPTURE(c.in);
      auto id = RecordId::parse(c.in);
      REQUIRE(id);
      CHECK(id->str() == c.out);
    }
  }

  TEST_CASE("an 18-character id keeps its verified suffix") {
    auto id = RecordId::parse("0015000000GRaEqAAL");
    REQUIRE(id);
    CHECK(id->str() == "0015000000GRaEqAAL");
    auto lower = RecordId::parse("0015000000GRaEqaal");
    REQUIRE(lower);
    CHECK(lower->str() == "0015000000GRaEqAAL");
    CHECK(id->key_prefix() == "001");
  }

  TEST_CASE("normalize accepts what parse accepts and leaves its output alone otherwise") {
    std::string out = "keep me";
    for (const char* bad : {"", "0015000000GRaEqAAA", "0015000000GRaE-", "0015000000GRaEqAAL1"}) {
      CAPTURE(bad);
      CHECK_FALSE(RecordId::normalize(bad, out));
      CHECK(out == "keep me");
    }
    for (const char* good : {"0015000000GRaEq", "0015000000GRaEqaal", "0015000000GRaEqAAL"}) {
      CAPTURE(good);
      REQUIRE(RecordId::normalize(good, out));
      CHECK(out == "0015000000GRaEqAAL");
      CHECK(out == RecordId::parse(good)->str());
    }
  }

  TEST_CASE("15 and 18 forms of one id compare equal") {
    CHECK(*RecordId::parse("0015000000GRaEq") == *RecordId::parse("0015000000GRaEqAAL"));
  }

  TEST_CASE("malformed ids are rejected with a precise message") {
    struct Case { std::string in; const char* says; };
    const Case cases[] = {
        {"", "expected 15 or 18 characters, got 0"},
        {"001", "got 3"},
        {"00150000", "got 8"},
        {"0015000000GRaE", "got 14"},
        {"0015000000GRaEqA", "got 16"},
        {"0015000000GRaEqAA", "got 17"},
        {"0015000000GRaEqAALX", "got 19"},
        {"0015000000GRaE-", "character 15"},
        {"0015000000 RaEq", "character 11"},
        {"'015000000GRaEq", "character 1"},
        {"0015000000GRaEqAA'", "character 18"},
        {"0015000000GRaEqAAA", "checksum suffix 'AAA' should be 'AAL'"},
        {"0015000000GRaEqZZZ", "should be 'AAL'"},
        {"001500000ÄGRaE", "not a letter or digit"},
        {std::string("0015000000GR\0Eq", 15), "character 13"},
        {"0015000000GRaEq;AL", "character 16"},
        {"001' OR '1'='1  ", "got 16"},
        {"001' OR '1'='1'", "character 4"},
    };
    for (const auto& c : cases) {
      CAPTURE(c.in);
      auto id = RecordId::parse(c.in);
      REQUIRE_FALSE(id);
      CHECK(id.error().code == ErrorCode::kInvalidArgument);
      CHECK(id.error().message.find(c.says) != std::string::npos);
      CHECK(id.error().message.rfind("invalid record id", 0) == 0);
    }
  }
}
