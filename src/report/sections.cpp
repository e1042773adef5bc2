// The report's plan and journal sections and its list of what needs a human.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "report/internal.hpp"

namespace sfrewind::report {
namespace {

// Journal outcomes that need nobody's attention.
const std::set<std::string, std::less<>> kGoodOutcomes = {
    "applied", "restored", "noop", "skipped", "ok", "success", "unchanged", "already_restored"};

bool is_verify_kind(const std::string& kind) { return kind.rfind("verify", 0) == 0; }

void add_count(std::vector<OutcomeCount>& counts, const JournalEntry& e) {
  for (OutcomeCount& c : counts) {
    if (c.kind == e.kind && c.outcome == e.outcome) {
      ++c.entries;
      return;
    }
  }
  counts.push_back(OutcomeCount{e.kind, e.outcome, 1});
}

void sort_counts(std::vector<OutcomeCount>& counts) {
  std::sort(counts.begin(), counts.end(), [](const OutcomeCount& a, const OutcomeCount& b) {
    return std::tie(a.kind, a.outcome) < std::tie(b.kind, b.outcome);
  });
}

std::string names_of(const std::vector<std::string>& ids, const ReportInputs& in) {
  std::string out;
  for (const std::string& id : ids) {
    std::string name = id;
    for (const UserRecord& u : in.directory) {
      if (u.user_id == id && !u.username.empty()) name = u.username;
    }
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

void plan_attention(const rollback::Plan& plan, const ReportInputs& in,
                    std::vector<AttentionItem>& out) {
  for (auto status : {rollback::ItemStatus::kConflict, rollback::ItemStatus::kUnrestorable}) {
    for (const rollback::PlanItem& i : plan.items) {
      if (i.status != status) continue;
      std::string detail = i.reason;
      if (!i.conflict_by.empty()) {
        if (!detail.empty()) detail += "; ";
        detail += "later edits by ";
        detail += names_of(i.conflict_by, in);
      }
      out.push_back({std::string(rollback::item_status_name(status)), i.sobject, i.record_id,
                     i.field, detail});
    }
  }
}

void journal_attention(const ReportInputs& in, std::vector<AttentionItem>& out) {
  // The latest non-intent entry per (record, field) decides.
  std::map<std::pair<std::string, std::string>, const JournalEntry*> latest;
  for (const JournalRow& row : in.journal) {
    if (in.plan && row.entry.plan_id != in.plan->plan_id) continue;
    if (row.entry.kind == "intent" || row.entry.outcome.empty()) continue;
    latest[{row.entry.record_id, row.entry.field}] = &row.entry;
  }
  std::map<std::pair<std::string, std::string>, std::string> sobjects;
  if (in.plan) {
    // The executor journals the written field (api_field: "OwnerId" for history's "Owner").
    for (const rollback::PlanItem& i : in.plan->items) {
      sobjects[{i.record_id, i.field}] = i.sobject;
      if (!i.api_field.empty()) sobjects[{i.record_id, i.api_field}] = i.sobject;
    }
  }
  for (const auto& [key, e] : latest) {
    if (kGoodOutcomes.count(e->outcome)) continue;
    auto it = sobjects.find(key);
    out.push_back(
        {e->outcome, it == sobjects.end() ? "" : it->second, e->record_id, e->field, e->detail});
  }
}

AttentionItem record_item(const char* kind, const std::string& sobject, const std::string& id,
                          const std::string& by, std::optional<Timestamp> at,
                          const ReportInputs& in) {
  std::string detail;
  if (!by.empty()) detail = std::string("by ") + names_of({by}, in);
  if (at) {
    detail += detail.empty() ? "at " : " at ";
    detail += human_time(*at);
  }
  return AttentionItem{kind, sobject, id, "", detail};
}

void record_attention(const ReportInputs& in, const timeline::Chains& chains,
                      std::vector<AttentionItem>& out) {
  if (in.plan) {
    for (const rollback::RecordRef& c : in.plan->created) {
      out.push_back(record_item("created", c.sobject, c.record_id, c.changed_by, c.changed_at, in));
    }
    for (const rollback::RecordRef& d : in.plan->deleted) {
      out.push_back(record_item("deleted", d.sobject, d.record_id, d.changed_by, d.changed_at, in));
    }
    return;
  }
  for (bool created : {true, false}) {
    for (const timeline::Event& e : chains.events) {
      bool match = created ? e.name == "created" : timeline::is_deletion_event(e.name);
      if (!match) continue;
      out.push_back(record_item(created ? "created" : "deleted", e.sobject, e.record_id,
                                e.changed_by, e.changed_at, in));
    }
  }
}

}  // namespace

PlanSection plan_section(const rollback::Plan& plan) {
  PlanSection s;
  s.plan_id = plan.plan_id;
  s.hash = plan.hash;
  s.mode = std::string(rollback::batch_mode_name(plan.mode));
  s.write_calls = plan.estimate.write_calls;
  s.reread_calls = plan.estimate.reread_calls;
  s.items = plan.items.size();
  for (auto status : {rollback::ItemStatus::kReady, rollback::ItemStatus::kConflict,
                      rollback::ItemStatus::kNoop, rollback::ItemStatus::kUnrestorable}) {
    auto n = static_cast<std::size_t>(
        std::count_if(plan.items.begin(), plan.items.end(),
                      [&](const rollback::PlanItem& i) { return i.status == status; }));
    s.by_status.push_back(NameCount{std::string(rollback::item_status_name(status)), n});
  }
  for (const rollback::PlanCount& c : rollback::count_items(plan)) {
    s.counts.push_back(
        ItemCount{c.sobject, c.field, std::string(rollback::item_status_name(c.status)), c.items});
  }
  return s;
}

JournalSection journal_section(const ReportInputs& in) {
  JournalSection s;
  s.chain_intact = in.journal_intact;
  for (const JournalRow& row : in.journal) {
    if (in.plan && row.entry.plan_id != in.plan->plan_id) continue;
    ++s.entries;
    if (row.entry.kind == "intent") continue;
    add_count(is_verify_kind(row.entry.kind) ? s.verified : s.applied, row.entry);
  }
  sort_counts(s.applied);
  sort_counts(s.verified);
  return s;
}

std::vector<AttentionItem> attention_items(const ReportInputs& in, const timeline::Chains& chains) {
  std::vector<AttentionItem> out;
  if (in.plan) plan_attention(*in.plan, in, out);
  journal_attention(in, out);
  record_attention(in, chains, out);
  return out;
}

}  // namespace sfrewind::report
