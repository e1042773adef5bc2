// The orgs a store holds, for `report` without a plan (declared in sfrewind/report/report.hpp).
#include <sfrewind/report/report.hpp>

#include "store/store_impl.hpp"

namespace sfrewind::report {

Result<std::vector<std::string>> stored_org_ids(Store& store) {
  auto st = store.impl().statement(
      "SELECT org_id FROM orgs UNION SELECT DISTINCT org_id FROM history ORDER BY 1");
  if (!st) return st.error();
  std::vector<std::string> out;
  while (true) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back((*st)->column_text(0));
  }
}

}  // namespace sfrewind::report
