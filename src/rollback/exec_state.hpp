// What the journal says about a plan's items, and who is running the rollback.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <sfrewind/error.hpp>
#include <sfrewind/rollback/executor.hpp>
#include <sfrewind/store/store.hpp>

namespace sfrewind::rollback {

// Journal entry kinds written by the executor.
inline constexpr const char* kJournalIntent = "intent";
inline constexpr const char* kJournalOutcome = "outcome";

// One (record, field) as the journal left it.
struct JournalItemState {
  bool intent = false;                 // an intent was written
  bool open_intent = false;            // an intent came after the last outcome (or with none)
  std::optional<ItemOutcome> outcome;  // the last outcome recorded, if any
  std::string detail;
};

class JournalState {
 public:
  void add(const JournalRow& row);
  // The state of (record_id, field), or nullptr when the journal never mentioned it.
  const JournalItemState* find(std::string_view record_id, std::string_view field) const;

 private:
  std::unordered_map<std::string, JournalItemState> items_;
};

// Reads the journal of `plan_id`. Errors: store failures, kStorage when the hash chain is broken.
Result<JournalState> load_journal_state(Store& store, const std::string& plan_id);

}  // namespace sfrewind::rollback
