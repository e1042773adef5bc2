// Executor and verifier against sfrewind-emu: resume after a stop mid-apply, drift, estimate.
#include <doctest/doctest.h>

#include <sfrewind/api/rest_client.hpp>
#include <sfrewind/auth/token_provider.hpp>
#include <sfrewind/rollback/batcher.hpp>
#include <sfrewind/rollback/executor.hpp>
#include <sfrewind/store/store.hpp>

#include "cli/plan_source.hpp"
#include "rollback/acme_fixture.hpp"

namespace sfrewind::test::rollback_tests {
namespace {

using rollback::ItemOutcome;

api::RestClient responder(AcmeFixture& f) {
  auto tokens = auth::TokenProvider::make(auth::AuthConfig(auth::ClientCredentialsConfig{
      f.server().base_url(), "acme-responder-app", "acme-responder-secret"}));
  REQUIRE(tokens);
  auto client = api::RestClient::make(std::move(*tokens));
  REQUIRE(client);
  return std::move(*client);
}

// The CLI's plan, re-batched with small limits so it has many batches, stored under its new id.
rollback::Plan small_batch_plan(AcmeFixture& f, Store& store, rollback::BatchMode mode) {
  std::string id = f.plan();
  auto loaded = cli::load_plan_ref(store, id);
  REQUIRE(loaded);
  rollback::Plan plan = loaded->plan;
  rollback::BatchLimits limits;
  limits.records_per_collection = 40;
  limits.collections_per_composite = 2;
  limits.subrequests_per_composite = 20;
  plan.mode = mode;
  auto b = rollback::make_batches(plan.items, mode, plan.api_version, limits);
  plan.batches = std::move(b.batches);
  plan.estimate = b.estimate;
  rollback::finalize_plan(plan);
  REQUIRE(store.save_plan(cli::stored_plan(plan, "org"), cli::stored_items(plan)));
  return plan;
}

// Each (record, field) the responder wrote, with how many times.
std::map<std::pair<std::string, std::string>, int> writes_by_item(AcmeFixture& f) {
  std::map<std::pair<std::string, std::string>, int> out;
  for (const auto& w : f.server().write_log()) {
    if (w.user == "responder@acme.example") out[{w.record_id, w.field}]++;
  }
  return out;
}

std::size_t ready_count(const rollback::Plan& plan) {
  std::size_t n = 0;
  for (const auto& it : plan.items) n += it.status == rollback::ItemStatus::kReady ? 1 : 0;
  return n;
}

void check_stop_and_resume(rollback::BatchMode mode, bool mid_call) {
  AcmeFixture f;
  f.sync();
  auto store = Store::open(StoreOptions{f.store_path(), false, false});
  REQUIRE(store);
  rollback::Plan plan = small_batch_plan(f, *store, mode);
  REQUIRE(plan.batches.size() > 4);
  auto client = responder(f);
  rollback::ExecuteOptions stop;
  if (mid_call) {
    stop.after_write = [](std::size_t b) { return b < 2; };
  } else {
    stop.before_batch = [](std::size_t b) { return b < 3; };
  }
  std::int64_t calls0 = f.api_calls();
  auto first = rollback::execute_plan(client, *store, plan, stop);
  REQUIRE(first);
  CHECK(first->stopped);
  CHECK(first->pending > 0);
  auto second = rollback::execute_plan(client, *store, plan);
  REQUIRE(second);
  CHECK_FALSE(second->stopped);
  CHECK(second->applied == ready_count(plan));
  CHECK(second->from_journal > 0);
  auto writes = writes_by_item(f);
  CHECK(writes.size() == ready_count(plan));
  for (const auto& [k, n] : writes) CHECK_MESSAGE(n == 1, k.first << "." << k.second);
  // No item is sent twice: the two runs use the estimate's calls, plus, after a kill mid-call,
  // the one re-read that settles the interrupted batch.
  auto extra = static_cast<std::int64_t>(mid_call ? plan.batches[2].rereads.size() : 0);
  auto estimate = static_cast<std::int64_t>(plan.estimate.total());
  CHECK(f.api_calls() - calls0 == estimate + extra);
  CHECK(first->api_calls + second->api_calls == estimate + extra);
  auto v = rollback::verify_plan(client, *store, plan);
  REQUIRE(v);
  CHECK(v->restored == ready_count(plan));
  CHECK(v->all_restored());
  CHECK(store->verify_journal().value_or(-1) == 0);
}

TEST_SUITE("rollback_exec") {

TEST_CASE("a stop between batches then a rerun finishes with no double writes") {
  check_stop_and_resume(rollback::BatchMode::kCollections, false);
}

TEST_CASE("a kill after a write call before its outcomes then a rerun writes nothing twice") {
  check_stop_and_resume(rollback::BatchMode::kCollections, true);
}

TEST_CASE("guarded mode resumes after a kill mid-call with no double writes") {
  check_stop_and_resume(rollback::BatchMode::kGuarded, true);
}

TEST_CASE("an item changed after the plan is drifted and left alone") {
  AcmeFixture f;
  f.sync();
  auto store = Store::open(StoreOptions{f.store_path(), false, false});
  REQUIRE(store);
  std::string id = f.plan();
  auto loaded = cli::load_plan_ref(*store, id);
  REQUIRE(loaded);
  const rollback::PlanItem* target = nullptr;
  for (const auto& it : loaded->plan.items) {
    if (it.status == rollback::ItemStatus::kReady && it.api_field == "Bank_Account__c") target = &it;
  }
  REQUIRE(target);
  auto client = responder(f);
  std::string url = client.data_path() + "/sobjects/Account/" + target->record_id;
  REQUIRE(client.call(http::Method::kPatch, url, R"({"Bank_Account__c":"GB00LATER"})"));
  auto run = rollback::execute_plan(client, *store, loaded->plan);
  REQUIRE(run);
  CHECK(run->drifted == 1);
  CHECK(run->needs_attention());
  CHECK(run->applied == ready_count(loaded->plan) - 1);
  auto writes = writes_by_item(f);
  CHECK(writes[{target->record_id, "Bank_Account__c"}] == 1);  // only our own edit above
  auto v = rollback::verify_plan(client, *store, loaded->plan);
  REQUIRE(v);
  CHECK(v->changed == 1);
}

TEST_CASE("a dry run re-reads but writes nothing and journals nothing") {
  AcmeFixture f;
  f.sync();
  auto store = Store::open(StoreOptions{f.store_path(), false, false});
  REQUIRE(store);
  std::string id = f.plan();
  auto loaded = cli::load_plan_ref(*store, id);
  REQUIRE(loaded);
  auto client = responder(f);
  rollback::ExecuteOptions dry;
  dry.dry_run = true;
  auto run = rollback::execute_plan(client, *store, loaded->plan, dry);
  REQUIRE(run);
  CHECK(run->pending == ready_count(loaded->plan));
  CHECK(f.server().write_log().empty());
  CHECK(store->journal(id).value().empty());
}

}  // TEST_SUITE

}  // namespace
}  // namespace sfrewind::test::rollback_tests
