// zlib streams for the store's large texts (a plan's JSON).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sfrewind::store {

// `text` as one zlib stream at zlib's fastest level.
std::string deflate_text(std::string_view text);

// The text of a stream deflate_text made; nullopt when `bytes` is not a whole, valid stream.
std::optional<std::string> inflate_text(std::string_view bytes);

}  // namespace sfrewind::store
