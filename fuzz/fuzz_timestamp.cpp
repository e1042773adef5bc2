// libFuzzer target: Timestamp::parse and parse_cli, with the formatting round trip.
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return sfrewind::fuzz::run_one(sfrewind::fuzz::timestamp, data, size);
}
