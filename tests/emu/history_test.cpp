// History rows as Salesforce writes them, paging, deletes and the write log.
#include <set>

#include <doctest/doctest.h>

#include "emu_fixture.hpp"

namespace sfrewind::emu {
namespace {

const Json& first(const Json& page) { return page.find("records")->items().at(0); }

TEST_SUITE("emu") {

TEST_CASE("history values are JSON scalars typed by the field") {
  test::Emu emu;
  std::string base = "SELECT Id, ParentId, Field, DataType, OldValue, NewValue, CreatedById, CreatedDate, IsDeleted "
                     "FROM Invoice__History WHERE CreatedDate = 2026-11-20T01:00:00Z AND Field = ";
  Json paid = test::parse(emu.query(base + "'Paid__c'"));
  const Json& p = first(paid);
  CHECK(p.str("DataType") == "Boolean");
  CHECK(p.find("OldValue")->type() == Json::Type::kBool);
  CHECK(p.find("OldValue")->text() == "false");
  CHECK(p.find("NewValue")->text() == "true");
  CHECK(p.str("Id").substr(0, 3) == "017");
  CHECK(p.str("Id").size() == 18);
  CHECK(p.str("CreatedDate") == "2026-11-20T01:00:00.000+0000");
  CHECK(p.find("IsDeleted")->text() == "false");
  CHECK(p.str("ParentId").substr(0, 3) == "a0I");
  Json date = test::parse(emu.query(base + "'Date_Paid__c'"));
  CHECK(first(date).str("DataType") == "DateOnly");
  CHECK(first(date).find("OldValue")->is_null());
  CHECK(first(date).find("NewValue")->text() == "2026-11-19");
  Json amount = test::parse(emu.query(
      "SELECT DataType, OldValue, NewValue FROM AccountHistory WHERE Field = 'Credit_Limit__c' LIMIT 1"));
  CHECK(first(amount).str("DataType") == "Currency");
  CHECK(first(amount).find("NewValue")->type() == Json::Type::kNumber);
  Json notes = test::parse(emu.query("SELECT DataType, OldValue, NewValue FROM Invoice__History WHERE Field = 'Notes__c' LIMIT 1"));
  CHECK(first(notes).find("OldValue")->is_null());
  CHECK(first(notes).find("NewValue")->is_null());
  Json created = test::parse(emu.query("SELECT COUNT() FROM Invoice__History WHERE Field = 'created'"));
  CHECK(created.find("totalSize")->as_int() == 599);
}

TEST_CASE("a lookup change writes a Text row with names and an EntityId row with ids") {
  test::Emu emu;
  Json j = test::parse(emu.query("SELECT AccountId, Field, DataType, OldValue, NewValue, CreatedDate FROM AccountHistory "
                                 "WHERE Field = 'Owner' ORDER BY DataType"));
  auto rows = j.find("records")->items();
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].str("DataType") == "EntityId");
  CHECK(rows[0].str("OldValue").substr(0, 3) == "005");
  CHECK(rows[0].str("NewValue").substr(0, 3) == "005");
  CHECK(rows[1].str("DataType") == "Text");
  CHECK(rows[1].str("OldValue") == "Sam Sales");
  CHECK(rows[1].str("NewValue") == "Accounting Integration");
  CHECK(rows[0].str("CreatedDate") == rows[1].str("CreatedDate"));
  CHECK(rows[0].str("AccountId") == rows[1].str("AccountId"));
}

TEST_CASE("the incident window holds the documented counts") {
  test::Emu emu;
  std::string window = " WHERE CreatedBy.Username = 'integration.accounting@acme.example' AND CreatedDate >= "
                       "2026-11-20T01:00:00Z AND CreatedDate < 2026-11-20T03:00:00Z";
  CHECK(test::parse(emu.query("SELECT COUNT() FROM Invoice__History" + window + " AND Field = 'Paid__c'"))
            .find("totalSize")->as_int() == 300);
  CHECK(test::parse(emu.query("SELECT COUNT() FROM AccountHistory" + window + " AND Field = 'Bank_Account__c'"))
            .find("totalSize")->as_int() == 25);
  CHECK(test::parse(emu.query("SELECT COUNT() FROM Invoice__History WHERE Field = 'Paid__c' AND CreatedBy.Username = "
                              "'admin@acme.example' AND CreatedDate > 2026-11-20T03:00:00Z"))
            .find("totalSize")->as_int() == 5);
}

TEST_CASE("paging with batchSize returns nextRecordsUrl locators until done") {
  test::Emu emu;
  auto r = emu.query("SELECT Id, Field FROM Invoice__History ORDER BY CreatedDate, Id", "query",
                     {{"Sforce-Query-Options", "batchSize=200"}});
  Json page = test::parse(r);
  long total = static_cast<long>(page.find("totalSize")->as_int());
  REQUIRE(total > 1000);
  long seen = static_cast<long>(page.find("records")->items().size());
  CHECK(seen == 200);
  std::set<std::string> ids;
  int pages = 1;
  while (page.find("done")->text() == "false") {
    std::string next = page.str("nextRecordsUrl");
    REQUIRE(next.rfind("/services/data/v62.0/query/", 0) == 0);
    page = test::parse(emu.client->Get(next.c_str(), {{"Authorization", "Bearer T-RESP"},
                                                      {"Sforce-Query-Options", "batchSize=200"}}));
    for (const auto& rec : page.find("records")->items()) ids.insert(rec.str("Id"));
    seen += static_cast<long>(page.find("records")->items().size());
    ++pages;
  }
  CHECK(seen == total);
  CHECK(pages == (total + 199) / 200);
  CHECK(page.find("nextRecordsUrl") == nullptr);
}

TEST_CASE("queryAll pages continue through a query locator") {
  test::Emu emu;
  Json page = test::parse(emu.query("SELECT Id, IsDeleted FROM Invoice__History", "queryAll",
                                    {{"Sforce-Query-Options", "batchSize=500"}}));
  CHECK(page.find("records")->items().size() == 500);
  std::string next = page.str("nextRecordsUrl");
  CHECK(next.rfind("/services/data/v62.0/query/", 0) == 0);
  Json second = test::parse(emu.client->Get(next.c_str(), emu.auth()));
  CHECK(second.find("records")->items().size() == 500);
  CHECK(second.find("totalSize")->as_int() == page.find("totalSize")->as_int());
}

TEST_CASE("an unknown or expired locator answers INVALID_QUERY_LOCATOR") {
  test::Emu emu;
  auto bad = emu.get("query/01g5g0000000000099AAA-200");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK(test::parse(bad).items()[0].str("errorCode") == "INVALID_QUERY_LOCATOR");
  Json page = test::parse(emu.query("SELECT Id FROM Invoice__History", "query", {{"Sforce-Query-Options", "batchSize=200"}}));
  emu.server->expire_locators();
  auto r = emu.client->Get(page.str("nextRecordsUrl").c_str(), emu.auth());
  REQUIRE(r);
  CHECK(test::parse(r).items()[0].str("errorCode") == "INVALID_QUERY_LOCATOR");
}

TEST_CASE("deleting a record moves its history to the recycle bin that only queryAll sees") {
  test::Emu emu;
  std::string id = test::first_id(emu, "SELECT Id FROM Invoice__c WHERE Name = 'INV-2026-0100'");
  std::string soql = "SELECT Id, IsDeleted FROM Invoice__History WHERE ParentId = '" + id + "'";
  long before = static_cast<long>(test::parse(emu.query(soql)).find("totalSize")->as_int());
  REQUIRE(before >= 1);
  auto del = emu.send("DELETE", "sobjects/Invoice__c/" + id, "");
  REQUIRE(del);
  CHECK(del->status == 204);
  CHECK(test::parse(emu.query(soql)).find("totalSize")->as_int() == 0);
  Json all = test::parse(emu.query(soql + " AND IsDeleted = true", "queryAll"));
  CHECK(all.find("totalSize")->as_int() == before);
  CHECK(all.find("records")->items()[0].find("IsDeleted")->text() == "true");
  auto again = emu.send("PATCH", "sobjects/Invoice__c/" + id, R"({"Paid__c":true})");
  CHECK(again->status == 404);
  CHECK(test::parse(again).items()[0].str("errorCode") == "ENTITY_IS_DELETED");
}

TEST_CASE("an API write makes history for the authenticated user and bumps LastModifiedDate") {
  test::Emu emu;
  std::string id = test::first_id(emu, "SELECT Id FROM Invoice__c WHERE Name = 'INV-2026-0200'");
  auto r = emu.send("PATCH", "sobjects/Invoice__c/" + id, R"({"Amount__c":"1234.50","Paid__c":true})", "T-ACCT");
  REQUIRE(r);
  CHECK(r->status == 204);
  Json h = test::parse(emu.query("SELECT Field, OldValue, NewValue, CreatedBy.Username FROM Invoice__History WHERE ParentId = '" +
                                 id + "' AND CreatedBy.Username = 'integration.accounting@acme.example' ORDER BY Field"));
  auto rows = h.find("records")->items();
  bool amount = false;
  for (const auto& row : rows) {
    if (row.str("Field") == "Amount__c") {
      amount = true;
      CHECK(row.find("NewValue")->as_double() == doctest::Approx(1234.5));
    }
  }
  CHECK(amount);
  Json rec = test::parse(emu.get("sobjects/Invoice__c/" + id + "?fields=Amount__c,LastModifiedDate,LastModifiedById"));
  CHECK(rec.find("Amount__c")->as_double() == doctest::Approx(1234.5));
  CHECK(rec.str("LastModifiedDate") > "2026-11-21");
  auto log = emu.server->write_log();
  REQUIRE(log.size() == 2);
  CHECK(log[0].user == "integration.accounting@acme.example");
  CHECK(log[0].record_id == id);
  CHECK(log[0].field == "Amount__c");
  CHECK(log[0].value == "1234.5");
}

}  // TEST_SUITE

}  // namespace
}  // namespace sfrewind::emu
