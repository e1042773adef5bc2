// libFuzzer target: SOQL literal escaping, read back by the emulator's SOQL parser.
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return sfrewind::fuzz::run_one(sfrewind::fuzz::soql_escape, data, size);
}
