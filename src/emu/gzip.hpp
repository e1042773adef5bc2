// Response compression the way Salesforce does it: gzip when the client accepts it.
#pragma once

#include <string>
#include <string_view>

namespace sfrewind::emu {

// True when an Accept-Encoding value lists gzip with a non-zero quality.
bool accepts_gzip(std::string_view accept_encoding);

// `body` as a gzip member at zlib's fastest level (the emulator should not be the bottleneck).
std::string gzip(std::string_view body);

}  // namespace sfrewind::emu
