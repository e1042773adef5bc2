// sfrewind: the command-line entry point. libcurl is loaded by the first HTTP client (see
// src/http/curl_api.hpp), so offline commands never pay for it.
#include <malloc.h>

#include <iostream>

#include "cli/app.hpp"

int main(int argc, char** argv) {
  // Page-sized buffers (response bodies, decoded rows) are mapped and unmapped, not kept in the
  // heap: glibc otherwise raises its mmap threshold after the first such free, and a sync's peak
  // RSS grew with the pages it fetched (65 MB against 47 MB for a 1M-row sync).
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  return sfrewind::cli::run(argc, argv, std::cout, std::cerr);
}
