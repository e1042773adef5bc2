// sync_history: plans time slices per history object, fetches them over parallel connections
// and writes every page through one writer, recording finished slices so a killed run resumes.
#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>

#include <sfrewind/api/soql.hpp>
#include <sfrewind/sync/history_sync.hpp>

#include "sync/page_queue.hpp"
#include "sync/slice_plan.hpp"

namespace sfrewind::sync {
namespace {

constexpr int kMaxSliceRestarts = 5;

struct ObjectRun {
  api::HistoryObject object;
  std::string condition;
  std::vector<SyncSlice> slices;
  std::size_t pending = 0;
  std::optional<Timestamp> newest;  // newest CreatedDate among the rows this run wrote or saw
  ObjectSyncSummary summary;
};

struct SliceRef {
  std::size_t object = 0;
  std::size_t slice = 0;
};

bool restartable(const Error& e) {
  return e.api_code == "INVALID_QUERY_LOCATOR" || e.code == ErrorCode::kParse ||
         e.code == ErrorCode::kTransport || e.code == ErrorCode::kTimeout ||
         e.http_status >= 500;
}

Timestamp floor_second(Timestamp t) { return Timestamp(t.ms() - t.ms() % 1000); }

// The rows a slice has handed on in its latest second. A restarted query resumes at the start of
// that second, and these rows come again: they are dropped, so a first load (which has no index
// to find them) stores and counts each row once. Pages come in (CreatedDate, Id) order.
class SecondSeen {
 public:
  void drop_repeats(std::vector<HistoryRow>& rows) const {
    if (ids_.empty()) return;
    std::erase_if(rows, [this](const HistoryRow& r) {
      return floor_second(r.changed_at) == second_ &&
             std::find(ids_.begin(), ids_.end(), r.history_id) != ids_.end();
    });
  }
  void remember(const std::vector<HistoryRow>& rows) {
    for (const HistoryRow& r : rows) {
      Timestamp second = floor_second(r.changed_at);
      if (ids_.empty() || second != second_) {
        ids_.clear();
        second_ = second;
      }
      ids_.push_back(r.history_id);
    }
  }

 private:
  Timestamp second_;
  std::vector<std::string> ids_;
};

class SyncRun {
 public:
  SyncRun(std::shared_ptr<auth::TokenProvider> tokens, Store& store, const SyncOptions& options)
      : tokens_(std::move(tokens)), store_(store), options_(options),
        queue_(static_cast<std::size_t>(std::max(2, options.jobs + 1))) {}

  Result<SyncSummary> run();

 private:
  Status resolve_selection(api::RestClient& client);
  Status plan_object(api::RestClient& client, ObjectRun& run, const std::string& run_id);
  Status prefetch_edges();
  Result<std::optional<Timestamp>> edge(api::RestClient& client, const ObjectRun& run,
                                        bool newest);
  void fetch_worker();
  Status fetch_slice(api::RestClient& client, const SliceRef& ref);
  Status write_pages();
  Status account(const PageMsg& msg, const InsertStats& stats);
  Status finish_object(ObjectRun& run);
  // Records the first error and stops the fetchers; pages already fetched are still written
  // unless `drop_queue` (the writer itself failed).
  void fail(Error e, bool drop_queue);

  std::shared_ptr<auth::TokenProvider> tokens_;
  Store& store_;
  const SyncOptions& options_;
  std::string org_id_;
  std::vector<ObjectRun> objects_;
  std::vector<SliceRef> work_;
  std::atomic<std::size_t> next_work_{0};
  PageQueue queue_;
  std::mutex error_mu_;
  std::optional<Error> error_;
  std::atomic<bool> cancel_{false};
  std::atomic<std::int64_t> api_calls_{0};
  LoadMode mode_ = LoadMode::kStaged;
  // Edge answers fetched ahead in parallel, by (object index, newest).
  std::map<std::pair<std::size_t, bool>, std::optional<Timestamp>> edges_;
  std::int64_t rows_seen_ = 0;
  std::int64_t slices_done_ = 0;
};

void SyncRun::fail(Error e, bool drop_queue) {
  std::lock_guard lock(error_mu_);
  if (!error_) error_ = std::move(e);
  cancel_ = true;
  if (drop_queue) queue_.close();
}

Status SyncRun::resolve_selection(api::RestClient& client) {
  std::vector<std::string> names;
  for (const FieldSelection& s : options_.selection) names.push_back(s.sobject);
  auto tracked = discover(client, names);
  if (!tracked) return tracked.error();
  for (const TrackedObject& t : *tracked) {
    auto sel = std::find_if(options_.selection.begin(), options_.selection.end(),
                            [&](const FieldSelection& s) { return s.sobject == t.object.sobject; });
    std::vector<std::string> fields = sel == options_.selection.end() ? std::vector<std::string>{}
                                                                     : sel->fields;
    for (const std::string& f : fields) {
      bool known = std::any_of(t.fields.begin(), t.fields.end(),
                               [&](const TrackedField& tf) { return tf.name == f; });
      if (!known) {
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("field {}.{} is not history-tracked", t.object.sobject, f));
      }
    }
    objects_.push_back(ObjectRun{t.object, field_condition(fields), {}, 0, {}, {}});
    objects_.back().summary.history_object = t.object.history_object;
  }
  for (const FieldSelection& s : options_.selection) {
    bool found = std::any_of(objects_.begin(), objects_.end(),
                             [&](const ObjectRun& o) { return o.object.sobject == s.sobject; });
    if (!found) {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("object {} has no history-tracked fields", s.sobject));
    }
  }
  return ok();
}

// The oldest (or newest) CreatedDate of the selected rows, or nullopt when there are none.
Result<std::optional<Timestamp>> SyncRun::edge(api::RestClient& client, const ObjectRun& run,
                                               bool newest) {
  auto cached = edges_.find({static_cast<std::size_t>(&run - objects_.data()), newest});
  if (cached != edges_.end()) return cached->second;
  std::string soql = fmt::format("SELECT CreatedDate FROM {}{} ORDER BY CreatedDate {} LIMIT 1",
                                 run.object.history_object,
                                 run.condition.empty() ? "" : " WHERE " + run.condition,
                                 newest ? "DESC" : "ASC");
  auto pager = client.query(soql, true);
  auto page = pager.next_records();
  if (!page) return page.error();
  if (page->records.empty()) return std::optional<Timestamp>();
  auto t = Timestamp::parse(page->records.front().text("CreatedDate"));
  if (!t) return make_error(ErrorCode::kParse, "bad CreatedDate in " + run.object.history_object);
  return std::optional<Timestamp>(*t);
}

// The edge queries plan_object will need, on parallel connections: each is a full round trip
// and there are two per object on a first sync.
Status SyncRun::prefetch_edges() {
  std::vector<std::pair<std::size_t, bool>> asks;
  for (std::size_t o = 0; o < objects_.size(); ++o) {
    auto open = store_.sync_slices(org_id_, objects_[o].object.history_object);
    if (!open) return open.error();
    if (!open->empty()) continue;
    auto state = store_.sync_state(org_id_, objects_[o].object.history_object);
    if (!state) return state.error();
    if (!state->watermark && !options_.since) asks.emplace_back(o, false);
    asks.emplace_back(o, true);
  }
  std::vector<Result<std::optional<Timestamp>>> answers(asks.size(), std::optional<Timestamp>());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    auto client = api::RestClient::make(tokens_, options_.rest);
    for (std::size_t i = next++; i < asks.size(); i = next++) {
      answers[i] = client ? edge(*client, objects_[asks[i].first], asks[i].second)
                          : Result<std::optional<Timestamp>>(client.error());
    }
    if (client) api_calls_ += client->attempts();
  };
  std::vector<std::thread> threads;
  std::size_t n = std::min<std::size_t>(asks.size(), static_cast<std::size_t>(options_.jobs));
  for (std::size_t t = 0; t < n; ++t) threads.emplace_back(work);
  for (std::thread& t : threads) t.join();
  for (std::size_t i = 0; i < asks.size(); ++i) {
    if (!answers[i]) return answers[i].error();
    edges_[asks[i]] = *answers[i];
  }
  return ok();
}

Status SyncRun::plan_object(api::RestClient& client, ObjectRun& run, const std::string& run_id) {
  auto open = store_.sync_slices(org_id_, run.object.history_object);
  if (!open) return open.error();
  if (!open->empty()) {
    run.slices = std::move(*open);  // resume the unfinished run
  } else {
    auto state = store_.sync_state(org_id_, run.object.history_object);
    if (!state) return state.error();
    std::optional<Timestamp> from;
    if (state->watermark) {
      from = Timestamp(state->watermark->ms() - std::int64_t{options_.overlap_s} * 1000);
    } else if (options_.since) {
      from = options_.since;
    } else {
      auto first = edge(client, run, false);
      if (!first) return first.error();
      from = *first ? floor_second(**first) : Timestamp::now();
    }
    // Slices split the span that holds rows (up to the newest one), not the span up to now, so
    // an org whose history is old or bunched still spreads over every connection; the last
    // slice stays open-ended for rows written meanwhile.
    auto last = edge(client, run, true);
    if (!last) return last.error();
    Timestamp until = *last && **last > *from ? Timestamp(floor_second(**last).ms() + 1000)
                                              : Timestamp::now();
    run.slices = plan_slices(*from, until, options_.jobs, run_id);
    if (auto s = store_.save_sync_slices(org_id_, run.object.history_object, run.slices); !s) {
      return s;
    }
  }
  for (std::size_t i = 0; i < run.slices.size(); ++i) {
    if (!run.slices[i].done) ++run.pending;
  }
  return ok();
}

Status SyncRun::fetch_slice(api::RestClient& client, const SliceRef& ref) {
  const ObjectRun& run = objects_[ref.object];
  const SyncSlice& slice = run.slices[ref.slice];
  Timestamp from = slice.from;
  std::optional<Timestamp> last_seen;
  int restarts = 0;
  auto pager = client.query(slice_soql(run.object, run.condition, from, slice.to), true,
                            options_.batch_size);
  std::optional<Timestamp> restarted_at;
  SecondSeen handed_on;
  while (pager.has_next() && !cancel_) {
    auto page = pager.next_history(run.object, org_id_, queue_.spare_rows());
    if (!page) {
      // Restarting resumes from the last second seen; give up only when restarts stop making
      // progress (an expired cursor inside one crowded second, a page that never decodes).
      if (last_seen != restarted_at) restarts = 0;
      if (!restartable(page.error()) || ++restarts > kMaxSliceRestarts) return page.error();
      restarted_at = last_seen;
      if (last_seen) from = floor_second(*last_seen);
      pager = client.query(slice_soql(run.object, run.condition, from, slice.to), true,
                           options_.batch_size);
      continue;
    }
    if (restarted_at) handed_on.drop_repeats(page->rows);
    handed_on.remember(page->rows);
    if (!page->rows.empty()) last_seen = page->rows.back().changed_at;
    PageMsg msg{static_cast<std::size_t>(&ref - work_.data()), std::move(page->rows),
                !pager.has_next()};
    if (!queue_.push(std::move(msg))) break;
  }
  return ok();
}

void SyncRun::fetch_worker() {
  auto client = api::RestClient::make(tokens_, options_.rest);
  if (!client) {
    fail(client.error(), false);
    queue_.producer_done();
    return;
  }
  while (!cancel_) {
    std::size_t i = next_work_++;
    if (i >= work_.size()) break;
    if (auto s = fetch_slice(*client, work_[i]); !s) {
      const ObjectRun& run = objects_[work_[i].object];
      fail(with_context(s.error(), "sync " + run.object.history_object), false);
      break;
    }
  }
  api_calls_ += client->attempts();
  queue_.producer_done();
}

Status SyncRun::finish_object(ObjectRun& run) {
  auto state = store_.finish_sync_run(org_id_, run.object.history_object, run.newest,
                                      run.summary.new_rows);
  return state ? ok() : Status(state.error());
}

// Writes the pages waiting in one transaction: when the writer falls behind the fetchers it
// commits several pages at once instead of paying a commit (a sync of the file) per page.
Status SyncRun::write_pages() {
  for (auto msgs = queue_.pop_all(); !msgs.empty(); msgs = queue_.pop_all()) {
    std::vector<HistoryBatch> batches;
    for (const PageMsg& msg : msgs) {
      const SliceRef& ref = work_[msg.slice];
      ObjectRun& run = objects_[ref.object];
      batches.push_back(HistoryBatch{org_id_, run.object.history_object, msg.rows,
                                     msg.slice_done ? &run.slices[ref.slice] : nullptr});
    }
    auto stats = store_.load_history(mode_, batches);
    if (!stats) return stats.error();
    for (std::size_t i = 0; i < msgs.size(); ++i) {
      if (auto s = account(msgs[i], (*stats)[i]); !s) return s;
      queue_.recycle(std::move(msgs[i].rows));
    }
  }
  return ok();
}

// Counts one written page and finishes its object when its last slice is done.
Status SyncRun::account(const PageMsg& msg, const InsertStats& stats) {
  ObjectRun& run = objects_[work_[msg.slice].object];
  run.summary.new_rows += stats.inserted;
  run.summary.seen_rows += stats.seen;
  rows_seen_ += static_cast<std::int64_t>(msg.rows.size());
  for (const HistoryRow& r : msg.rows) {
    if (!run.newest || r.changed_at > *run.newest) run.newest = r.changed_at;
  }
  if (msg.slice_done) {
    ++slices_done_;
    if (--run.pending == 0) {
      if (auto s = finish_object(run); !s) return s;
    }
  }
  if (options_.progress) {
    options_.progress(SyncProgress{run.object.history_object, rows_seen_, slices_done_,
                                   static_cast<std::int64_t>(work_.size())});
  }
  return ok();
}

Result<SyncSummary> SyncRun::run() {
  if (options_.jobs < 1 || options_.jobs > 10) {
    return make_error(ErrorCode::kInvalidArgument, "--jobs must be between 1 and 10");
  }
  auto client = api::RestClient::make(tokens_, options_.rest);
  if (!client) return client.error();
  auto token = client->token();
  if (!token) return token.error();
  org_id_ = token->org_id;
  // Check the selection against the org first: a bad one must leave the store untouched.
  if (auto s = resolve_selection(*client); !s) return s.error();
  if (auto s = store_.upsert_org(OrgInfo{org_id_, token->instance_url}); !s) return s.error();
  const std::string run_id = Timestamp::now().to_iso();
  if (auto s = prefetch_edges(); !s) return s.error();
  for (std::size_t o = 0; o < objects_.size(); ++o) {
    if (auto s = plan_object(*client, objects_[o], run_id); !s) return s.error();
    for (std::size_t i = 0; i < objects_[o].slices.size(); ++i) {
      if (!objects_[o].slices[i].done) work_.push_back(SliceRef{o, i});
    }
    if (objects_[o].pending == 0) {
      if (auto s = finish_object(objects_[o]); !s) return s.error();
    }
  }
  auto mode = store_.begin_history_load();
  if (!mode) return mode.error();
  mode_ = *mode;
  std::size_t n_threads = std::min<std::size_t>(static_cast<std::size_t>(options_.jobs), work_.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < n_threads; ++i) queue_.add_producer();
  for (std::size_t i = 0; i < n_threads; ++i) threads.emplace_back([this] { fetch_worker(); });
  Status written = write_pages();
  if (!written) fail(written.error(), true);
  for (std::thread& t : threads) t.join();
  // Whatever was fetched, even by a run that failed, reaches `history` (and its indexes).
  if (auto merged = store_.merge_history(); !merged) return merged.error();
  SyncSummary summary;
  summary.org_id = org_id_;
  for (const ObjectRun& o : objects_) summary.objects.push_back(o.summary);
  if (error_) {
    std::string saved = fmt::format("sync stopped after saving {} new rows", summary.new_rows());
    if (error_->code == ErrorCode::kUnauthorized) {  // the message says to re-authenticate first
      Error e = *error_;
      e.message = fmt::format("{}: {}, then rerun 'sfrewind sync' to resume", saved, e.message);
      return e;
    }
    return with_context(*error_, saved + "; rerun 'sfrewind sync' to resume");
  }
  auto editors = store_.unknown_editors(org_id_);
  if (!editors) return editors.error();
  if (!editors->empty()) {
    auto users = sync_users(*client, store_, org_id_, *editors);
    if (!users) return with_context(users.error(), "users");
    summary.users_synced = static_cast<std::int64_t>(users->size());
  }
  summary.api_calls = api_calls_ + client->attempts();
  return summary;
}

}  // namespace

std::int64_t SyncSummary::new_rows() const {
  std::int64_t n = 0;
  for (const auto& o : objects) n += o.new_rows;
  return n;
}

std::int64_t SyncSummary::seen_rows() const {
  std::int64_t n = 0;
  for (const auto& o : objects) n += o.seen_rows;
  return n;
}

Result<SyncSummary> sync_history(std::shared_ptr<auth::TokenProvider> tokens, Store& store,
                                 const SyncOptions& options) {
  SyncRun run(std::move(tokens), store, options);
  return run.run();
}

}  // namespace sfrewind::sync
