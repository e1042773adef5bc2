// PageQueue: spent rows go back to the fetchers, no more than the queue holds.
#include <doctest/doctest.h>

#include <vector>

#include "sync/page_queue.hpp"

namespace sfrewind::sync {

TEST_SUITE("sync") {
  TEST_CASE("spent rows are handed back to fetchers up to the queue's capacity") {
    PageQueue queue(2);
    CHECK(queue.spare_rows().empty());
    for (std::size_t n : {10, 20, 30}) queue.recycle(std::vector<HistoryRow>(n));
    std::vector<HistoryRow> a = queue.spare_rows();
    std::vector<HistoryRow> b = queue.spare_rows();
    CHECK(a.size() + b.size() == 30);  // the first two; the third was dropped
    CHECK(a.capacity() >= 10);
    CHECK(queue.spare_rows().empty());
  }
}

}  // namespace sfrewind::sync
