// The statement wrapper's row binding: texts and NULLs bound in turn, bindings kept by rewind()
// and dropped by reset(), and a bad index reported once.
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include <doctest/doctest.h>

#include "store/sqlite.hpp"

using namespace sfrewind;

namespace {

using Text = std::optional<std::string_view>;

// A fresh in-memory database with table t(a, b, c, d).
store::Db scratch() {
  auto db = store::Db::open(":memory:", true, false);
  REQUIRE(db);
  REQUIRE(db->exec("CREATE TABLE t (a, b, c, d)"));
  return std::move(*db);
}

// Every row of t as "a|b|c|d", NULL as "-", rows joined by ";".
std::string rows_of(store::Db& db) {
  auto st = store::Statement::prepare(
      db.get(),
      "SELECT group_concat(coalesce(a, '-') || '|' || coalesce(b, '-') || '|' || "
      "coalesce(c, '-') || '|' || coalesce(d, '-'), ';') FROM (SELECT * FROM t ORDER BY rowid)",
      false);
  REQUIRE(st);
  auto row = st->step();
  REQUIRE(row);
  REQUIRE(*row);
  return st->column_is_null(0) ? std::string() : st->column_text(0);
}

}  // namespace

TEST_SUITE("store") {
  TEST_CASE("bind_static_from binds texts and NULLs in turn; rewind keeps them for the next row") {
    store::Db db = scratch();
    auto st = store::Statement::prepare(db.get(), "INSERT INTO t VALUES (?1, ?2, ?3, ?4)");
    REQUIRE(st);
    REQUIRE(st->bind(1, std::int64_t{7}));
    const std::array<Text, 3> texts = {Text("x"), Text(), Text("z")};
    REQUIRE(st->bind_static_from(2, texts));
    REQUIRE(st->exec());
    CHECK(rows_of(db) == "7|x|-|z");

    st->rewind();  // the same bindings again
    REQUIRE(st->exec());
    CHECK(rows_of(db) == "7|x|-|z;7|x|-|z");

    const std::array<Text, 2> more = {Text(), Text("w")};
    st->rewind();
    REQUIRE(st->bind_static_from(1, more));  // ?1 and ?2 anew, ?3 and ?4 as they were
    REQUIRE(st->exec());
    CHECK(rows_of(db) == "7|x|-|z;7|x|-|z;-|w|-|z");

    st->reset();  // bindings cleared: every parameter NULL
    REQUIRE(st->exec());
    CHECK(rows_of(db) == "7|x|-|z;7|x|-|z;-|w|-|z;-|-|-|-");
  }

  TEST_CASE("bind_static_from reports a parameter past the statement's last as one error") {
    store::Db db = scratch();
    auto st = store::Statement::prepare(db.get(), "INSERT INTO t VALUES (?1, ?2, ?3, ?4)");
    REQUIRE(st);
    const std::array<Text, 2> texts = {Text("a"), Text("b")};
    auto s = st->bind_static_from(4, texts);  // ?4 exists, ?5 does not
    REQUIRE_FALSE(s);
    CHECK(s.error().code == ErrorCode::kStorage);
    CHECK(s.error().message.find("bind") != std::string::npos);
    CHECK((s.error().sqlite_code & 0xff) == SQLITE_RANGE);
  }
}
