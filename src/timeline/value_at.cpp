// Values of a record's fields at a time, from history alone or a snapshot plus history.
#include <algorithm>
#include <cstdint>
#include <string>

#include <sfrewind/timeline/timeline.hpp>

namespace sfrewind::timeline {
namespace {

std::int64_t second_of(Timestamp t) {
  std::int64_t ms = t.ms();
  return ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
}

const FieldChain* find_chain(const RecordTimeline& record, const std::string& field) {
  for (const auto& c : record.fields) {
    if (c.field == field) return &c;
  }
  return nullptr;
}

// The snapshot closest to `at` on its side: the latest taken before `at`, else the earliest after.
const SnapshotValue* pick_snapshot(std::span<const SnapshotValue> snaps, const std::string& field,
                                   Timestamp at) {
  const SnapshotValue* before = nullptr;
  const SnapshotValue* after = nullptr;
  for (const auto& s : snaps) {
    if (s.field != field) continue;
    if (s.taken_at < at) {
      if (!before || before->taken_at < s.taken_at) before = &s;
    } else if (!after || s.taken_at < after->taken_at) {
      after = &s;
    }
  }
  return before ? before : after;
}

struct SnapshotFit {
  bool adjacent = false;   // no change lies between the snapshot and `at`
  bool ambiguous = false;  // a change shares the snapshot's second
};

SnapshotFit fit_snapshot(const FieldChain* chain, const SnapshotValue& s, Timestamp at) {
  SnapshotFit fit{true, false};
  if (!chain) return fit;
  Timestamp lo = std::min(s.taken_at, at);
  Timestamp hi = std::max(s.taken_at, at);
  for (const auto& c : chain->changes) {
    bool between = s.taken_at < at ? (lo <= c.changed_at && c.changed_at < hi)
                                   : (lo <= c.changed_at && c.changed_at <= hi);
    if (between) fit.adjacent = false;
    if (second_of(c.changed_at) == second_of(s.taken_at)) fit.ambiguous = true;
  }
  return fit;
}

ValueAt from_history(const FieldChain* chain, const std::string& field, Timestamp at) {
  ValueAt v;
  v.field = field;
  if (!chain) return v;
  const Change* before = nullptr;
  const Change* after = nullptr;
  for (const auto& c : chain->changes) {
    if (c.changed_at < at) {
      before = &c;
    } else if (!after) {
      after = &c;
    }
  }
  const Change* from = before ? before : after;
  if (!from) return v;
  v.value = before ? from->new_value : from->old_value;
  v.name = before ? from->new_name : from->old_name;
  v.source = ValueSource::kHistory;
  v.history_id = from->history_id;
  v.ambiguous = from->ambiguous;
  return v;
}

// Adds the rows values_at needs of one field's keys (sorted by time); `snapshot_at` when the
// field also has a snapshot value (see ValuesAtRows::SnapshotFields).
void field_rows(std::span<const ValuesAtRows::Key> keys, Timestamp at,
                std::optional<Timestamp> snapshot_at, std::vector<std::int64_t>& out) {
  // Runs: keys sharing one second; run_start[i] is the first key of run i.
  std::vector<std::size_t> run_start;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i == 0 || second_of(keys[i].changed_at) != second_of(keys[i - 1].changed_at)) {
      run_start.push_back(i);
    }
  }
  run_start.push_back(keys.size());
  const std::size_t runs = run_start.size() - 1;
  std::size_t last = runs;  // the last run with a change before `at`
  for (std::size_t r = 0; r < runs; ++r) {
    if (keys[run_start[r]].changed_at < at) last = r;
  }
  auto size = [&](std::size_t r) { return run_start[r + 1] - run_start[r]; };
  std::size_t from = 0, to = 0;  // runs [from, to]
  if (last != runs) {
    from = to = last;
    if (size(last) > 1) {  // its order depends on the value before it
      while (from > 0 && size(from - 1) != 1) --from;
      if (from > 0) --from;  // the single-row run itself
    }
  }
  auto take = [&](std::size_t r) {
    for (std::size_t i = run_start[r]; i < run_start[r + 1]; ++i) out.push_back(keys[i].row);
  };
  for (std::size_t r = from; r <= to; ++r) take(r);
  if (!snapshot_at) return;
  // Runs after `to` do not change the value history gives (nor runs before `from`, which come
  // before a run that is settled on its own), so adding them keeps that value.
  const std::size_t first_from_at = last == runs ? 0 : last + 1;
  for (std::size_t r = 0; r < runs; ++r) {
    if (r >= from && r <= to) continue;
    bool in_second = second_of(keys[run_start[r]].changed_at) == second_of(*snapshot_at);
    if (in_second || (r == first_from_at && at <= *snapshot_at)) take(r);
  }
}

}  // namespace

ValuesAtRows::ValuesAtRows(Timestamp at, SnapshotFields snapshot)
    : at_(at), snapshot_(std::move(snapshot)) {
  std::sort(snapshot_->fields.begin(), snapshot_->fields.end());
}

void ValuesAtRows::add(const HistoryKey& key) {
  if (key.record_id != record_) {
    end_record();
    record_ = key.record_id;
  } else if (key.field != field_) {
    end_field();
  }
  if (is_history_event(key.field)) {
    events_.push_back(key.row);
    return;
  }
  if (field_.empty()) field_ = key.field;
  field_keys_.push_back(Key{key.changed_at, key.row});
}

void ValuesAtRows::end_field() {
  if (!field_keys_.empty()) {
    std::optional<Timestamp> snapshot_at;
    if (snapshot_ && std::binary_search(snapshot_->fields.begin(), snapshot_->fields.end(),
                                        std::pair(record_, field_))) {
      snapshot_at = snapshot_->taken_at;
    }
    field_rows(field_keys_, at_, snapshot_at, rows_);
    has_fields_ = true;
  }
  field_keys_.clear();
  field_.clear();
}

void ValuesAtRows::end_record() {
  end_field();
  if (!has_fields_) rows_.insert(rows_.end(), events_.begin(), events_.end());  // events only
  events_.clear();
  has_fields_ = false;
}

std::vector<std::int64_t> ValuesAtRows::finish() {
  end_record();
  record_.clear();
  return std::move(rows_);
}

std::vector<std::int64_t> rows_for_values_at(std::span<const HistoryKey> keys, Timestamp at) {
  ValuesAtRows picker(at);
  for (const HistoryKey& k : keys) picker.add(k);
  return picker.finish();
}

std::string_view value_source_name(ValueSource source) {
  switch (source) {
    case ValueSource::kHistory: return "history";
    case ValueSource::kSnapshot: return "snapshot";
    case ValueSource::kUnknown: break;
  }
  return "unknown";
}

std::vector<ValueAt> values_at(const RecordTimeline& record, Timestamp at,
                               std::span<const std::string> watched,
                               std::span<const SnapshotValue> snapshots) {
  std::vector<std::string> fields(watched.begin(), watched.end());
  for (const auto& c : record.fields) fields.push_back(c.field);
  for (const auto& s : snapshots) fields.push_back(s.field);
  std::sort(fields.begin(), fields.end());
  fields.erase(std::unique(fields.begin(), fields.end()), fields.end());

  std::vector<ValueAt> out;
  out.reserve(fields.size());
  for (const auto& field : fields) {
    const FieldChain* chain = find_chain(record, field);
    if (const SnapshotValue* s = pick_snapshot(snapshots, field, at)) {
      SnapshotFit fit = fit_snapshot(chain, *s, at);
      if (fit.adjacent) {
        out.push_back(ValueAt{field, s->value, std::nullopt, ValueSource::kSnapshot, "",
                              fit.ambiguous});
        continue;
      }
    }
    out.push_back(from_history(chain, field, at));
  }
  return out;
}

}  // namespace sfrewind::timeline
