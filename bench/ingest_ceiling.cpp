// ingest_ceiling: times sfrewind's history page decoder and Store::insert_history on pages already
// in memory (fetched once over HTTP first): the upper bound a sync can reach on this machine.
// Built only with -DSFREWIND_BENCH=ON and run by scripts/bench.sh; prints one JSON line.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <sfrewind/api/rest_client.hpp>
#include <sfrewind/auth/token_provider.hpp>
#include <sfrewind/http/client.hpp>
#include <sfrewind/store/store.hpp>

#include "api/json.hpp"

namespace {

using namespace sfrewind;
using Clock = std::chrono::steady_clock;

constexpr const char* kOrgId = "00D5g00000GEN01AAA";

struct Args {
  std::string url, token, store;
  int batch_size = 2000;
  std::int64_t max_rows = 1000000;
};

struct Page {
  api::HistoryObject object;
  std::string body;
};

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

[[noreturn]] void fail(const std::string& what, const Error& e) {
  std::fprintf(stderr, "ingest_ceiling: %s: %s\n", what.c_str(), e.message.c_str());
  std::exit(1);
}

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--instance-url") a.url = v;
    else if (k == "--access-token") a.token = v;
    else if (k == "--store") a.store = v;
    else if (k == "--batch-size") a.batch_size = std::atoi(v.c_str());
    else if (k == "--max-rows") a.max_rows = std::atoll(v.c_str());
  }
  if (a.url.empty() || a.token.empty() || a.store.empty()) {
    std::fprintf(stderr, "usage: ingest_ceiling --instance-url U --access-token T --store F "
                         "[--batch-size N] [--max-rows N]\n");
    std::exit(2);
  }
  return a;
}

// Fetches the raw history pages of the generated org's three objects, up to max_rows rows.
std::vector<Page> fetch_pages(const Args& a, std::int64_t& rows) {
  auto tokens = auth::TokenProvider::make(auth::StaticTokenConfig{a.token, a.url});
  if (!tokens) fail("token", tokens.error());
  auto client = api::RestClient::make(*tokens);
  if (!client) fail("client", client.error());
  http::Headers extra;
  extra.set("Sforce-Query-Options", fmt::format("batchSize={}", a.batch_size));
  api::JsonParser parser;
  std::vector<Page> pages;
  for (const char* sobject : {"Account", "Opportunity", "Invoice__c"}) {
    api::HistoryObject object = api::history_object_for(sobject);
    std::string soql = api::history_select(object) + " ORDER BY CreatedDate, Id";
    std::string url = client->data_path() + "/queryAll?q=" + http::url_encode(soql);
    while (!url.empty() && rows < a.max_rows) {
      auto r = client->call(http::Method::kGet, url, {}, extra);
      if (!r) fail("fetch", r.error());
      auto page = parser.history_page(r->body, object, kOrgId);
      if (!page) fail("decode", page.error());
      rows += static_cast<std::int64_t>(page->rows.size());
      url = page->info.done ? std::string() : page->info.next_records_url;
      pages.push_back({object, std::move(r->body)});
    }
  }
  return pages;
}

// Decodes every page into `out` (one vector per page); returns the seconds it took.
double decode_all(const std::vector<Page>& pages, std::vector<std::vector<HistoryRow>>& out) {
  api::JsonParser parser;
  out.clear();
  auto t0 = Clock::now();
  for (const Page& p : pages) {
    auto page = parser.history_page(p.body, p.object, kOrgId);
    if (!page) fail("decode", page.error());
    out.push_back(std::move(page->rows));
  }
  return seconds_since(t0);
}

Store open_new_store(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  auto store = Store::open(StoreOptions{path});
  if (!store) fail("store", store.error());
  if (auto s = store->upsert_org(OrgInfo{kOrgId, "http://127.0.0.1"}); !s) fail("org", s.error());
  return std::move(*store);
}

// Loads page by page the way sync does (one transaction per page, then the merge that builds
// the indexes); returns {seconds, inserted}.
std::pair<double, std::int64_t> insert_pages(Store& store, const std::vector<Page>& pages,
                                             const std::vector<std::vector<HistoryRow>>& rows) {
  std::int64_t inserted = 0;
  auto t0 = Clock::now();
  auto mode = store.begin_history_load();
  if (!mode) fail("begin", mode.error());
  for (std::size_t i = 0; i < pages.size(); ++i) {
    auto st = store.load_history(*mode, HistoryBatch{kOrgId, pages[i].object.history_object, rows[i]});
    if (!st) fail("insert", st.error());
    inserted += st->inserted;
  }
  double load_s = seconds_since(t0);
  if (auto m = store.merge_history(); !m) fail("merge", m.error());
  std::fprintf(stderr, "ingest_ceiling: %s load %.3f s, merge %.3f s\n",
               *mode == LoadMode::kDirect ? "direct" : "staged", load_s, seconds_since(t0) - load_s);
  return {seconds_since(t0), inserted};
}

}  // namespace

int main(int argc, char** argv) {
  Args a = parse_args(argc, argv);
  std::int64_t rows = 0;
  auto pages = fetch_pages(a, rows);
  double mb = 0;
  for (const Page& p : pages) mb += static_cast<double>(p.body.size()) / 1e6;
  std::vector<std::vector<HistoryRow>> decoded;
  double decode_s = decode_all(pages, decoded);
  Store store = open_new_store(a.store);
  auto [insert_s, inserted] = insert_pages(store, pages, decoded);
  auto [reinsert_s, reinserted] = insert_pages(store, pages, decoded);  // rows already stored
  auto r = [&](double s) { return s > 0 ? static_cast<double>(rows) / s : 0.0; };
  std::printf("{\"rows\": %lld, \"pages\": %zu, \"mb\": %.1f, \"decode_s\": %.3f, "
              "\"decode_rows_s\": %.0f, \"decode_mb_s\": %.1f, \"insert_s\": %.3f, "
              "\"insert_rows_s\": %.0f, \"inserted\": %lld, \"reinsert_s\": %.3f, "
              "\"reinsert_rows_s\": %.0f, \"reinserted\": %lld, \"ceiling_rows_s\": %.0f}\n",
              static_cast<long long>(rows), pages.size(), mb, decode_s, r(decode_s),
              decode_s > 0 ? mb / decode_s : 0.0, insert_s, r(insert_s),
              static_cast<long long>(inserted), reinsert_s, r(reinsert_s),
              static_cast<long long>(reinserted), r(decode_s + insert_s));
  return 0;
}
