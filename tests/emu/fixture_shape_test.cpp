// The emulator's bodies have the same shape (keys, JSON types, error arrays) as real Salesforce
// bodies recorded by others in ../shared/fixtures/real.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <doctest/doctest.h>

#include "emu_fixture.hpp"

namespace sfrewind::emu {
namespace {

namespace fs = std::filesystem;

// The shared folder sits beside the checkout (../shared); a worktree under wt/ has it at ../../shared.
fs::path fixtures() {
  fs::path beside = fs::path(SFREWIND_SOURCE_DIR) / ".." / "shared" / "fixtures" / "real";
  if (fs::exists(beside)) return beside;
  return fs::path(SFREWIND_SOURCE_DIR) / ".." / ".." / "shared" / "fixtures" / "real";
}

Json load(const std::string& rel) {
  std::ifstream in(fixtures() / rel);
  REQUIRE_MESSAGE(in.good(), rel);
  std::stringstream ss;
  ss << in.rdbuf();
  auto j = Json::parse(ss.str());
  REQUIRE_MESSAGE(j.has_value(), rel);
  return *j;
}

// Every key of `real` must be in `ours` with the same JSON type (null matches anything);
// arrays compare their first elements. Keys in `skip` are not descended into.
void same_shape(const Json& real, const Json& ours, const std::string& where,
                const std::vector<std::string>& skip = {}) {
  if (real.is_null() || ours.is_null()) return;
  bool number_like = real.type() == Json::Type::kNumber && ours.type() == Json::Type::kNumber;
  CHECK_MESSAGE((real.type() == ours.type() || number_like), where);
  if (real.is_object() && ours.is_object()) {
    for (const auto& [k, v] : real.members()) {
      const Json* o = ours.find(k);
      CHECK_MESSAGE(o != nullptr, std::string(where + "." + k + " missing"));
      if (o && std::find(skip.begin(), skip.end(), k) == skip.end()) same_shape(v, *o, where + "." + k, skip);
    }
  }
  if (real.is_array() && ours.is_array() && !real.items().empty() && !ours.items().empty()) {
    same_shape(real.items()[0], ours.items()[0], where + "[0]", skip);
  }
}

httplib::Result form_post(test::Emu& emu, const std::string& form) {
  return emu.client->Post("/services/oauth2/token", form, "application/x-www-form-urlencoded");
}

TEST_SUITE("emu") {

TEST_CASE("every real fixture body parses") {
  int n = 0;
  for (const auto& e : fs::recursive_directory_iterator(fixtures())) {
    if (e.path().extension() != ".json") continue;
    std::ifstream in(e.path());
    std::stringstream ss;
    ss << in.rdbuf();
    CHECK_MESSAGE(Json::parse(ss.str()).has_value(), e.path().string());
    ++n;
  }
  CHECK(n > 50);
}

TEST_CASE("token refresh and session error bodies match the real ones") {
  test::Emu emu;
  Json ok = test::parse(form_post(emu, "grant_type=client_credentials&client_id=acme-responder-app&client_secret=acme-responder-secret"));
  same_shape(load("restforce/auth_success_response.json"), ok, "token");
  same_shape(load("restforce/auth_error_response.json"),
             test::parse(form_post(emu, "grant_type=client_credentials&client_id=acme-responder-app&client_secret=x")), "auth error");
  same_shape(load("restforce/refresh_success_response.json"),
             test::parse(form_post(emu, "grant_type=refresh_token&refresh_token=acme-responder-refresh-TEST-ONLY&client_id=acme-responder-app")),
             "refresh");
  same_shape(load("restforce/refresh_error_response.json"),
             test::parse(form_post(emu, "grant_type=refresh_token&refresh_token=x&client_id=acme-responder-app")), "refresh error");
  Json expired = test::parse(emu.get("limits", "dead"));
  same_shape(load("restforce/expired_session_response.json"), expired, "401");
  CHECK(expired.items()[0].str("message") == "Session expired or invalid");
  same_shape(load("restforce/services_data_success_response.json"), test::parse(emu.client->Get("/services/data")), "versions");
}

TEST_CASE("query pages and query errors match the real ones") {
  test::Emu emu;
  auto first = test::parse(emu.query("SELECT Id FROM Invoice__History", "query", {{"Sforce-Query-Options", "batchSize=200"}}));
  same_shape(load("restforce/sobject/query_paginated_first_page_response.json"), first, "first page", {"records"});
  CHECK(first.find("records")->items()[0].find("attributes")->find("url") != nullptr);
  same_shape(load("restforce/sobject/query_paginated_last_page_response.json"),
             test::parse(emu.query("SELECT Id FROM User")), "last page", {"records"});
  same_shape(load("restforce/sobject/query_error_response.json"), test::parse(emu.query("SELECT Nope FROM User")), "query error");
}

TEST_CASE("describe bodies match the real ones") {
  test::Emu emu;
  same_shape(load("cumulusci/describe__Account.response.json"), test::parse(emu.get("sobjects/Account/describe")),
             "describe", {"childRelationships", "recordTypeInfos", "supportedScopes", "namedLayoutInfos", "picklistValues"});
  same_shape(load("cumulusci/describe_global__sobjects.response.json"), test::parse(emu.get("sobjects")), "global");
  Json lim = test::parse(emu.get("limits"));
  same_shape(*load("apache-camel/limits.json").find("DailyApiRequests"), *lim.find("DailyApiRequests"), "limits");
}

TEST_CASE("create collections and composite bodies match the real ones") {
  test::Emu emu;
  same_shape(load("cumulusci/sobject_create_201.response.json"),
             test::parse(emu.send("POST", "sobjects/Invoice__c", R"({"Name":"shape"})")), "create");
  std::string id = test::first_id(emu, "SELECT Id FROM Invoice__c WHERE Name = 'INV-2026-0003'");
  Json col = test::parse(emu.send("PATCH", "composite/sobjects",
                                  R"({"records":[{"attributes":{"type":"Invoice__c"},"id":")" + id + R"(","Amount__c":3}]})"));
  same_shape(load("cumulusci/composite_sobjects__patch_update_6.response.json"), col, "collections");
  same_shape(load("restforce/sobject/composite_sobjects_success_response.json"), col, "collections 2");
  Json comp = test::parse(emu.send("POST", "composite", R"({"compositeRequest":[
      {"method":"GET","referenceId":"refAccount","url":"/services/data/v62.0/query?q=select+count()+from+Account"},
      {"method":"GET","referenceId":"refXYZZY","url":"/services/data/v62.0/query?q=select+count()+from+XYZZY"}]})"));
  Json real = load("cumulusci/composite__count_queries_one_invalid_type_400.response.json");
  same_shape(real, comp, "composite");
  auto rs = comp.find("compositeResponse")->items();
  REQUIRE(rs.size() == 2);
  CHECK(rs[1].find("httpStatusCode")->as_int() == 400);
  CHECK(rs[1].find("body")->items()[0].str("errorCode") == "INVALID_TYPE");
  same_shape(real.find("compositeResponse")->items()[1], rs[1], "composite error");
}

}  // TEST_SUITE

}  // namespace
}  // namespace sfrewind::emu
