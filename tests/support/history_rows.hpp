// Builders for HistoryRow tables used by timeline and rollback tests.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <sfrewind/history.hpp>
#include <sfrewind/types.hpp>

namespace sfrewind::test {

// A valid 18-character id made from a 3-character prefix and a number ("a01", 7).
inline std::string make_id(const char* prefix, long n) {
  std::string body(prefix);
  std::string digits = std::to_string(n);
  body.append(12 - digits.size(), '0');
  body.append(digits);
  return RecordId::parse(body)->str();
}

inline Timestamp ts(const char* text) { return *Timestamp::parse(text); }

// Appends rows with increasing history ids ("0170000000000001", ...).
class RowTable {
 public:
  explicit RowTable(std::string sobject = "Invoice__c") : sobject_(std::move(sobject)) {}

  HistoryRow& add(const std::string& record, std::string field, std::optional<std::string> old_v,
                  std::optional<std::string> new_v, std::string by, const char* when,
                  std::string type = "Text") {
    HistoryRow r;
    r.org_id = "00D000000000001AAA";
    r.history_id = next_id();
    r.sobject = sobject_;
    r.record_id = record;
    r.field = std::move(field);
    r.data_type = std::move(type);
    r.old_value = std::move(old_v);
    r.new_value = std::move(new_v);
    r.changed_by = std::move(by);
    r.changed_at = ts(when);
    rows_.push_back(std::move(r));
    return rows_.back();
  }

  void set_sobject(std::string sobject) { sobject_ = std::move(sobject); }
  const std::vector<HistoryRow>& rows() const { return rows_; }
  std::vector<HistoryRow>& rows() { return rows_; }

 private:
  std::string next_id() {
    std::string digits = std::to_string(++counter_);
    return "017" + std::string(15 - digits.size(), '0') + digits;
  }

  std::string sobject_;
  std::vector<HistoryRow> rows_;
  long counter_ = 0;
};

}  // namespace sfrewind::test
