// libFuzzer target: composite and sObject Collections response decoding.
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return sfrewind::fuzz::run_one(sfrewind::fuzz::composite_response, data, size);
}
