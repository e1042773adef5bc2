// gzip encoding of response bodies with zlib.
#include "emu/gzip.hpp"

#include <zlib.h>

namespace sfrewind::emu {

bool accepts_gzip(std::string_view accept) {
  std::size_t pos = 0;
  while (pos < accept.size()) {
    std::size_t comma = accept.find(',', pos);
    std::string_view item = accept.substr(pos, comma == std::string_view::npos ? accept.npos : comma - pos);
    pos = comma == std::string_view::npos ? accept.size() : comma + 1;
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    std::size_t semi = item.find(';');
    std::string_view name = item.substr(0, semi);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name != "gzip" && name != "x-gzip") continue;
    if (semi == std::string_view::npos) return true;
    std::string_view params = item.substr(semi + 1);
    auto q = params.find("q=");
    return q == std::string_view::npos || params.substr(q + 2).find_first_not_of("0.") != std::string_view::npos;
  }
  return false;
}

std::string gzip(std::string_view body) {
  z_stream z{};
  // 15 + 16: a gzip header and trailer rather than a raw zlib stream.
  if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&z, static_cast<uLong>(body.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  z.avail_in = static_cast<uInt>(body.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END ? out : std::string();
}

}  // namespace sfrewind::emu
