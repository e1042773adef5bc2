// Decoders against real Salesforce bodies from /work/shared/fixtures/real and broken JSON.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <sfrewind/api/composite.hpp>
#include <sfrewind/api/records.hpp>

#include "api/json.hpp"

namespace sfrewind::api {
namespace {

// /work/main/../shared in the main tree; one level further up from a helper's worktree.
std::string fixture(const std::string& rel) {
  std::string path = std::string(SFREWIND_SOURCE_DIR "/../shared/fixtures/real/") + rel;
  if (!std::filesystem::exists(path)) {
    path = std::string(SFREWIND_SOURCE_DIR "/../../shared/fixtures/real/") + rel;
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_SUITE("api") {
  TEST_CASE("a real paginated first page decodes its envelope and records") {
    JsonParser p;
    std::string body = fixture("restforce/sobject/query_paginated_first_page_response.json");
    REQUIRE_FALSE(body.empty());
    auto page = p.record_page(body);
    REQUIRE(page);
    CHECK(page->info.total_size == 2);
    CHECK_FALSE(page->info.done);
    CHECK(page->info.next_records_url == "/services/data/v26.0/query/01gD");
    REQUIRE(page->records.size() == 1);
    CHECK(page->records[0].type == "Whizbang");
    CHECK(page->records[0].text("Text_Label") == "First Page");
    auto last = p.record_page(fixture("restforce/sobject/query_paginated_last_page_response.json"));
    REQUIRE(last);
    CHECK(last->info.done);
  }

  TEST_CASE("a real all-field-types query flattens relationships into dotted paths") {
    JsonParser p;
    auto page = p.record_page(fixture("cumulusci/query__account_all_field_types.response.json"));
    REQUIRE(page);
    REQUIRE_FALSE(page->records.empty());
    CHECK(page->records[0].type == "Account");
    CHECK(page->records[0].find("Id") != nullptr);
  }

  TEST_CASE("history rows keep values exactly as sent and map the parent column") {
    std::string body = R"({"totalSize":3,"done":true,"records":[
      {"attributes":{"type":"Invoice__History"},"Id":"017000000000001AAA","ParentId":"a01000000000001AAA",
       "Field":"Amount__c","DataType":"Currency","OldValue":1500.0,"NewValue":2e3,
       "CreatedById":"005000000000001AAA","CreatedDate":"2025-08-12T14:02:11.000+0000","IsDeleted":false},
      {"attributes":{"type":"Invoice__History"},"Id":"017000000000002AAA","ParentId":"a01000000000001AAA",
       "Field":"Paid__c","DataType":"Boolean","OldValue":false,"NewValue":true,
       "CreatedById":"005000000000001AAA","CreatedDate":"2025-08-12T14:02:11.000+0000","IsDeleted":true},
      {"attributes":{"type":"Invoice__History"},"Id":"017000000000003AAA","ParentId":"a01000000000001AAA",
       "Field":"created","DataType":null,"OldValue":null,"NewValue":"say \"hi\"",
       "CreatedById":"005000000000001AAA","CreatedDate":"2025-08-12T14:02:12.000+0000","IsDeleted":false}]})";
    JsonParser p;
    HistoryObject h = history_object_for("Invoice__c");
    CHECK(h.history_object == "Invoice__History");
    CHECK(h.parent_column == "ParentId");
    auto page = p.history_page(body, h, "00D000000000001AAA");
    REQUIRE(page);
    REQUIRE(page->rows.size() == 3);
    CHECK(page->rows[0].old_value.value() == "1500.0");
    CHECK(page->rows[0].new_value.value() == "2e3");
    CHECK(page->rows[0].record_id == "a01000000000001AAA");
    CHECK(page->rows[0].sobject == "Invoice__c");
    CHECK(page->rows[0].org_id == "00D000000000001AAA");
    CHECK(page->rows[0].changed_at.to_iso() == "2025-08-12T14:02:11.000Z");
    CHECK(page->rows[1].old_value.value() == "false");
    CHECK(page->rows[1].new_value.value() == "true");
    CHECK(page->rows[1].is_deleted);
    CHECK_FALSE(page->rows[2].old_value.has_value());
    CHECK(page->rows[2].new_value.value() == "say \"hi\"");
    CHECK(page->rows[2].data_type.empty());
  }

  TEST_CASE("a history page decoded into a spent page's rows holds only its own rows") {
    std::string body = R"({"totalSize":1,"done":true,"records":[
      {"attributes":{"type":"Invoice__History"},"Id":"017000000000009AAA","ParentId":"a01000000000002AAA",
       "Field":"Paid__c","NewValue":true,
       "CreatedById":"005000000000001AAA","CreatedDate":"2025-08-12T14:02:11.000+0000"}]})";
    // The spent row had every member set; the new one sends no DataType, OldValue or IsDeleted.
    std::vector<HistoryRow> spent(500);
    spent[0].history_id = "017000000000001AAA";
    spent[0].data_type = "Text";
    spent[0].old_value = std::string(40, 'o');
    spent[0].is_deleted = true;
    const HistoryRow* buffer = spent.data();
    JsonParser p;
    auto page = p.history_page(body, history_object_for("Invoice__c"), "00D000000000001AAA",
                               std::move(spent));
    REQUIRE(page);
    REQUIRE(page->rows.size() == 1);
    CHECK(page->rows[0].history_id == "017000000000009AAA");
    CHECK(page->rows[0].record_id == "a01000000000002AAA");
    CHECK(page->rows[0].data_type.empty());
    CHECK_FALSE(page->rows[0].old_value.has_value());
    CHECK(page->rows[0].new_value.value() == "true");
    CHECK_FALSE(page->rows[0].is_deleted);
    CHECK(page->rows.data() == buffer);
  }

  TEST_CASE("standard history objects use <Obj>Id and Opportunity uses OpportunityFieldHistory") {
    CHECK(history_object_for("Account").parent_column == "AccountId");
    CHECK(history_object_for("Account").history_object == "AccountHistory");
    CHECK(history_object_for("Opportunity").history_object == "OpportunityFieldHistory");
    CHECK(history_select(history_object_for("Case")).find("CaseId, Field") != std::string::npos);
  }

  TEST_CASE("malformed and truncated JSON is a parse error, never a crash") {
    JsonParser p;
    std::string good = fixture("restforce/sobject/query_paginated_first_page_response.json");
    for (std::size_t cut : {std::size_t{0}, std::size_t{1}, std::size_t{10}, good.size() / 2,
                            good.size() - 3}) {
      auto page = p.record_page(good.substr(0, cut));
      REQUIRE_FALSE(page);
      CHECK(page.error().code == ErrorCode::kParse);
    }
    for (const char* bad : {"{\"done\":true,\"records\":[}", "not json", "{\"done\":tru}",
                            "{\"done\":true} trailing", "[1,2"}) {
      auto page = p.record_page(bad);
      REQUIRE_FALSE(page);
      CHECK(page.error().code == ErrorCode::kParse);
    }
    CHECK_FALSE(p.composite_response("{\"compositeResponse\":[{\"body\":"));
    CHECK_FALSE(p.record_outcomes("[{\"id\":\"a\",\"success\":"));
  }

  TEST_CASE("real REST error bodies decode in array and object form") {
    auto expired = decode_api_errors(fixture("restforce/expired_session_response.json"));
    REQUIRE(expired);
    REQUIRE(expired->size() == 1);
    CHECK((*expired)[0].error_code == "INVALID_SESSION_ID");
    auto object_form = decode_api_errors(fixture("restforce/sobject/composite_sobjects_error_response.json"));
    REQUIRE(object_form);
    CHECK((*object_form)[0].error_code == "INVALID_FIELD");
    auto token_form = decode_api_errors(fixture("restforce/auth_error_response.json"));
    REQUIRE(token_form);
    CHECK((*token_form)[0].error_code == "invalid_grant");
    CHECK((*token_form)[0].message == "authentication failure - Invalid Password");
  }

  TEST_CASE("real collection results decode per-record outcomes") {
    auto ok = decode_record_outcomes(fixture("cumulusci/composite_sobjects__patch_update_6.response.json"));
    REQUIRE(ok);
    CHECK(ok->size() == 6);
    CHECK((*ok)[0].success);
    CHECK((*ok)[0].id.size() == 18);
    auto mixed = decode_record_outcomes(R"([{"id":"001000000000001AAA","success":true,"errors":[]},
      {"success":false,"errors":[{"statusCode":"FIELD_CUSTOM_VALIDATION_EXCEPTION","message":"no","fields":["Paid__c"]}]}])");
    REQUIRE(mixed);
    REQUIRE(mixed->size() == 2);
    CHECK_FALSE((*mixed)[1].success);
    CHECK((*mixed)[1].errors.at(0).status_code == "FIELD_CUSTOM_VALIDATION_EXCEPTION");
    CHECK((*mixed)[1].errors.at(0).fields.at(0) == "Paid__c");
  }

  TEST_CASE("real composite responses keep bodies raw and headers") {
    auto r = decode_composite_response(
        fixture("cumulusci/composite__subresponse_http_headers_MANUALEDIT.response.json"));
    REQUIRE(r);
    REQUIRE(r->size() == 3);
    CHECK((*r)[0].http_status == 304);
    CHECK((*r)[0].body_json == "null");
    CHECK((*r)[0].reference_id == "CCI__RefId__0__");
    REQUIRE((*r)[0].http_headers.size() == 2);
    CHECK((*r)[0].http_headers[0].first == "ETag");
    auto nf = decode_composite_response(
        fixture("cumulusci/composite__subrequest_404_not_found.response.json"));
    REQUIRE(nf);
    bool saw_404 = false;
    for (const auto& s : *nf) {
      if (s.http_status != 404) continue;
      saw_404 = true;
      auto errs = decode_api_errors(s.body_json);
      REQUIRE(errs);
      CHECK_FALSE(errs->empty());
    }
    CHECK(saw_404);
  }

  TEST_CASE("real limits decode Max and Remaining") {
    JsonParser p;
    auto l = p.limits(fixture("apache-camel/limits.json"));
    REQUIRE(l);
    CHECK(l->at("DailyApiRequests").max == 15000);
    CHECK(l->at("DailyApiRequests").remaining == 14998);
  }

  TEST_CASE("real describe bodies decode field properties") {
    JsonParser p;
    auto d = p.describe(fixture("cumulusci/describe__Account.response.json"));
    REQUIRE(d);
    CHECK(d->name == "Account");
    CHECK(d->key_prefix == "001");
    const FieldDescribe* owner = d->field("ownerid");
    REQUIRE(owner != nullptr);
    CHECK(owner->type == "reference");
    CHECK(owner->reference_to.at(0) == "User");
    const FieldDescribe* id = d->field("Id");
    REQUIRE(id != nullptr);
    CHECK_FALSE(id->updateable);
    auto g = p.describe_global(fixture("cumulusci/describe_global__sobjects.response.json"));
    REQUIRE(g);
    CHECK(g->size() > 10);
  }

  TEST_CASE("request bodies for collections and composite are valid JSON of the right shape") {
    std::string c = collection_body({{"Invoice__c", "a01000000000001AAA", {{"Paid__c", "false"}}}}, false);
    CHECK(c == R"({"allOrNone":false,"records":[{"attributes":{"type":"Invoice__c"},"id":"a01000000000001AAA","Paid__c":false}]})");
    CompositeRequest req;
    req.collate_subrequests = false;
    req.subrequests.push_back({"PATCH", "/services/data/v62.0/sobjects/Invoice__c/x", "fix1",
                               {{"If-Unmodified-Since", "Tue, 19 Aug 2025 10:00:00 GMT"}},
                               std::string(R"({"Paid__c":false})")});
    std::string body = composite_body(req);
    CHECK(body.find(R"("collateSubrequests":false)") != std::string::npos);
    CHECK(body.find(R"("httpHeaders":{"If-Unmodified-Since":"Tue, 19 Aug 2025 10:00:00 GMT"})") != std::string::npos);
    auto rec = decode_record(body);  // it parses back
    CHECK(rec);
  }

  TEST_CASE("the token success body flattens into its fields") {
    auto r = decode_record(fixture("restforce/auth_success_response.json"));
    REQUIRE(r);
    CHECK(r->text("instance_url") == "https://na1.salesforce.com");
    CHECK(r->text("issued_at") == "1278448832702");
  }
}

}  // namespace sfrewind::api
