// libFuzzer target: history page decoding (JsonParser::history_page, record_page).
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return sfrewind::fuzz::run_one(sfrewind::fuzz::history_page, data, size);
}
