// Batcher: ready items -> records -> collections or guarded row PATCHes inside /composite calls.
#include <sfrewind/rollback/batcher.hpp>

#include <algorithm>
#include <tuple>

#include "rollback/json.hpp"

namespace sfrewind::rollback {
namespace {

// One record to write: the items (ready, one per api field) of one (sobject, record_id).
struct Record {
  const std::string* sobject;
  const std::string* record_id;
  std::vector<const PlanItem*> fields;  // sorted by api_field, unique
};

// The records of one object cut to at most records_per_collection.
struct Chunk {
  const std::string* sobject;
  std::vector<const Record*> records;
};

std::vector<Record> collect_records(std::span<const PlanItem> items) {
  std::vector<const PlanItem*> ready;
  for (const auto& it : items) {
    if (it.status == ItemStatus::kReady) ready.push_back(&it);
  }
  std::sort(ready.begin(), ready.end(), [](const PlanItem* a, const PlanItem* b) {
    return std::tie(a->sobject, a->record_id, a->api_field) <
           std::tie(b->sobject, b->record_id, b->api_field);
  });
  std::vector<Record> records;
  for (const PlanItem* it : ready) {
    if (records.empty() || *records.back().record_id != it->record_id ||
        *records.back().sobject != it->sobject) {
      records.push_back(Record{&it->sobject, &it->record_id, {}});
    }
    auto& fields = records.back().fields;
    if (fields.empty() || fields.back()->api_field != it->api_field) fields.push_back(it);
  }
  return records;
}

std::vector<Chunk> cut_chunks(const std::vector<Record>& records, std::size_t per_chunk) {
  std::vector<Chunk> chunks;
  for (const auto& r : records) {
    if (chunks.empty() || *chunks.back().sobject != *r.sobject ||
        chunks.back().records.size() >= per_chunk) {
      chunks.push_back(Chunk{r.sobject, {}});
    }
    chunks.back().records.push_back(&r);
  }
  return chunks;
}

// A subrequest referenceId: a letter and a number ("c1").
std::string ref_id(char letter, std::size_t n) {
  std::string id(1, letter);
  id.append(std::to_string(n));
  return id;
}

std::string prefix(std::string_view api_version) {
  std::string p("/services/data/v");
  p.append(api_version);
  return p;
}

void write_fields(json::Writer& w, const Record& r) {
  for (const PlanItem* it : r.fields) {
    w.key(it->api_field);
    w.raw(it->restore_to);
  }
}

void write_collection(json::Writer& w, const Chunk& c, std::string_view api, std::size_t ref) {
  w.begin_object();
  w.key("method"), w.string("PATCH");
  w.key("url"), w.string(prefix(api) + "/composite/sobjects");
  w.key("referenceId"), w.string(ref_id('c', ref));
  w.key("body");
  w.begin_object();
  w.key("allOrNone"), w.boolean(false);
  w.key("records");
  w.begin_array();
  for (const Record* r : c.records) {
    w.begin_object();
    w.key("attributes");
    w.begin_object();
    w.key("type"), w.string(*r->sobject);
    w.end_object();
    w.key("id"), w.string(*r->record_id);
    write_fields(w, *r);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  w.end_object();
}

void write_guarded_row(json::Writer& w, const Record& r, std::string_view api, std::size_t ref) {
  w.begin_object();
  w.key("method"), w.string("PATCH");
  w.key("url"), w.string(prefix(api) + "/sobjects/" + *r.sobject + "/" + *r.record_id);
  w.key("referenceId"), w.string(ref_id('u', ref));
  w.key("httpHeaders");
  w.begin_object();
  w.key("If-Unmodified-Since"), w.string(if_unmodified_since_placeholder(*r.record_id));
  w.end_object();
  w.key("body");
  w.begin_object();
  write_fields(w, r);
  w.end_object();
  w.end_object();
}

// A GET collection URL re-reading the chunk's fields (and LastModifiedDate when guarded).
std::string reread_url(const Chunk& c, std::string_view api, bool guarded) {
  std::vector<std::string_view> fields;
  for (const Record* r : c.records) {
    for (const PlanItem* it : r->fields) fields.push_back(it->api_field);
  }
  if (guarded) fields.push_back("LastModifiedDate");
  std::sort(fields.begin(), fields.end());
  fields.erase(std::unique(fields.begin(), fields.end()), fields.end());
  std::string url = prefix(api) + "/composite/sobjects/" + *c.sobject + "?ids=";
  for (std::size_t i = 0; i < c.records.size(); ++i) {
    if (i) url.push_back(',');
    url.append(*c.records[i]->record_id);
  }
  url.append("&fields=");
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) url.push_back(',');
    url.append(fields[i]);
  }
  return url;
}

std::string composite_body(std::vector<std::string> subrequests) {
  std::string body = R"({"allOrNone":false,"collateSubrequests":false,"compositeRequest":[)";
  for (std::size_t i = 0; i < subrequests.size(); ++i) {
    if (i) body.push_back(',');
    body.append(subrequests[i]);
  }
  body.append("]}");
  return body;
}

std::vector<HttpCall> rereads_for(const std::vector<Chunk>& chunks, std::string_view api,
                                  bool guarded, const BatchLimits& limits) {
  std::vector<HttpCall> calls;
  std::vector<std::string> subs;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    json::Writer w(false);
    w.begin_object();
    w.key("method"), w.string("GET");
    w.key("url"), w.string(reread_url(chunks[i], api, guarded));
    w.key("referenceId"), w.string(ref_id('r', subs.size() + 1));
    w.end_object();
    subs.push_back(w.take());
    if (subs.size() == limits.collections_per_composite || i + 1 == chunks.size()) {
      calls.push_back(HttpCall{"POST", prefix(api) + "/composite", composite_body(std::move(subs))});
      subs.clear();
    }
  }
  return calls;
}

Batch make_batch(std::string_view api, std::vector<std::string> subrequests,
                 const std::vector<Chunk>& chunks, bool guarded, const BatchLimits& limits) {
  Batch b;
  b.method = "POST";
  b.path = prefix(api) + "/composite";
  b.body = composite_body(std::move(subrequests));
  for (const auto& c : chunks) {
    for (const Record* r : c.records) b.record_ids.push_back(*r->record_id);
  }
  b.rereads = rereads_for(chunks, api, guarded, limits);
  return b;
}

std::vector<Batch> collection_batches(const std::vector<Record>& records, std::string_view api,
                                      const BatchLimits& limits) {
  std::vector<Chunk> chunks = cut_chunks(records, limits.records_per_collection);
  std::size_t per_call = std::min(limits.collections_per_composite, limits.subrequests_per_composite);
  std::vector<Batch> out;
  for (std::size_t b = 0; b < chunks.size(); b += per_call) {
    std::size_t e = std::min(chunks.size(), b + per_call);
    std::vector<Chunk> group(chunks.begin() + static_cast<std::ptrdiff_t>(b),
                             chunks.begin() + static_cast<std::ptrdiff_t>(e));
    std::vector<std::string> subs;
    for (std::size_t i = 0; i < group.size(); ++i) {
      json::Writer w(false);
      write_collection(w, group[i], api, i + 1);
      subs.push_back(w.take());
    }
    out.push_back(make_batch(api, std::move(subs), group, false, limits));
  }
  return out;
}

std::vector<Batch> guarded_batches(const std::vector<Record>& records, std::string_view api,
                                   const BatchLimits& limits) {
  std::vector<Batch> out;
  for (std::size_t b = 0; b < records.size(); b += limits.subrequests_per_composite) {
    std::size_t e = std::min(records.size(), b + limits.subrequests_per_composite);
    std::vector<Record> slice(records.begin() + static_cast<std::ptrdiff_t>(b),
                              records.begin() + static_cast<std::ptrdiff_t>(e));
    std::vector<std::string> subs;
    for (std::size_t i = 0; i < slice.size(); ++i) {
      json::Writer w(false);
      write_guarded_row(w, slice[i], api, i + 1);
      subs.push_back(w.take());
    }
    std::vector<Chunk> chunks = cut_chunks(slice, limits.records_per_collection);
    out.push_back(make_batch(api, std::move(subs), chunks, true, limits));
  }
  return out;
}

}  // namespace

std::string if_unmodified_since_placeholder(std::string_view record_id) {
  std::string p(kIfUnmodifiedSincePrefix);
  p.append(record_id);
  p.append("}}");
  return p;
}

Batches make_batches(std::span<const PlanItem> items, BatchMode mode,
                     std::string_view api_version, const BatchLimits& limits) {
  std::vector<Record> records = collect_records(items);
  Batches out;
  out.batches = mode == BatchMode::kGuarded ? guarded_batches(records, api_version, limits)
                                            : collection_batches(records, api_version, limits);
  out.estimate.write_calls = out.batches.size();
  for (const auto& b : out.batches) out.estimate.reread_calls += b.rereads.size();
  return out;
}

}  // namespace sfrewind::rollback
