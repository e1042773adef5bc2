// Collections, /composite and write rules of sfrewind-emu.
#include <doctest/doctest.h>

#include "emu_fixture.hpp"

namespace sfrewind::emu {
namespace {

std::vector<std::string> invoice_ids(test::Emu& emu, int n) {
  Json j = test::parse(emu.query("SELECT Id FROM Invoice__c ORDER BY Name LIMIT " + std::to_string(n)));
  std::vector<std::string> ids;
  for (const auto& r : j.find("records")->items()) ids.push_back(r.str("Id"));
  return ids;
}

std::string rec(const std::string& id, const std::string& fields, const char* key = "id") {
  return std::string(R"({"attributes":{"type":"Invoice__c"},")") + key + R"(":")" + id + "\"," + fields + "}";
}

TEST_SUITE("emu") {

TEST_CASE("collections update reports per-record statusCode errors and applies the rest") {
  test::Emu emu;
  auto ids = invoice_ids(emu, 4);
  std::string body = R"({"allOrNone":false,"records":[)" + rec(ids[0], R"("Amount__c":"10")") + "," +
                     rec(ids[1], R"("Amount__c":-5)", "Id") + "," + rec(ids[2], R"("Days_Outstanding__c":3)") + "," +
                     rec(ids[3], R"("Paid__c":"maybe")") + "]}";
  auto r = emu.send("PATCH", "composite/sobjects", body);
  REQUIRE(r);
  CHECK(r->status == 200);
  Json j = test::parse(r);
  auto items = j.items();
  REQUIRE(items.size() == 4);
  CHECK(items[0].find("success")->text() == "true");
  CHECK(items[0].str("id") == ids[0]);
  CHECK(items[1].find("errors")->items()[0].str("statusCode") == "FIELD_CUSTOM_VALIDATION_EXCEPTION");
  CHECK(items[2].find("errors")->items()[0].str("statusCode") == "INVALID_FIELD_FOR_INSERT_UPDATE");
  CHECK(items[3].find("errors")->items()[0].str("statusCode") == "INVALID_TYPE_ON_FIELD_IN_RECORD");
  CHECK(items[3].find("errors")->items()[0].find("fields")->items()[0].text() == "Paid__c");
  Json cur = test::parse(emu.get("sobjects/Invoice__c/" + ids[0] + "?fields=Amount__c"));
  CHECK(cur.find("Amount__c")->as_double() == doctest::Approx(10.0));
  CHECK(emu.server->write_log().size() == 1);
}

TEST_CASE("collections with allOrNone roll back every record when one fails") {
  test::Emu emu;
  auto ids = invoice_ids(emu, 2);
  Json before = test::parse(emu.get("sobjects/Invoice__c/" + ids[0] + "?fields=Amount__c"));
  std::string body = R"({"allOrNone":true,"records":[)" + rec(ids[0], R"("Amount__c":77)") + "," +
                     rec(ids[1], R"("Amount__c":-1)") + "]}";
  Json j = test::parse(emu.send("PATCH", "composite/sobjects", body));
  CHECK(j.items()[0].find("errors")->items()[0].str("statusCode") == "ALL_OR_NONE_OPERATION_ROLLED_BACK");
  CHECK(j.items()[1].find("errors")->items()[0].str("statusCode") == "FIELD_CUSTOM_VALIDATION_EXCEPTION");
  Json after = test::parse(emu.get("sobjects/Invoice__c/" + ids[0] + "?fields=Amount__c"));
  CHECK(after.find("Amount__c")->text() == before.find("Amount__c")->text());
  CHECK(emu.server->write_log().empty());
  Json hist = test::parse(emu.query("SELECT COUNT() FROM Invoice__History WHERE ParentId = '" + ids[0] +
                                    "' AND CreatedBy.Username = 'responder@acme.example'"));
  CHECK(hist.find("totalSize")->as_int() == 0);
}

TEST_CASE("collections refuse more than 200 records and handle create get and delete") {
  test::Emu emu;
  std::string many = R"({"records":[)";
  for (int i = 0; i < 201; ++i) many += std::string(i ? "," : "") + R"({"attributes":{"type":"Invoice__c"},"Name":"x"})";
  auto big = emu.send("POST", "composite/sobjects", many + "]}");
  CHECK(big->status == 400);
  CHECK(test::parse(big).items()[0].str("errorCode") == "EXCEEDED_ID_LIMIT");
  Json made = test::parse(emu.send("POST", "composite/sobjects",
                                   R"({"records":[{"attributes":{"type":"Invoice__c"},"Name":"NEW-1","Amount__c":5}]})"));
  std::string id = made.items()[0].str("id");
  CHECK(id.substr(0, 3) == "a0I");
  Json got = test::parse(emu.get("composite/sobjects/Invoice__c?ids=" + id + "&fields=Name,Amount__c"));
  CHECK(got.items()[0].str("Name") == "NEW-1");
  Json del = test::parse(emu.send("DELETE", "composite/sobjects?ids=" + id, ""));
  CHECK(del.items()[0].find("success")->text() == "true");
  Json created = test::parse(emu.query("SELECT Field FROM Invoice__History WHERE ParentId = '" + id + "'", "queryAll"));
  CHECK(created.find("records")->items()[0].str("Field") == "created");
}

TEST_CASE("composite with allOrNone halts the rest with PROCESSING_HALTED and rolls back") {
  test::Emu emu;
  auto ids = invoice_ids(emu, 2);
  std::string body = R"({"allOrNone":true,"collateSubrequests":false,"compositeRequest":[
    {"method":"PATCH","referenceId":"a","url":"/services/data/v62.0/sobjects/Invoice__c/)" + ids[0] + R"(","body":{"Amount__c":55}},
    {"method":"PATCH","referenceId":"b","url":"/services/data/v62.0/sobjects/Invoice__c/)" + ids[1] + R"(","body":{"Nope__c":1}},
    {"method":"GET","referenceId":"c","url":"/services/data/v62.0/sobjects/Invoice__c/)" + ids[0] + R"(?fields=Amount__c"}]})";
  Json j = test::parse(emu.send("POST", "composite", body));
  auto rs = j.find("compositeResponse")->items();
  REQUIRE(rs.size() == 3);
  CHECK(rs[0].find("httpStatusCode")->as_int() == 400);
  CHECK(rs[0].find("body")->items()[0].str("errorCode") == "PROCESSING_HALTED");
  CHECK(rs[1].find("body")->items()[0].str("errorCode") == "INVALID_FIELD");
  CHECK(rs[2].find("body")->items()[0].str("errorCode") == "PROCESSING_HALTED");
  CHECK(rs[2].str("referenceId") == "c");
  CHECK(emu.server->write_log().empty());
}

TEST_CASE("composite runs queries references earlier results and enforces If-Unmodified-Since") {
  test::Emu emu;
  auto ids = invoice_ids(emu, 1);
  std::string body = R"({"compositeRequest":[
    {"method":"GET","referenceId":"q","url":"/services/data/v62.0/query?q=SELECT+Id+FROM+Invoice__c+WHERE+Id=')" + ids[0] + R"('"},
    {"method":"PATCH","referenceId":"old","url":"/services/data/v62.0/sobjects/Invoice__c/@{q.records[0].Id}",
     "httpHeaders":{"If-Unmodified-Since":"Tue, 01 Sep 2026 10:00:00 GMT"},"body":{"Amount__c":1}},
    {"method":"PATCH","referenceId":"new","url":"/services/data/v62.0/sobjects/Invoice__c/@{q.records[0].Id}",
     "httpHeaders":{"If-Unmodified-Since":"Tue, 01 Dec 2099 10:00:00 GMT"},"body":{"Amount__c":2}}]})";
  auto resp = emu.send("POST", "composite", body);
  Json j = test::parse(resp);
  REQUIRE_MESSAGE(j.find("compositeResponse"), resp->body);
  auto rs = j.find("compositeResponse")->items();
  REQUIRE(rs.size() == 3);
  CHECK(rs[0].find("httpStatusCode")->as_int() == 200);
  CHECK(rs[0].find("body")->find("totalSize")->as_int() == 1);
  CHECK(rs[1].find("httpStatusCode")->as_int() == 412);
  CHECK(rs[2].find("httpStatusCode")->as_int() == 204);
  CHECK(rs[2].find("body")->is_null());
  std::string many = R"({"compositeRequest":[)";
  for (int i = 0; i < 6; ++i) many += std::string(i ? "," : "") + R"({"method":"GET","referenceId":"r)" + std::to_string(i) + R"(","url":"/services/data/v62.0/query?q=SELECT+Id+FROM+User"})";
  auto r = emu.send("POST", "composite", many + "]}");
  CHECK(r->status == 400);
}

}  // TEST_SUITE

}  // namespace
}  // namespace sfrewind::emu
