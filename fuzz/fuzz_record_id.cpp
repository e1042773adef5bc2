// libFuzzer target: RecordId::parse and its 15/18-character forms.
#include "targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return sfrewind::fuzz::run_one(sfrewind::fuzz::record_id, data, size);
}
