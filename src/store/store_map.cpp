// Store: reads through a map of the file (map_for_reads, populate_map).
#include <sfrewind/store/store.hpp>

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>

#include "store/store_impl.hpp"

#if !defined(MADV_POPULATE_READ)
#define MADV_POPULATE_READ 22  // Linux 5.14; older kernels refuse it (EINVAL)
#endif

namespace sfrewind {
namespace {

constexpr std::string_view kMapForReads = "PRAGMA mmap_size=17179869184";  // 16 GiB address space

// The main database file, when its VFS can hand out pointers into a map of it (xFetch).
sqlite3_file* mapped_file(sqlite3* db) {
  sqlite3_file* file = nullptr;
  if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK) return nullptr;
  if (!file || !file->pMethods || file->pMethods->iVersion < 3) return nullptr;
  return file;
}

// Whether `reads` by key would touch most of a file of `size` bytes in `page`-byte pages, and
// the page cache holds the file with room to spare: a bigger one would be read whole and evicted
// again before the reads come (the map's pages are the page cache's, shared by every connection,
// not memory of their own).
bool populating_pays(std::int64_t size, std::int64_t page, std::size_t reads) {
  if (page <= 0 || static_cast<std::int64_t>(reads) < size / page) return false;
  const long ram_pages = sysconf(_SC_PHYS_PAGES);
  const long ram_page = sysconf(_SC_PAGESIZE);
  return ram_pages > 0 && ram_page > 0 && size <= ram_pages / 4 * ram_page;
}

}  // namespace

Status Store::map_for_reads() { return impl_->db.exec(kMapForReads); }

void Store::populate_map(std::size_t reads) {
  sqlite3_file* file = mapped_file(impl_->db.get());
  sqlite3_int64 size = 0;
  if (!file || file->pMethods->xFileSize(file, &size) != SQLITE_OK) return;
  auto page = impl_->db.integer("PRAGMA page_size");
  if (!page || !populating_pays(size, *page, reads)) return;
  // In pieces: xFetch takes an int length. Each piece is the map itself (one per connection),
  // or nothing when the file is not mapped (no map_for_reads, or a VFS without maps).
  constexpr sqlite3_int64 kPiece = sqlite3_int64{1} << 28;
  for (sqlite3_int64 off = 0; off < size; off += kPiece) {
    const int n = static_cast<int>(std::min(kPiece, size - off));
    void* p = nullptr;
    if (file->pMethods->xFetch(file, off, n, &p) != SQLITE_OK || !p) return;
    (void)madvise(p, static_cast<std::size_t>(n), MADV_POPULATE_READ);
    (void)file->pMethods->xUnfetch(file, off, p);
  }
}

}  // namespace sfrewind
