// libFuzzer target: the emulator's SOQL parser.
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return sfrewind::fuzz::run_one(sfrewind::fuzz::emu_soql, data, size);
}
