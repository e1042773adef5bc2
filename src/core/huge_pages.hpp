// Transparent huge pages for big buffers that are written once (private to the library and the
// executable).
#pragma once

#include <cstddef>

namespace sfrewind {

// Asks the kernel to back the 2 MiB-aligned part of [p, p + n) with transparent huge pages where
// it offers them on request (Linux `madvise`); does nothing elsewhere or when refused. On a VM
// each first touch of a fresh 4 KiB page is a page fault that costs microseconds; a 2 MiB page
// is one fault.
void advise_huge_pages(void* p, std::size_t n);

}  // namespace sfrewind
