// Same-second ordering: exhaustive search over small runs, greedy over large ones.
#include "timeline/order.hpp"

#include <cstddef>
#include <cstdint>
#include <utility>

namespace sfrewind::timeline::detail {
namespace {

// Runs up to this size are searched exhaustively; larger ones are ordered greedily.
constexpr std::size_t kMaxSearchRun = 10;
// Search nodes allowed per run before giving up and calling the whole run ambiguous.
constexpr std::size_t kSearchBudget = 50000;

bool links(const FieldValue* prev_new, const Change& next) {
  return prev_new == nullptr || same_value(*prev_new, next.old_value);
}

// Enumerates every order of a run in which each change links to the previous one.
class ChainSearch {
 public:
  explicit ChainSearch(const std::vector<Change>& run)
      : run_(run), varies_(run.size(), false) {}

  void run(const FieldValue* start) {
    order_.clear();
    dfs(0, start);
  }

  std::size_t found() const { return found_; }
  bool exhausted() const { return exhausted_; }
  const std::vector<std::size_t>& first() const { return first_; }
  bool varies(std::size_t i) const { return varies_[i]; }

 private:
  void dfs(std::uint32_t used, const FieldValue* cur) {
    if (++nodes_ > kSearchBudget) {
      exhausted_ = true;
      return;
    }
    if (order_.size() == run_.size()) {
      record();
      return;
    }
    for (std::size_t i = 0; i < run_.size() && !exhausted_; ++i) {
      if ((used >> i) & 1U) continue;
      if (!links(cur, run_[i])) continue;
      order_.push_back(i);
      dfs(used | (1U << i), &run_[i].new_value);
      order_.pop_back();
    }
  }

  void record() {
    if (found_++ == 0) {
      first_ = order_;
      return;
    }
    for (std::size_t p = 0; p < order_.size(); ++p) {
      if (order_[p] == first_[p]) continue;
      varies_[order_[p]] = true;
      varies_[first_[p]] = true;
    }
  }

  const std::vector<Change>& run_;
  std::vector<std::size_t> order_;
  std::vector<std::size_t> first_;
  std::vector<bool> varies_;
  std::size_t found_ = 0;
  std::size_t nodes_ = 0;
  bool exhausted_ = false;
};

void apply_order(std::vector<Change>& run, const std::vector<std::size_t>& order) {
  std::vector<Change> out;
  out.reserve(run.size());
  for (std::size_t i : order) out.push_back(std::move(run[i]));
  run = std::move(out);
}

// Greedy: follow the chain, taking the smallest history id when several changes fit.
void settle_greedy(std::vector<Change>& run, const FieldValue* prev_new) {
  std::vector<bool> used(run.size(), false);
  std::vector<std::size_t> order;
  const FieldValue* cur = prev_new;
  for (std::size_t step = 0; step < run.size(); ++step) {
    std::vector<std::size_t> fits;
    for (std::size_t i = 0; i < run.size(); ++i) {
      if (!used[i] && links(cur, run[i])) fits.push_back(i);
    }
    std::size_t pick = 0;
    if (fits.empty()) {
      while (used[pick]) ++pick;
      run[pick].ambiguous = true;
    } else {
      pick = fits.front();
      if (fits.size() > 1) for (std::size_t i : fits) run[i].ambiguous = true;
    }
    used[pick] = true;
    order.push_back(pick);
    cur = &run[pick].new_value;
  }
  apply_order(run, order);
}

}  // namespace

void settle_second(std::vector<Change>& run, const FieldValue* prev_new) {
  if (run.size() < 2) return;
  if (run.size() > kMaxSearchRun) {
    settle_greedy(run, prev_new);
    return;
  }
  ChainSearch strict(run);
  strict.run(prev_new);
  ChainSearch loose(run);
  const ChainSearch* search = &strict;
  if (strict.found() == 0 && !strict.exhausted() && prev_new != nullptr) {
    // History has a gap before this second: order the run by its own chain.
    loose.run(nullptr);
    search = &loose;
  }
  if (search->found() == 0 || search->exhausted()) {
    for (auto& c : run) c.ambiguous = true;
    return;  // keep history-id order
  }
  for (std::size_t i = 0; i < run.size(); ++i) {
    if (search->found() > 1 && search->varies(i)) run[i].ambiguous = true;
  }
  apply_order(run, search->first());
}

}  // namespace sfrewind::timeline::detail
