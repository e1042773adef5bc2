// Replays every fuzz/corpus/<target>/ input through the same entry points as the libFuzzer targets.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "../../fuzz/targets.hpp"

namespace {

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace

TEST_SUITE("fuzz") {
  TEST_CASE("every fuzz corpus input keeps its target's properties") {
    for (const auto& target : sfrewind::fuzz::kTargets) {
      std::filesystem::path dir = std::filesystem::path(SFREWIND_SOURCE_DIR) / "fuzz" / "corpus" / target.name;
      int replayed = 0;
      for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (!entry.is_regular_file()) continue;
        INFO("target ", target.name, " input ", entry.path().filename().string());
        CHECK(target.entry(read_bytes(entry.path())) == "");
        ++replayed;
      }
      INFO("target ", target.name);
      CHECK(replayed > 0);
    }
  }

  TEST_CASE("the escaping property catches a literal that does not round-trip") {
    // The property itself can fail: a raw quote is not escaped by this hand-made literal.
    auto query = sfrewind::emu::parse_soql("SELECT Id FROM Account WHERE Name = 'a' OR Name != ''");
    REQUIRE(query.has_value());
    CHECK(query->where->kind == sfrewind::emu::Expr::Kind::kOr);
    CHECK(sfrewind::fuzz::soql_escape("a' OR Name != '") == "");
  }
}
