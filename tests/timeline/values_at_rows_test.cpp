// rows_for_values_at: values_at over only the rows it picks equals values_at over every row.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include <sfrewind/timeline/timeline.hpp>

#include "support/history_rows.hpp"

using namespace sfrewind;
namespace tl = sfrewind::timeline;

namespace {

// Random histories that stress the same-second ordering: few values (so chains cycle), many
// changes sharing a second, lookup pairs (EntityId + Text rows of one instant), events.
std::vector<HistoryRow> random_rows(std::mt19937& rng, int records) {
  std::vector<HistoryRow> rows;
  std::uniform_int_distribution<int> n_changes(1, 14), value(0, 3), step(0, 4), user(1, 3);
  const char* fields[] = {"Status__c", "Paid__c", "Owner"};
  long id = 1;
  for (int rec = 1; rec <= records; ++rec) {
    std::string record = test::make_id("a01", rec);
    auto add = [&](const std::string& field, const std::string& type, std::optional<std::string> o,
                   std::optional<std::string> n, const std::string& by, std::int64_t second) {
      HistoryRow r;
      r.org_id = "00D000000000001AAA";
      r.history_id = test::make_id("017", id++);
      r.sobject = "Invoice__c";
      r.record_id = record;
      r.field = field;
      r.data_type = type;
      r.old_value = std::move(o);
      r.new_value = std::move(n);
      r.changed_by = by;
      r.changed_at = Timestamp(1'700'000'000'000 + second * 1000);
      rows.push_back(std::move(r));
    };
    if (rec % 5 != 0) add("created", "", std::nullopt, std::nullopt, test::make_id("005", 1), 0);
    if (rec % 7 == 0) continue;  // events only
    for (const char* field : fields) {
      std::int64_t second = 1;
      std::string cur = "v0";
      for (int c = n_changes(rng); c > 0; --c) {
        second += step(rng) == 0 ? 0 : step(rng);  // often the same second as the last change
        std::string next = "v" + std::to_string(value(rng));
        std::string by = test::make_id("005", user(rng));
        if (std::string(field) == "Owner") {
          add(field, "EntityId", cur, next, by, second);
          add(field, "Text", "name " + cur, "name " + next, by, second);
        } else {
          add(field, "Text", cur, next, by, second);
        }
        cur = value(rng) == 0 ? "v9" : next;  // sometimes a gap in the chain
      }
    }
  }
  return rows;
}

std::vector<HistoryKey> keys_of(const std::vector<HistoryRow>& rows) {
  std::vector<HistoryKey> keys;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    keys.push_back({rows[i].record_id, rows[i].field, rows[i].changed_at, static_cast<std::int64_t>(i)});
  }
  std::sort(keys.begin(), keys.end(), [](const HistoryKey& a, const HistoryKey& b) {
    return std::tie(a.record_id, a.field, a.changed_at) < std::tie(b.record_id, b.field, b.changed_at);
  });
  return keys;
}

// Timelines built from only the rows `picked` names (indexes into `rows`); counts in `fewer`
// when that is not every row.
std::vector<tl::RecordTimeline> picked_timelines(const std::vector<HistoryRow>& rows,
                                                 const std::vector<std::int64_t>& picked,
                                                 std::size_t& fewer) {
  std::vector<HistoryRow> part;
  for (std::int64_t r : picked) part.push_back(rows[static_cast<std::size_t>(r)]);
  if (part.size() < rows.size()) ++fewer;
  return tl::build_timelines(part);
}

bool same(const std::vector<tl::ValueAt>& a, const std::vector<tl::ValueAt>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].field != b[i].field || !same_value(a[i].value, b[i].value) || a[i].name != b[i].name ||
        a[i].source != b[i].source || a[i].history_id != b[i].history_id ||
        a[i].ambiguous != b[i].ambiguous) {
      return false;
    }
  }
  return true;
}

}  // namespace

TEST_SUITE("timeline") {
  TEST_CASE("values at a time from the rows rows_for_values_at picks equal those from every row") {
    std::mt19937 rng(20261130);
    std::size_t compared = 0, fewer = 0, ambiguous = 0;
    for (int round = 0; round < 40; ++round) {
      auto rows = random_rows(rng, 12);
      auto keys = keys_of(rows);
      auto full = tl::build_timelines(rows);
      for (std::int64_t s = -1; s <= 40; s += 3) {
        Timestamp at(1'700'000'000'000 + s * 1000 + (s % 2 ? 500 : 0));
        auto part = picked_timelines(rows, tl::rows_for_values_at(keys, at), fewer);
        REQUIRE(part.size() == full.size());
        for (std::size_t i = 0; i < full.size(); ++i) {
          REQUIRE(part[i].record_id == full[i].record_id);
          auto want = tl::values_at(full[i], at);
          auto got = tl::values_at(part[i], at);
          for (const auto& v : want) ambiguous += v.ambiguous ? 1 : 0;
          INFO("round ", round, " record ", full[i].record_id, " at ", at.to_iso());
          CHECK(same(got, want));
          ++compared;
        }
      }
    }
    CHECK(compared > 5000);
    CHECK(fewer > 0);      // it does skip rows
    CHECK(ambiguous > 0);  // and the cases where order is unsettled were met
  }

  TEST_CASE("with snapshot values too, values at a time from the rows picked equal every row's") {
    std::mt19937 rng(20261207);
    std::size_t compared = 0, fewer = 0, from_snapshot = 0, from_history = 0, tied = 0;
    for (int round = 0; round < 30; ++round) {
      auto rows = random_rows(rng, 10);
      // Some changes late in their second, so a change can share the snapshot's second and
      // still come after the time asked.
      for (auto& r : rows) {
        if (rng() % 3 == 0) r.changed_at = Timestamp(r.changed_at.ms() + 900);
      }
      auto keys = keys_of(rows);
      auto full = tl::build_timelines(rows);
      // A snapshot on a second boundary, mid-second, or in a second that holds changes; of two
      // fields of each record (one of them never changed in history).
      for (std::int64_t snap_ms : {3'000, 7'500, 12'000, 20'250, 33'000}) {
        Timestamp taken(1'700'000'000'000 + snap_ms);
        tl::ValuesAtRows::SnapshotFields fields{taken, {}};
        std::map<std::string, std::vector<tl::SnapshotValue>> snaps;
        for (const auto& t : full) {
          for (const char* f : {"Status__c", "Notes__c"}) {
            fields.fields.emplace_back(t.record_id, f);
            snaps[t.record_id].push_back(
                tl::SnapshotValue{f, FieldValue::text_value("snap"), taken});
          }
        }
        for (std::int64_t s = -1; s <= 40; ++s) {
          Timestamp at(1'700'000'000'000 + s * 1000 + (s % 3) * 350);
          tl::ValuesAtRows picker(at, fields);
          for (const HistoryKey& k : keys) picker.add(k);
          auto part = picked_timelines(rows, picker.finish(), fewer);
          REQUIRE(part.size() == full.size());
          for (std::size_t i = 0; i < full.size(); ++i) {
            REQUIRE(part[i].record_id == full[i].record_id);
            const auto& own = snaps[full[i].record_id];
            auto want = tl::values_at(full[i], at, {}, own);
            auto got = tl::values_at(part[i], at, {}, own);
            for (const auto& v : want) {
              if (v.field != "Status__c") continue;
              ++(v.source == tl::ValueSource::kSnapshot ? from_snapshot : from_history);
              tied += v.source == tl::ValueSource::kSnapshot && v.ambiguous ? 1 : 0;
            }
            INFO("round ", round, " record ", full[i].record_id, " at ", at.to_iso(), " snapshot ",
                 taken.to_iso());
            CHECK(same(got, want));
            ++compared;
          }
        }
      }
    }
    CHECK(compared > 10000);
    CHECK(fewer > 0);
    CHECK(from_snapshot > 0);  // both ways of answering were met
    CHECK(from_history > 0);
    CHECK(tied > 0);           // and a snapshot sharing its second with a change
  }
}
