// gather_inputs: reads what a report needs from the store.
#include <sfrewind/report/report.hpp>

namespace sfrewind::report {

Result<ReportInputs> gather_inputs(Store& store, const ReportScope& scope) {
  ReportInputs in;
  in.org_id = scope.org_id;
  in.user_ids = scope.user_ids;
  in.from = scope.from;
  in.to = scope.to;
  in.plan = scope.plan;
  in.generated_at = scope.generated_at;
  auto snapshot = store.read_snapshot();  // every read below sees the same store
  if (!snapshot) return with_context(snapshot.error(), "report");
  HistoryFilter filter;
  filter.org_id = scope.org_id;
  filter.users = scope.user_ids;
  filter.from = scope.from;
  filter.to = scope.to;
  auto rows = store.history(filter);
  if (!rows) return with_context(rows.error(), "report: history");
  for (StoredHistoryRow& r : *rows) in.rows.push_back(std::move(r.row));
  auto users = store.users(scope.org_id);
  if (!users) return with_context(users.error(), "report: users");
  in.directory = std::move(*users);
  Timestamp since(scope.from.ms() - kLoginMarginMs);
  for (const std::string& id : scope.user_ids) {
    auto logins = store.logins(scope.org_id, id, since);
    if (!logins) return with_context(logins.error(), "report: logins");
    in.logins.insert(in.logins.end(), logins->begin(), logins->end());
  }
  if (scope.plan) {
    auto journal = store.journal(scope.plan->plan_id);
    if (!journal) return with_context(journal.error(), "report: journal");
    in.journal = std::move(*journal);
    auto broken = store.verify_journal();
    if (!broken) return with_context(broken.error(), "report: journal check");
    in.journal_intact = *broken == 0;
  }
  return in;
}

}  // namespace sfrewind::report
