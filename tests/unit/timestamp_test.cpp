// Timestamp and Window: parsing every accepted form and rejecting malformed ones.
#include <array>
#include <random>
#include <string>

#include <doctest/doctest.h>

#include <sfrewind/types.hpp>

using sfrewind::ErrorCode;
using sfrewind::Timestamp;
using sfrewind::Window;

namespace {
constexpr std::int64_t kT = 1773146096000;  // 2026-03-10T12:34:56.000Z
}

TEST_SUITE("core") {
  TEST_CASE("absolute times parse to UTC milliseconds") {
    struct Case { const char* in; std::int64_t ms; };
    const Case cases[] = {
        {"2026-03-10T12:34:56.000+0000", kT},
        {"2026-03-10T12:34:56.000Z", kT},
        {"2026-03-10T12:34:56Z", kT},
        {"2026-03-10T12:34:56.789Z", kT + 789},
        {"2026-03-10T12:34:56.7Z", kT + 700},
        {"2026-03-10T18:04:56+05:30", kT},
        {"2026-03-10T18:04:56.000+0530", kT},
        {"2026-03-10T07:34:56-05:00", kT},
        {"2026-03-10", kT - (12 * 3600 + 34 * 60 + 56) * 1000LL},
        {"1970-01-01T00:00:00Z", 0},
        {"2024-02-29T00:00:00Z", 1709164800000},
    };
    for (const auto& c : cases) {
      CAPTURE(c.in);
      auto t = Timestamp::parse(c.in);
      REQUIRE(t);
      CHECK(t->ms() == c.ms);
    }
  }

  TEST_CASE("times format back to Salesforce and ISO and SOQL and HTTP forms") {
    Timestamp t(kT + 5);
    CHECK(t.to_salesforce() == "2026-03-10T12:34:56.005+0000");
    CHECK(t.to_iso() == "2026-03-10T12:34:56.005Z");
    CHECK(t.to_soql() == "2026-03-10T12:34:56Z");
    CHECK(t.to_date() == "2026-03-10");
    CHECK(t.to_http_date() == "Tue, 10 Mar 2026 12:34:56 GMT");
    CHECK(Timestamp(0).to_http_date() == "Thu, 01 Jan 1970 00:00:00 GMT");
    CHECK(Timestamp::parse(t.to_salesforce())->ms() == t.ms());
  }

  TEST_CASE("ISO text agrees with the Salesforce form for years 0 to 9999 and parses back") {
    std::mt19937_64 rng(20261204);
    // 0000-01-01 .. 9999-12-31 in ms since the epoch
    std::uniform_int_distribution<std::int64_t> ms(-62167219200000, 253402300799999);
    for (int i = 0; i < 20000; ++i) {
      Timestamp t(i < 3 ? std::array<std::int64_t, 3>{0, -1, 999}[i] : ms(rng));
      CAPTURE(t.ms());
      std::string iso = t.to_iso();
      REQUIRE(iso.size() == 24);
      CHECK(iso.substr(0, 23) == t.to_salesforce().substr(0, 23));
      CHECK(iso.back() == 'Z');
      int year = std::stoi(iso.substr(0, 4));
      if (year < 1700 || year > 4000) continue;  // parse's accepted range
      auto back = Timestamp::parse(iso);
      REQUIRE(back);
      CHECK(back->ms() == t.ms());
    }
  }

  TEST_CASE("relative command-line times count back from now") {
    Timestamp now(kT);
    CHECK(Timestamp::parse_cli("now", now)->ms() == kT);
    CHECK(Timestamp::parse_cli("-72h", now)->ms() == kT - 72 * 3600 * 1000LL);
    CHECK(Timestamp::parse_cli("-7d", now)->ms() == kT - 7 * 86400 * 1000LL);
    CHECK(Timestamp::parse_cli("-30m", now)->ms() == kT - 30 * 60 * 1000LL);
    CHECK(Timestamp::parse_cli("-45s", now)->ms() == kT - 45 * 1000LL);
    CHECK(Timestamp::parse_cli("2026-03-10", now)->ms() == Timestamp::parse("2026-03-10")->ms());
  }

  TEST_CASE("malformed times are rejected") {
    const char* bad[] = {
        "", "now ", "2026", "2026-3-10", "2026-13-01", "2026-00-10", "2026-02-30",
        "2025-02-29", "2026-03-32", "2026-03-10T25:00:00Z", "2026-03-10T12:60:00Z",
        "2026-03-10T12:34:61Z", "2026-03-10T12:34:56", "2026-03-10T12:34:56+5", "2026-03-10T12:34:56.Z",
        "2026-03-10T12:34:56.000+25:00", "2026-03-10T12:34:56.000 +0000", "2026-03-10X12:34:56Z",
        "-7", "-7w", "--7d", "-d", "-7.5h", "-1e3h", "+7d", "yesterday", "0999-01-01",
        "2026-03-10T12:34:56Z'; DROP TABLE history; --", "2026/03/10",
    };
    for (const char* in : bad) {
      CAPTURE(in);
      auto t = Timestamp::parse_cli(in, Timestamp(kT));
      REQUIRE_FALSE(t);
      CHECK(t.error().code == ErrorCode::kInvalidArgument);
      CHECK(t.error().message.rfind("invalid time", 0) == 0);
    }
  }

  TEST_CASE("a window is half-open and rejects from >= to") {
    auto w = Window::make(Timestamp(10), Timestamp(20));
    REQUIRE(w);
    CHECK(w->contains(Timestamp(10)));
    CHECK(w->contains(Timestamp(19)));
    CHECK_FALSE(w->contains(Timestamp(20)));
    CHECK_FALSE(w->contains(Timestamp(9)));
    auto empty = Window::make(Timestamp(20), Timestamp(20));
    REQUIRE_FALSE(empty);
    CHECK(empty.error().message.find("is not before") != std::string::npos);
    CHECK_FALSE(Window::make(Timestamp(30), Timestamp(20)));
  }
}

TEST_SUITE("core") {
  TEST_CASE("a time zone cannot move a time out of the year range") {
    CHECK_FALSE(sfrewind::Timestamp::parse("4000-12-31T23:59:59.999-1400").has_value());
    CHECK_FALSE(sfrewind::Timestamp::parse("1700-01-01T00:00:00+14:00").has_value());
    CHECK(sfrewind::Timestamp::parse("4000-12-31T23:59:59.999Z").has_value());
    CHECK(sfrewind::Timestamp::parse("1700-01-01T14:00:00+14:00").has_value());
  }
}
