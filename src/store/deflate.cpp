// zlib streams for the store's large texts. One call each way: the texts fit in memory already.
#include "store/deflate.hpp"

#include <algorithm>
#include <climits>

#include <zlib.h>

namespace sfrewind::store {
namespace {

// zlib counts in uInt: feed and drain it in pieces that fit.
constexpr std::size_t kStep = UINT_MAX / 2;

uInt step_of(std::size_t left) { return static_cast<uInt>(std::min(left, kStep)); }

}  // namespace

std::string deflate_text(std::string_view text) {
  z_stream z{};
  if (deflateInit(&z, Z_BEST_SPEED) != Z_OK) return {};
  // Room for an eighth of the text, grown as needed. Sized to zlib's bound (more than the text
  // itself), the buffer was zeroed in full: 15,000 fresh pages for a 62 MB plan that deflates to
  // 6 MB, on the thread the plan's save waits for.
  std::size_t room = std::min<std::size_t>(deflateBound(&z, static_cast<uLong>(text.size())),
                                           text.size() / 8 + 4096);
  std::string out(room, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  std::size_t in_left = text.size();
  int rc = Z_OK;
  while (rc == Z_OK) {
    if (z.total_out == out.size()) out.resize(out.size() * 2);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + z.total_out);
    z.avail_out = step_of(out.size() - z.total_out);
    z.avail_in = step_of(in_left);
    in_left -= z.avail_in;
    rc = deflate(&z, in_left == 0 ? Z_FINISH : Z_NO_FLUSH);
    in_left += z.avail_in;
  }
  out.resize(z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END ? out : std::string();
}

std::optional<std::string> inflate_text(std::string_view bytes) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return std::nullopt;
  std::string out(std::max<std::size_t>(bytes.size() * 8, 4096), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  std::size_t in_left = bytes.size();
  int rc = Z_OK;
  while (rc == Z_OK) {
    if (z.total_out == out.size()) out.resize(out.size() * 2);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + z.total_out);
    z.avail_in = step_of(in_left);
    in_left -= z.avail_in;
    z.avail_out = step_of(out.size() - z.total_out);
    rc = inflate(&z, Z_NO_FLUSH);
    in_left += z.avail_in;
    if (rc == Z_BUF_ERROR && z.avail_out > 0) break;  // input ran out before the stream ended
    if (rc == Z_BUF_ERROR) rc = Z_OK;                 // output full: grow and go on
  }
  out.resize(z.total_out);
  inflateEnd(&z);
  if (rc != Z_STREAM_END || in_left != 0 || z.avail_in != 0) return std::nullopt;
  return out;
}

}  // namespace sfrewind::store
