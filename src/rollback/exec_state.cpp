// Journal replay for resuming, and the check that the runner is not one of the plan's users.
#include "rollback/exec_state.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "rollback/json.hpp"

namespace sfrewind::rollback {
namespace {

std::string key(std::string_view record_id, std::string_view field) {
  std::string k(record_id);
  k.push_back('\x1f');
  k.append(field);
  return k;
}

std::string normalized(const std::string& id) {
  auto r = RecordId::parse(id);
  return r ? r->str() : id;
}

// The user id behind the client's token, asking /services/oauth2/userinfo when the token
// does not say.
Result<std::string> runner_id(api::RestClient& client) {
  auto token = client.token();
  if (!token) return token.error();
  if (!token->user_id.empty()) return normalized(token->user_id);
  auto resp = client.call(http::Method::kGet, "/services/oauth2/userinfo");
  if (!resp) return with_context(resp.error(), "who is running apply");
  auto v = json::parse(resp->body);
  const json::Value* id = v ? v->find("user_id") : nullptr;
  if (!id || id->text.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "cannot tell which user runs apply: refusing");
  }
  return normalized(id->text);
}

}  // namespace

void JournalState::add(const JournalRow& row) {
  JournalItemState& s = items_[key(row.entry.record_id, row.entry.field)];
  if (row.entry.kind == kJournalIntent) {
    s.intent = true;
    s.open_intent = true;
  } else if (row.entry.kind == kJournalOutcome) {
    auto o = parse_item_outcome(row.entry.outcome);
    if (o && *o != ItemOutcome::kPending) {
      s.outcome = *o;
      s.detail = row.entry.detail;
      s.open_intent = false;
    }
  }
}

const JournalItemState* JournalState::find(std::string_view record_id,
                                           std::string_view field) const {
  auto it = items_.find(key(record_id, field));
  return it == items_.end() ? nullptr : &it->second;
}

Result<JournalState> load_journal_state(Store& store, const std::string& plan_id) {
  auto broken = store.verify_journal();
  if (!broken) return broken.error();
  if (*broken != 0) {
    return make_error(ErrorCode::kStorage,
                 fmt::format("the journal's hash chain is broken at entry {}", *broken));
  }
  auto rows = store.journal(plan_id);
  if (!rows) return rows.error();
  JournalState state;
  for (const auto& row : *rows) state.add(row);
  return state;
}

Status check_runner(api::RestClient& client, const Plan& plan) {
  auto me = runner_id(client);
  if (!me) return me.error();
  for (const auto& u : plan.users) {
    if (normalized(u) == *me) {
      return make_error(ErrorCode::kInvalidArgument,
                   "refusing to apply: the logged-in user " + *me +
                       " is one of the plan's users (use another credential)");
    }
  }
  return ok();
}

}  // namespace sfrewind::rollback
