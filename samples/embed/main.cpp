// Embedding sfrewind: open a store, normalise an id, parse a time, read the history table.
#include <cstdio>

#include <sfrewind/history.hpp>
#include <sfrewind/store/store.hpp>
#include <sfrewind/types.hpp>
#include <sfrewind/version.hpp>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: embed_sample STORE\n");
    return 2;
  }
  auto id = sfrewind::RecordId::parse("0015000000GRaEq");
  auto when = sfrewind::Timestamp::parse("2026-03-10T12:34:56.000+0000");
  auto store = sfrewind::Store::open({argv[1]});
  if (!id || !when || !store) {
    std::fprintf(stderr, "embed sample failed\n");
    return 1;
  }
  sfrewind::HistoryFilter filter;
  filter.org_id = "00D000000000001AAA";
  auto rows = store->history(filter);
  if (!rows) return 1;
  std::printf("sfrewind %s: id %s, time %s, %zu history rows\n", sfrewind::kVersion,
              id->str().c_str(), when->to_iso().c_str(), rows->size());
  return id->str() == "0015000000GRaEqAAL" ? 0 : 1;
}
