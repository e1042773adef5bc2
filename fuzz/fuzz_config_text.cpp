// libFuzzer target: the config file parser.
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return sfrewind::fuzz::run_one(sfrewind::fuzz::config_text, data, size);
}
