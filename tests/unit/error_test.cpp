// Result<T> and Status behave like std::expected.
#include <doctest/doctest.h>

#include <sfrewind/error.hpp>

using namespace sfrewind;

TEST_SUITE("core") {
  TEST_CASE("a Result holds a value or an error") {
    Result<int> good = 7;
    REQUIRE(good);
    CHECK(*good == 7);
    Result<int> bad = make_error(ErrorCode::kParse, "broken");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == ErrorCode::kParse);
    CHECK(bad.value_or(3) == 3);
    Status s = ok();
    CHECK(s.has_value());
    Status f = make_error(ErrorCode::kStorage, "disk");
    CHECK_FALSE(f);
  }

  TEST_CASE("with_context puts context in front of the message") {
    Error e = with_context(make_error(ErrorCode::kHttp, "HTTP 503"), "sync Account: page 3");
    CHECK(e.message == "sync Account: page 3: HTTP 503");
    CHECK(error_code_name(ErrorCode::kRateLimited) == "rate limited");
  }
}
