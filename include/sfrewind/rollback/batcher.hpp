// Batcher: ready plan items -> /composite write calls and their re-read calls. Pure code.
//
// Collections mode: ready items become one record per (sobject, record_id) carrying all its
// fields (`attributes.type`, `id`, fields sorted by name). Each object's records are cut into
// sObject Collections PATCH subrequests (`/services/data/vXX.X/composite/sobjects`, body
// `{"allOrNone":false,"records":[...]}`) of at most 200 records, and the collections are packed
// in order, at most 5 per `/composite` call (`allOrNone:false`, `collateSubrequests:false`).
//
// Guarded mode: one sObject Rows PATCH subrequest per record
// (`/services/data/vXX.X/sobjects/T/ID`) carrying the header `If-Unmodified-Since` with the
// placeholder if_unmodified_since_placeholder(ID), which the executor replaces with the HTTP
// date of the record's LastModifiedDate from its re-read; at most 25 per `/composite` call.
//
// Re-reads: before each write call the executor re-reads the live values of the batch's fields:
// one GET collection subrequest (`/composite/sobjects/T?ids=..&fields=..`, <= 200 ids) per object
// chunk of the batch, packed at most 5 per `/composite` call.
//
// Estimate: write_calls = number of batches = ceil(C / 5) in collections mode with
// C = sum over objects of ceil(records / 200), ceil(R / 25) in guarded mode with R records;
// reread_calls = sum over batches of ceil(object chunks in the batch / 5) (= write_calls in
// collections mode).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <sfrewind/rollback/plan.hpp>

namespace sfrewind::rollback {

// Salesforce's limits, lowered in tests only.
struct BatchLimits {
  std::size_t records_per_collection = 200;
  std::size_t collections_per_composite = 5;
  std::size_t subrequests_per_composite = 25;
};

// The prefix of the If-Unmodified-Since placeholder of guarded batches.
inline constexpr std::string_view kIfUnmodifiedSincePrefix = "{{If-Unmodified-Since:";

// "{{If-Unmodified-Since:<record_id>}}": what the executor replaces in a guarded batch body.
std::string if_unmodified_since_placeholder(std::string_view record_id);

struct Batches {
  std::vector<Batch> batches;
  ApiEstimate estimate;
};

// Builds the calls for the ready items of `items` (others are skipped) in `mode`.
// Deterministic: objects, records and fields in sorted order.
Batches make_batches(std::span<const PlanItem> items, BatchMode mode,
                     std::string_view api_version, const BatchLimits& limits = {});

}  // namespace sfrewind::rollback
