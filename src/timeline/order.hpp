// Same-second ordering of a field's changes by the value chain (private to timeline).
#pragma once

#include <vector>

#include <sfrewind/timeline/timeline.hpp>

namespace sfrewind::timeline::detail {

// Reorders `run`, the changes of one field that share one second (given in history-id order), so
// each change's old value equals the previous one's new value, starting from `prev_new` (the new
// value of the change before the run, or nullptr). Among several fitting orders the one smallest
// by history id wins; a change whose position differs between fitting orders, or a run no order
// fits, is marked ambiguous.
void settle_second(std::vector<Change>& run, const FieldValue* prev_new);

}  // namespace sfrewind::timeline::detail
