// Whether a field's old value can be written back, and how it is encoded (private to rollback).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include <sfrewind/rollback/planner.hpp>
#include <sfrewind/timeline/timeline.hpp>

namespace sfrewind::rollback {

// The field a chain writes and its metadata (nullptr when describe does not know it).
struct FieldTarget {
  const FieldMeta* meta = nullptr;
  std::string api_field;
};

// Finds the metadata of chain.field, or for a lookup chain of field + "Id".
FieldTarget resolve_target(const std::unordered_map<std::string, FieldMeta>& fields,
                           const timeline::FieldChain& chain);

// A reason no snapshot can fix: record deleted, no metadata, calculated, not updateable.
std::optional<std::string> fixed_reason(const timeline::FieldChain& chain, const FieldTarget& target,
                                        const std::unordered_set<std::string>& deleted);

// Why the old value of `first` cannot be restored from history (long text, multi-select,
// encrypted, not recorded, maybe truncated, lookup without id, not encodable, required but
// null), or nullopt with `encoded` set to its JSON literal.
std::optional<std::string> value_problem(const timeline::Change& first, const FieldMeta& meta,
                                         std::string& encoded);

// Why a snapshot value cannot be written (not encodable, required but null), or nullopt with
// `encoded` set.
std::optional<std::string> snapshot_problem(const FieldValue& value, const FieldMeta& meta,
                                            std::string& encoded);

// The value as a JSON literal for `describe_type`, falling back to a quoted text.
std::string encode_for_display(const FieldValue& value, std::string_view describe_type);

}  // namespace sfrewind::rollback
