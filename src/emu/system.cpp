// The system objects every org has: users, profiles, licences, logins and field definitions.
#include <fmt/format.h>

#include "emu/org.hpp"

namespace sfrewind::emu {
namespace {

FieldDef fd(std::string name, std::string type, bool updateable = false) {
  FieldDef f;
  f.name = std::move(name);
  f.type = std::move(type);
  f.updateable = updateable;
  f.createable = updateable;
  if (f.type == "string" || f.type == "picklist") f.length = 255;
  if (f.type == "id" || f.type == "reference") f.length = 18;
  return f;
}

FieldDef ref(std::string name, std::string target, std::string rel, bool updateable = false) {
  FieldDef f = fd(std::move(name), "reference", updateable);
  f.reference_to = std::move(target);
  f.relationship_name = std::move(rel);
  return f;
}

ObjectDef object(std::string name, std::string prefix) {
  ObjectDef d;
  d.name = std::move(name);
  d.label = d.name;
  d.key_prefix = std::move(prefix);
  d.writable = false;
  d.creatable = false;
  d.add(fd("Id", "id"));
  return d;
}

void add_audit(ObjectDef& d) {
  d.add(fd("CreatedDate", "datetime"));
  d.add(ref("CreatedById", "User", "CreatedBy"));
  d.add(fd("LastModifiedDate", "datetime"));
  d.add(ref("LastModifiedById", "User", "LastModifiedBy"));
  d.add(fd("SystemModstamp", "datetime"));
}

std::string field_data_type(const FieldDef& f) {
  const std::string& t = f.type;
  if (t == "boolean") return "Checkbox";
  if (t == "currency") return fmt::format("Currency({}, {})", f.precision ? f.precision : 16, f.scale);
  if (t == "double") return fmt::format("Number({}, {})", f.precision ? f.precision : 18, f.scale);
  if (t == "percent") return fmt::format("Percent({}, {})", f.precision ? f.precision : 3, f.scale);
  if (t == "date") return "Date";
  if (t == "datetime") return "Date/Time";
  if (t == "reference") return fmt::format("Lookup({})", f.reference_to);
  if (t == "picklist") return "Picklist";
  if (t == "multipicklist") return "Picklist (Multi-Select)";
  if (t == "textarea") return f.length > 255 ? fmt::format("Long Text Area({})", f.length) : "Text Area(255)";
  if (t == "id") return "Lookup()";
  if (t == "email") return "Email";
  if (t == "phone") return "Phone";
  if (t == "url") return "URL(255)";
  return fmt::format("Text({})", f.length);
}

std::string value_type(const std::string& t) {
  if (t == "boolean") return "boolean";
  if (t == "currency" || t == "double" || t == "percent") return "double";
  if (t == "date") return "date";
  if (t == "datetime") return "datetime";
  if (t == "reference" || t == "id") return "id";
  return "string";
}

}  // namespace

void add_standard_fields(ObjectDef& d, bool with_owner) {
  d.index.clear();
  d.sys = ObjectDef::Sys();
  std::vector<FieldDef> custom = std::move(d.fields);
  d.fields.clear();
  FieldDef id = fd("Id", "id");
  id.nillable = false;
  d.add(id);
  FieldDef name = fd("Name", "string", true);
  name.length = 80;
  name.label = d.custom ? d.label + " Name" : "Name";
  bool has_name = false;
  for (const auto& f : custom) has_name = has_name || f.name == "Name";
  if (!has_name) d.add(name);
  if (with_owner) {
    FieldDef owner = ref("OwnerId", "User", "Owner", true);
    owner.label = "Owner ID";
    for (const auto& f : custom) {
      if (f.name == "OwnerId") owner.tracked = f.tracked;
    }
    d.add(owner);
  }
  FieldDef deleted = fd("IsDeleted", "boolean");
  deleted.nillable = false;
  d.add(deleted);
  add_audit(d);
  for (auto& f : custom) {
    if (f.name == "OwnerId" && with_owner) continue;
    d.add(std::move(f));
  }
}

void add_system_objects(Org& org) {
  ObjectDef lic = object("UserLicense", "100");
  for (const char* n : {"Name", "LicenseDefinitionKey", "Status", "MasterLabel"}) lic.add(fd(n, "string"));
  org.add_object(std::move(lic));

  ObjectDef prof = object("Profile", "00e");
  prof.add(fd("Name", "string"));
  prof.add(ref("UserLicenseId", "UserLicense", "UserLicense"));
  prof.add(fd("PermissionsApiUserOnly", "boolean"));
  prof.add(fd("UserType", "picklist"));
  org.add_object(std::move(prof));

  ObjectDef user = object("User", "005");
  user.writable = true;  // IsActive only: deactivation is a containment step
  for (const char* n : {"Username", "Name", "FirstName", "LastName", "Email", "Alias"}) user.add(fd(n, "string"));
  user.add(fd("IsActive", "boolean", true));
  user.add(ref("ProfileId", "Profile", "Profile"));
  user.add(fd("UserType", "picklist"));
  user.add(fd("LastLoginDate", "datetime"));
  add_audit(user);
  org.add_object(std::move(user));

  ObjectDef login = object("LoginHistory", "0Ya");
  login.add(ref("UserId", "User", ""));
  login.add(fd("LoginTime", "datetime"));
  for (const char* n : {"LoginType", "Status", "SourceIp", "Application", "Platform", "ApiType",
                        "ApiVersion", "LoginUrl", "Browser", "LoginSubType", "CountryIso",
                        "AuthMethodReference"}) {
    login.add(fd(n, "string"));
  }
  org.add_object(std::move(login));

  ObjectDef ulogin = object("UserLogin", "060");
  ulogin.writable = true;
  ulogin.add(ref("UserId", "User", ""));
  ulogin.add(fd("IsFrozen", "boolean", true));
  ulogin.add(fd("IsPasswordLocked", "boolean", true));
  add_audit(ulogin);
  org.add_object(std::move(ulogin));

  ObjectDef ent = object("EntityDefinition", "01I");
  for (const char* n : {"DurableId", "QualifiedApiName", "Label", "KeyPrefix"}) ent.add(fd(n, "string"));
  ent.add(fd("IsCustomizable", "boolean"));
  org.add_object(std::move(ent));

  ObjectDef field = object("FieldDefinition", "00N");
  for (const char* n : {"DurableId", "QualifiedApiName", "Label", "DataType", "ValueTypeId"}) {
    field.add(fd(n, "string"));
  }
  field.add(ref("EntityDefinitionId", "EntityDefinition", "EntityDefinition"));
  for (const char* n : {"Length", "Precision", "Scale"}) field.add(fd(n, "double"));
  for (const char* n : {"IsCalculated", "IsNillable", "IsFieldHistoryTracked"}) field.add(fd(n, "boolean"));
  org.add_object(std::move(field));
}

void rebuild_definitions(Org& org) {
  int et = org.table("EntityDefinition");
  int ft = org.table("FieldDefinition");
  org.tables[static_cast<std::size_t>(et)].rows.clear();
  org.tables[static_cast<std::size_t>(ft)].rows.clear();
  const ObjectDef& edef = org.tables[static_cast<std::size_t>(et)].def;
  const ObjectDef& fdef = org.tables[static_cast<std::size_t>(ft)].def;
  std::size_t count = org.tables.size();
  for (std::size_t t = 0; t < count; ++t) {
    const ObjectDef def = org.tables[t].def;
    if (!def.creatable) continue;
    std::vector<std::pair<int, Val>> e = {
        {edef.field("DurableId"), Val::str(def.custom ? "01I5g0000000" + def.key_prefix : def.name)},
        {edef.field("QualifiedApiName"), Val::str(def.name)},
        {edef.field("Label"), Val::str(def.label)},
        {edef.field("KeyPrefix"), Val::str(def.key_prefix)},
        {edef.field("IsCustomizable"), Val::boolean(true)}};
    std::uint32_t erow = org.apply(et, std::nullopt, e, 0, 0, false);
    std::string eid = org.record_id(et, erow);
    for (const auto& f : def.fields) {
      std::vector<std::pair<int, Val>> v = {
          {fdef.field("DurableId"), Val::str(def.name + "." + f.name)},
          {fdef.field("QualifiedApiName"), Val::str(f.name)},
          {fdef.field("Label"), Val::str(f.label)},
          {fdef.field("DataType"), Val::str(field_data_type(f))},
          {fdef.field("ValueTypeId"), Val::str(value_type(f.type))},
          {fdef.field("EntityDefinitionId"), Val::str(eid)},
          {fdef.field("Length"), Val::number(f.length)},
          {fdef.field("Precision"), Val::number(f.precision)},
          {fdef.field("Scale"), Val::number(f.scale)},
          {fdef.field("IsCalculated"), Val::boolean(f.calculated)},
          {fdef.field("IsNillable"), Val::boolean(f.nillable)},
          {fdef.field("IsFieldHistoryTracked"), Val::boolean(f.tracked)}};
      org.apply(ft, std::nullopt, v, 0, 0, false);
    }
  }
}

void add_login(Org& org, std::uint32_t user, std::int64_t time_ms, std::string_view application,
               std::string_view status, std::string_view source_ip) {
  int lt = org.table("LoginHistory");
  const ObjectDef& d = org.tables[static_cast<std::size_t>(lt)].def;
  std::vector<std::pair<int, Val>> v = {
      {d.field("UserId"), Val::str(org.user_id(user))},
      {d.field("LoginTime"), Val::datetime(time_ms / 1000 * 1000)},
      {d.field("LoginType"), Val::str("Remote Access 2.0")},
      {d.field("Status"), Val::str(std::string(status))},
      {d.field("SourceIp"), Val::str(std::string(source_ip))},
      {d.field("Application"), Val::str(std::string(application))},
      {d.field("Platform"), Val::str("Unknown")},
      {d.field("ApiType"), Val::str("N/A")},
      {d.field("ApiVersion"), Val::str("N/A")},
      {d.field("LoginUrl"), Val::str("127.0.0.1")},
      {d.field("Browser"), Val::str("Unknown")}};
  org.apply(lt, std::nullopt, v, user, time_ms, false);
  if (status == "Success") {
    int ut = org.table("User");
    int fi = org.tables[static_cast<std::size_t>(ut)].def.field("LastLoginDate");
    org.tables[static_cast<std::size_t>(ut)].rows[user].v[static_cast<std::size_t>(fi)] =
        Val::datetime(time_ms / 1000 * 1000);
  }
}

}  // namespace sfrewind::emu
