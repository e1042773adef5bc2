// Building change chains and events from history rows: dedupe, lookup pairing, ordering.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>

#include <sfrewind/timeline/timeline.hpp>

#include "timeline/order.hpp"

namespace sfrewind::timeline {
namespace {

using Rows = std::span<const HistoryRow>;

std::int64_t second_of(Timestamp t) {
  std::int64_t ms = t.ms();
  return ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
}

// Row indices sorted by (sobject, record, field, changed_at, history_id), duplicates dropped.
std::vector<std::size_t> sorted_unique(Rows rows) {
  std::vector<std::size_t> idx(rows.size());
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  auto key = [&](std::size_t i) {
    const HistoryRow& r = rows[i];
    return std::tie(r.sobject, r.record_id, r.field, r.changed_at, r.history_id);
  };
  auto less = [&](std::size_t a, std::size_t b) { return key(a) < key(b); };
  // Rows read through the record index mostly arrive in this order already.
  if (!std::is_sorted(idx.begin(), idx.end(), less)) std::sort(idx.begin(), idx.end(), less);
  auto same = [&](std::size_t a, std::size_t b) { return rows[a].history_id == rows[b].history_id; };
  idx.erase(std::unique(idx.begin(), idx.end(), same), idx.end());
  return idx;
}

Change change_from(const HistoryRow& r) {
  Change c;
  c.sobject = r.sobject;
  c.record_id = r.record_id;
  c.field = r.field;
  c.history_id = r.history_id;
  c.data_type = r.data_type;
  c.old_value = r.old_field_value();
  c.new_value = r.new_field_value();
  c.is_lookup = r.data_type == "EntityId";
  c.changed_by = r.changed_by;
  c.changed_at = r.changed_at;
  c.is_deleted = r.is_deleted;
  return c;
}

Event event_from(const HistoryRow& r) {
  return Event{r.sobject, r.record_id,  r.field,      r.history_id,
               r.old_value, r.new_value, r.changed_by, r.changed_at};
}

// Turns the rows of one field sharing one exact changed_at into changes, pairing each Text row
// with an unpaired EntityId row of the same user (both in history-id order).
void pair_instant(Rows rows, const std::vector<std::size_t>& ids, std::vector<Change>& out) {
  if (ids.size() == 1) {  // most instants: nothing to pair, and no lists to allocate
    out.push_back(change_from(rows[ids.front()]));
    return;
  }
  std::vector<Change> lookups;
  std::vector<std::size_t> texts;
  for (std::size_t i : ids) {
    if (rows[i].data_type == "EntityId") {
      lookups.push_back(change_from(rows[i]));
    } else {
      texts.push_back(i);
    }
  }
  std::vector<bool> paired(lookups.size(), false);
  for (std::size_t i : texts) {
    const HistoryRow& t = rows[i];
    bool done = false;
    for (std::size_t l = 0; l < lookups.size() && !done; ++l) {
      if (paired[l] || lookups[l].changed_by != t.changed_by) continue;
      paired[l] = done = true;
      lookups[l].name_history_id = t.history_id;
      lookups[l].old_name = t.old_value;
      lookups[l].new_name = t.new_value;
    }
    if (!done) out.push_back(change_from(t));
  }
  for (auto& l : lookups) out.push_back(std::move(l));
}

bool by_time_then_id(const Change& a, const Change& b) {
  return std::tie(a.changed_at, a.history_id) < std::tie(b.changed_at, b.history_id);
}

// Orders a field's changes; same-second runs are settled by the value chain, in place.
void order_chain(std::vector<Change>& changes) {
  if (!std::is_sorted(changes.begin(), changes.end(), by_time_then_id)) {
    std::sort(changes.begin(), changes.end(), by_time_then_id);
  }
  std::size_t i = 0;
  while (i < changes.size()) {
    std::size_t j = i + 1;
    while (j < changes.size() && second_of(changes[j].changed_at) == second_of(changes[i].changed_at)) {
      ++j;
    }
    if (j - i > 1) {  // a lone change is settled already
      auto b = changes.begin() + static_cast<std::ptrdiff_t>(i);
      auto e = changes.begin() + static_cast<std::ptrdiff_t>(j);
      std::vector<Change> run(std::make_move_iterator(b), std::make_move_iterator(e));
      detail::settle_second(run, i == 0 ? nullptr : &changes[i - 1].new_value);
      std::move(run.begin(), run.end(), b);
    }
    i = j;
  }
}

FieldChain make_chain(Rows rows, const std::vector<std::size_t>& idx, std::size_t b, std::size_t e) {
  const HistoryRow& first = rows[idx[b]];
  FieldChain chain{first.sobject, first.record_id, first.field, {}, false};
  chain.changes.reserve(e - b);
  std::vector<std::size_t> instant;
  for (std::size_t k = b; k < e; ++k) {
    instant.push_back(idx[k]);
    if (k + 1 == e || rows[idx[k + 1]].changed_at != rows[idx[k]].changed_at) {
      pair_instant(rows, instant, chain.changes);
      instant.clear();
    }
  }
  order_chain(chain.changes);
  for (const auto& c : chain.changes) chain.has_ambiguity = chain.has_ambiguity || c.ambiguous;
  return chain;
}

bool same_field(const HistoryRow& a, const HistoryRow& b) {
  return a.field == b.field && a.record_id == b.record_id && a.sobject == b.sobject;
}

}  // namespace

Chains build_chains(Rows rows) {
  std::vector<std::size_t> idx = sorted_unique(rows);
  Chains out;
  std::size_t b = 0;
  while (b < idx.size()) {
    std::size_t e = b + 1;
    while (e < idx.size() && same_field(rows[idx[e]], rows[idx[b]])) ++e;
    if (is_history_event(rows[idx[b]].field)) {
      for (std::size_t k = b; k < e; ++k) out.events.push_back(event_from(rows[idx[k]]));
    } else {
      out.chains.push_back(make_chain(rows, idx, b, e));
    }
    b = e;
  }
  std::sort(out.events.begin(), out.events.end(), [](const Event& x, const Event& y) {
    return std::tie(x.sobject, x.record_id, x.changed_at, x.history_id) <
           std::tie(y.sobject, y.record_id, y.changed_at, y.history_id);
  });
  return out;
}

std::vector<RecordTimeline> build_timelines(Rows rows) {
  Chains all = build_chains(rows);
  std::map<std::pair<std::string, std::string>, RecordTimeline> by_record;
  auto record_for = [&](const std::string& sobject, const std::string& record_id) -> RecordTimeline& {
    auto [it, fresh] = by_record.try_emplace({sobject, record_id});
    if (fresh) {
      it->second.sobject = sobject;
      it->second.record_id = record_id;
    }
    return it->second;
  };
  for (auto& c : all.chains) record_for(c.sobject, c.record_id).fields.push_back(std::move(c));
  for (auto& e : all.events) record_for(e.sobject, e.record_id).events.push_back(std::move(e));
  std::vector<RecordTimeline> out;
  out.reserve(by_record.size());
  for (auto& [key, r] : by_record) out.push_back(std::move(r));
  return out;
}

bool is_deletion_event(std::string_view event_name) {
  std::string lower(event_name);
  for (auto& ch : lower) ch = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
  return lower.find("delete") != std::string::npos && lower.find("undelete") == std::string::npos;
}

}  // namespace sfrewind::timeline
