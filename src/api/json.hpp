// JsonParser: turns REST bodies into sfrewind structs; simdjson stays behind this pimpl.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include <sfrewind/api/composite.hpp>
#include <sfrewind/api/records.hpp>
#include <sfrewind/error.hpp>

namespace sfrewind::api {

// One reused simdjson on-demand parser plus its padded buffer. Every method returns kParse on
// malformed or truncated JSON and never reads out of bounds. Results own their strings.
// Thread-safety: not thread-safe.
class JsonParser {
 public:
  JsonParser();
  ~JsonParser();
  JsonParser(JsonParser&&) noexcept;
  JsonParser& operator=(JsonParser&&) noexcept;

  Result<RecordPage> record_page(std::string_view body);
  // `reuse`: rows the page's rows are written over (their buffers kept); nothing of them remains.
  Result<HistoryPage> history_page(std::string_view body, const HistoryObject& object,
                                   std::string_view org_id, std::vector<HistoryRow> reuse = {});
  Result<Record> record(std::string_view body);
  Result<SObjectDescribe> describe(std::string_view body);
  Result<std::vector<GlobalSObject>> describe_global(std::string_view body);
  Result<Limits> limits(std::string_view body);
  // The array form, the single-object form and the token endpoint's {error, error_description}.
  Result<std::vector<ApiError>> api_errors(std::string_view body);
  Result<std::vector<RecordOutcome>> record_outcomes(std::string_view body);
  Result<std::vector<CompositeSubresponse>> composite_response(std::string_view body);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace sfrewind::api
