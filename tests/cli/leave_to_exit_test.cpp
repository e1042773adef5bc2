// What a command leaves to the process exit: moved out only when the process exits after it.
#include <memory>
#include <sstream>

#include <doctest/doctest.h>

#include "cli/common.hpp"

namespace cli = sfrewind::cli;

namespace {

int freed = 0;

struct Probe {
  ~Probe() { ++freed; }
};

cli::Context context(std::ostream& out, std::ostream& err, bool exits_after) {
  return cli::Context{{}, out, err, false, false, false, {}, {}, exits_after};
}

}  // namespace

TEST_SUITE("cli") {
  TEST_CASE("an object is left to the exit only when the process exits after the command") {
    std::ostringstream out, err;
    freed = 0;
    {
      // In-process (tests, programs running commands): its owner frees it as usual.
      auto owned = std::make_unique<Probe>();
      cli::leave_to_exit(context(out, err, false), std::move(owned));
    }
    CHECK(freed == 1);
    {
      // The executable: moved out and held, so the owner's destructor has nothing to free.
      auto owned = std::make_unique<Probe>();
      cli::leave_to_exit(context(out, err, true), std::move(owned));
    }
    CHECK(freed == 1);
  }
}
