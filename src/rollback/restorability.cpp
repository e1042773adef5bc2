// Restorability rules: what history can give back, and what only a snapshot can.
#include "rollback/restorability.hpp"

#include <cstddef>

namespace sfrewind::rollback {
namespace {

// History keeps at most this many characters of a value.
constexpr std::size_t kHistoryValueMax = 255;

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

// A problem of the field type itself: history never holds such values.
std::optional<std::string> type_problem(const FieldMeta& meta) {
  if (meta.type == "multipicklist") return "multi-select picklist: history keeps no value";
  if (meta.type == "textarea" && (meta.length > static_cast<int>(kHistoryValueMax) || meta.html_formatted)) {
    return "long or rich text area: history keeps no value";
  }
  if (meta.encrypted || meta.type == "encryptedstring") return "encrypted field";
  return std::nullopt;
}

std::optional<std::string> encode(const FieldValue& value, const FieldMeta& meta,
                                  std::string& encoded) {
  if (value.is_null() && !meta.nillable && meta.type != "boolean") {
    return "the value to restore is null but the field is required";
  }
  auto json = value.to_json(meta.type);
  if (!json) return "cannot encode the value: " + json.error().message;
  encoded = std::move(*json);
  return std::nullopt;
}

bool may_be_truncated(const FieldValue& value, const FieldMeta& meta) {
  if (value.is_null() || utf8_length(value.text()) < kHistoryValueMax) return false;
  return meta.length == 0 || meta.length > static_cast<int>(kHistoryValueMax);
}

}  // namespace

FieldTarget resolve_target(const std::unordered_map<std::string, FieldMeta>& fields,
                           const timeline::FieldChain& chain) {
  FieldTarget t;
  auto it = fields.find(field_key(chain.sobject, chain.field));
  std::string written = chain.field;
  if (it == fields.end()) {
    bool lookup = false;
    for (const auto& c : chain.changes) lookup = lookup || c.is_lookup;
    if (lookup) {
      written = chain.field + "Id";
      it = fields.find(field_key(chain.sobject, written));
    }
  }
  if (it == fields.end()) {
    t.api_field = chain.field;
    return t;
  }
  t.meta = &it->second;
  t.api_field = it->second.api_name.empty() ? written : it->second.api_name;
  return t;
}

std::optional<std::string> fixed_reason(const timeline::FieldChain& chain, const FieldTarget& target,
                                        const std::unordered_set<std::string>& deleted) {
  if (deleted.count(chain.record_id)) return "record deleted";
  if (!target.meta) return "no field metadata (describe does not know the field)";
  if (target.meta->calculated) return "calculated field";
  if (!target.meta->updateable) return "field is not updateable";
  return std::nullopt;
}

std::optional<std::string> value_problem(const timeline::Change& first, const FieldMeta& meta,
                                         std::string& encoded) {
  if (auto p = type_problem(meta)) return p;
  if (first.old_value.is_null() && first.new_value.is_null()) {
    return "history did not record the value";
  }
  if (meta.type == "reference" && !first.is_lookup) return "history has no id row for the lookup";
  if (may_be_truncated(first.old_value, meta)) {
    return "the value may be truncated at 255 characters";
  }
  return encode(first.old_value, meta, encoded);
}

std::optional<std::string> snapshot_problem(const FieldValue& value, const FieldMeta& meta,
                                            std::string& encoded) {
  return encode(value, meta, encoded);
}

std::string encode_for_display(const FieldValue& value, std::string_view describe_type) {
  auto json = value.to_json(describe_type);
  if (json) return std::move(*json);
  return json_quote(value.text());
}

}  // namespace sfrewind::rollback
