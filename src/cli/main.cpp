// sfrewind: the command-line entry point. libcurl is loaded by the first HTTP client and
// libcrypto by the first digest or signature (src/http/curl_api.hpp, src/core/crypto.hpp), so
// commands that need neither never pay for them.
#include <malloc.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>

#include <sfrewind/store/store.hpp>

#include "cli/app.hpp"
#include "core/huge_pages.hpp"

namespace {

// For `plan`, `snapshot` (its review against history) and large `timeline` reads, which build
// and free hundreds of MB of strings:
// a main heap that is reserved at once, never trimmed, and backed by 2 MiB pages where the
// kernel offers them on request. Each first touch of a 4 KiB page is a page fault, and on a VM
// these dominated: 155,000 faults and 4.1 s for a 77,000-item plan, against 7,000 and 2.8 s.
// Threads keep their own arenas: sharing this one made the feed's reader and planner contend
// for its lock (feed 1.95 s against 1.6 s, runs alternated).
void shape_bulk_heap() {
  constexpr std::size_t kReserve = std::size_t{1} << 30;  // address space; touched on demand
  constexpr std::size_t kGrow = std::size_t{31} << 20;  // below the mmap threshold
  mallopt(M_MMAP_THRESHOLD, 32 << 20);      // large blocks from it too (glibc's maximum)
  mallopt(M_TRIM_THRESHOLD, INT32_MAX);     // freed memory stays for the next allocation
  mallopt(M_TOP_PAD, static_cast<int>(kReserve));  // the next growth reserves all of it
  auto before = reinterpret_cast<std::uintptr_t>(sbrk(0));
  // More than the heap can have free yet; volatile, or the compiler drops the pair.
  static void* volatile grow;
  grow = std::malloc(kGrow);
  auto after = reinterpret_cast<std::uintptr_t>(sbrk(0));
  std::free(grow);
  // Best effort: without transparent huge pages the heap is an ordinary one.
  if (after > before) sfrewind::advise_huge_pages(reinterpret_cast<void*>(before), after - before);
}

}  // namespace

int main(int argc, char** argv) {
  // Page-sized buffers (response bodies, decoded rows) are mapped and unmapped, not kept in the
  // heap: glibc otherwise raises its mmap threshold after the first such free, and a sync's peak
  // RSS grew with the pages it fetched (65 MB against 47 MB for a 1M-row sync).
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  // Commands are short: a one-record timeline ran 0.3 ms faster (median of 200 alternated runs)
  // with pages allocated as needed; a first sync's writer spends less without SQLite's memory
  // counting (see the header).
  sfrewind::tune_sqlite_for_executable();
  return sfrewind::cli::run(argc, argv, std::cout, std::cerr, {shape_bulk_heap, true});
}
