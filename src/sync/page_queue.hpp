// PageQueue: a small bounded queue carrying history pages from fetch threads to the one writer.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <vector>

#include <sfrewind/history.hpp>

namespace sfrewind::sync {

// One fetched page of one slice; `slice_done` marks the slice's last page.
struct PageMsg {
  std::size_t slice = 0;  // index into the run's slice list
  std::vector<HistoryRow> rows;
  bool slice_done = false;
};

// Thread-safety: all methods are thread-safe.
class PageQueue {
 public:
  explicit PageQueue(std::size_t capacity) : capacity_(capacity) {}

  // Blocks while full; returns false once the queue is closed.
  bool push(PageMsg msg) {
    std::unique_lock lock(mu_);
    not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    if (closed_) return false;
    items_.push_back(std::move(msg));
    not_empty_.notify_one();
    return true;
  }

  // Blocks until a page is there, then takes every page waiting; empty when the queue is
  // closed or every producer is done and it is empty.
  std::vector<PageMsg> pop_all() {
    std::unique_lock lock(mu_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty() || producers_ == 0; });
    std::vector<PageMsg> out;
    if (closed_) return out;
    out.reserve(items_.size());
    for (PageMsg& m : items_) out.push_back(std::move(m));
    items_.clear();
    not_full_.notify_all();
    return out;
  }

  void add_producer() {
    std::lock_guard lock(mu_);
    ++producers_;
  }
  void producer_done() {
    std::lock_guard lock(mu_);
    --producers_;
    not_empty_.notify_all();
  }
  // Spent rows handed back by the writer, so fetchers decode into buffers already mapped
  // instead of faulting in a fresh one per page. Keeps at most as many as the queue holds.
  void recycle(std::vector<HistoryRow> rows) {
    std::lock_guard lock(mu_);
    if (spare_.size() < capacity_) spare_.push_back(std::move(rows));
  }
  // A spent page's rows, or an empty vector when none is waiting.
  std::vector<HistoryRow> spare_rows() {
    std::lock_guard lock(mu_);
    if (spare_.empty()) return {};
    std::vector<HistoryRow> rows = std::move(spare_.back());
    spare_.pop_back();
    return rows;
  }

  // Wakes everyone; later pushes fail and pop_all returns nothing.
  void close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<PageMsg> items_;
  std::vector<std::vector<HistoryRow>> spare_;
  std::size_t capacity_;
  int producers_ = 0;
  bool closed_ = false;
};

}  // namespace sfrewind::sync
