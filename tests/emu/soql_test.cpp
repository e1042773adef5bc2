// SOQL parser and query engine of sfrewind-emu.
#include <doctest/doctest.h>

#include "emu/soql.hpp"
#include "emu_fixture.hpp"

namespace sfrewind::emu {
namespace {

TEST_SUITE("emu") {

TEST_CASE("the SOQL parser reads select lists where trees order keys limit and offset") {
  auto q = parse_soql(
      "SELECT Id, Parent.Name, CreatedBy.Username FROM Invoice__History WHERE (Field = 'Paid__c' OR "
      "Field IN ('Amount__c','Status__c')) AND NOT DataType = null AND CreatedDate >= "
      "2026-11-20T01:00:00Z AND CreatedDate < 2026-11-20T03:00:00.000+0000 ORDER BY ParentId, "
      "CreatedDate DESC NULLS LAST LIMIT 10 OFFSET 5");
  REQUIRE(q.has_value());
  CHECK(q->select.size() == 3);
  CHECK(q->select[1].parts == std::vector<std::string>{"Parent", "Name"});
  CHECK(q->from == "Invoice__History");
  REQUIRE(q->where.has_value());
  CHECK(q->where->kind == Expr::Kind::kAnd);
  CHECK(q->where->kids.size() == 4);
  CHECK(q->where->kids[0].kind == Expr::Kind::kOr);
  CHECK(q->where->kids[1].kind == Expr::Kind::kNot);
  CHECK(q->where->kids[2].cond.values[0].kind == Val::Kind::kDateTime);
  CHECK(q->order.size() == 2);
  CHECK(q->order[1].desc);
  CHECK(q->order[1].nulls_last);
  CHECK(*q->limit == 10);
  CHECK(*q->offset == 5);
}

TEST_CASE("the SOQL parser reads literals of every kind") {
  auto q = parse_soql("SELECT Id FROM Invoice__c WHERE Paid__c = true AND Amount__c > -5.5 AND "
                      "Date_Paid__c = 2026-11-19 AND Name LIKE 'INV\\'%' AND Status__c != null");
  REQUIRE(q.has_value());
  const auto& k = q->where->kids;
  CHECK(k[0].cond.values[0].kind == Val::Kind::kBool);
  CHECK(k[1].cond.values[0].num == doctest::Approx(-5.5));
  CHECK(k[2].cond.values[0].kind == Val::Kind::kDate);
  CHECK(k[3].cond.op == Condition::Op::kLike);
  CHECK(k[3].cond.values[0].text == "INV'%");
  CHECK(k[4].cond.values[0].is_null());
}

TEST_CASE("malformed SOQL is reported as MALFORMED_QUERY") {
  for (const char* bad : {"SELECT Id FRM Account", "SELECT FROM Account", "SELECT Id FROM Account WHERE",
                          "SELECT Id FROM Account WHERE Name = 'x", "SELECT Id FROM Account LIMIT x",
                          "SELECT Id FROM Account WHERE Name IN 'a'", "SELECT Id, FROM Account"}) {
    auto q = parse_soql(bad);
    REQUIRE_FALSE(q.has_value());
    CHECK(q.error().api_code == "MALFORMED_QUERY");
  }
}

TEST_CASE("the query endpoint answers INVALID_TYPE INVALID_FIELD and MALFORMED_QUERY as error arrays") {
  test::Emu emu;
  struct Case {
    const char* soql;
    const char* code;
  };
  for (auto c : {Case{"SELECT Id FROM Nope__c", "INVALID_TYPE"}, Case{"SELECT Nope__c FROM Invoice__c", "INVALID_FIELD"},
                 Case{"SELECT Id FROM Invoice__History WHERE OldValue = true", "INVALID_FIELD"},
                 Case{"SELECT Nope__r.Name FROM Invoice__c", "INVALID_FIELD"},
                 Case{"SELECT Id Invoice__c", "MALFORMED_QUERY"}}) {
    auto r = emu.query(c.soql);
    REQUIRE(r);
    CHECK(r->status == 400);
    Json j = test::parse(r);
    REQUIRE(j.is_array());
    REQUIRE(j.items().size() == 1);
    CHECK(j.items()[0].str("errorCode") == c.code);
    CHECK_FALSE(j.items()[0].str("message").empty());
  }
}

TEST_CASE("queries follow relationship paths and filter on them") {
  test::Emu emu;
  Json j = test::parse(emu.query(
      "SELECT Username, Profile.Name, Profile.UserLicense.Name FROM User WHERE "
      "Profile.UserLicense.Name = 'Salesforce Integration' ORDER BY Username"));
  REQUIRE(j.find("totalSize")->as_int() == 2);
  const Json& rec = j.find("records")->items()[0];
  CHECK(rec.str("Username") == "integration.accounting@acme.example");
  const Json* prof = rec.find("Profile");
  REQUIRE(prof);
  CHECK(prof->find("attributes")->str("type") == "Profile");
  CHECK(prof->find("UserLicense")->str("Name") == "Salesforce Integration");
}

TEST_CASE("queries sort on several keys and honour limit and offset") {
  test::Emu emu;
  Json all = test::parse(emu.query("SELECT Name, Credit_Limit__c FROM Account ORDER BY Credit_Limit__c DESC, Name ASC"));
  auto items = all.find("records")->items();
  REQUIRE(items.size() == 40);
  for (std::size_t i = 1; i < items.size(); ++i) {
    double a = items[i - 1].find("Credit_Limit__c")->as_double(), b = items[i].find("Credit_Limit__c")->as_double();
    CHECK(a >= b);
    if (a == b) CHECK(items[i - 1].str("Name") < items[i].str("Name"));
  }
  Json page = test::parse(emu.query("SELECT Name FROM Account ORDER BY Credit_Limit__c DESC, Name ASC LIMIT 3 OFFSET 2"));
  REQUIRE(page.find("records")->items().size() == 3);
  CHECK(page.find("records")->items()[0].str("Name") == items[2].str("Name"));
  Json like = test::parse(emu.query("SELECT COUNT() FROM Invoice__c WHERE Name LIKE 'inv-2026-000%'"));
  CHECK(like.find("totalSize")->as_int() == 10);
  Json notin = test::parse(emu.query("SELECT COUNT() FROM User WHERE Username NOT IN ('admin@acme.example')"));
  CHECK(notin.find("totalSize")->as_int() == 5);
}

TEST_CASE("FieldDefinition tells which fields are history tracked") {
  test::Emu emu;
  Json j = test::parse(emu.query(
      "SELECT QualifiedApiName, DataType, EntityDefinition.QualifiedApiName FROM FieldDefinition WHERE "
      "EntityDefinition.QualifiedApiName = 'Invoice__c' AND IsFieldHistoryTracked = true"));
  std::vector<std::string> names;
  for (const auto& r : j.find("records")->items()) names.push_back(r.str("QualifiedApiName"));
  CHECK(names == std::vector<std::string>{"Paid__c", "Date_Paid__c", "Amount__c", "Status__c", "Notes__c"});
  CHECK(j.find("records")->items()[0].str("DataType") == "Checkbox");
}

}  // TEST_SUITE

}  // namespace
}  // namespace sfrewind::emu
