// Describe resources: describe global and sobjects/<T>/describe, history objects included.
#include <fmt/format.h>

#include "emu/impl.hpp"

namespace sfrewind::emu {
namespace {

std::string soap_type(const std::string& t) {
  if (t == "id" || t == "reference") return "tns:ID";
  if (t == "boolean") return "xsd:boolean";
  if (t == "currency" || t == "double" || t == "percent") return "xsd:double";
  if (t == "date") return "xsd:date";
  if (t == "datetime") return "xsd:dateTime";
  if (t == "int") return "xsd:int";
  return "xsd:string";
}

void write_field(JsonWriter& w, const FieldDef& f) {
  bool text = f.type == "string" || f.type == "textarea" || f.type == "picklist" || f.type == "email" ||
              f.type == "phone" || f.type == "url" || f.type == "multipicklist";
  bool number = f.type == "currency" || f.type == "double" || f.type == "percent";
  w.begin_object();
  w.kv_bool("aggregatable", f.type != "textarea");
  w.kv_bool("aiPredictionField", false);
  w.kv_bool("autoNumber", false);
  w.kv_int("byteLength", text || f.type == "id" || f.type == "reference" ? f.length * 3 : 0);
  w.kv_bool("calculated", f.calculated);
  w.kv_raw("calculatedFormula", "null");
  w.kv_bool("cascadeDelete", false);
  w.kv_bool("caseSensitive", false);
  w.kv_raw("compoundFieldName", "null");
  w.kv_raw("controllerName", "null");
  w.kv_bool("createable", f.createable && !f.calculated);
  w.kv_bool("custom", f.custom);
  w.kv_raw("defaultValue", f.type == "boolean" ? "false" : "null");
  w.kv_raw("defaultValueFormula", "null");
  w.kv_bool("defaultedOnCreate", f.type == "boolean" || f.type == "id" || f.name == "OwnerId" ||
                                     f.name == "CreatedDate" || f.name == "CreatedById");
  w.kv_bool("dependentPicklist", false);
  w.kv_bool("deprecatedAndHidden", false);
  w.kv_int("digits", 0);
  w.kv_bool("displayLocationInDecimal", false);
  w.kv_bool("encrypted", false);
  w.kv_bool("externalId", false);
  w.kv_raw("extraTypeInfo", f.type == "textarea" && f.length > 255 ? "\"plaintextarea\"" : "null");
  w.kv_bool("filterable", f.type != "textarea" || f.length <= 255);
  w.kv_raw("filteredLookupInfo", "null");
  w.kv_bool("formulaTreatNullNumberAsZero", false);
  w.kv_bool("groupable", !number && f.type != "textarea");
  w.kv_bool("highScaleNumber", false);
  w.kv_bool("htmlFormatted", false);
  w.kv_bool("idLookup", f.type == "id");
  w.kv_raw("inlineHelpText", "null");
  w.kv("label", f.label);
  w.kv_int("length", text ? f.length : (f.type == "id" || f.type == "reference") ? 18 : 0);
  w.kv_raw("mask", "null");
  w.kv_raw("maskType", "null");
  w.kv("name", f.name);
  w.kv_bool("nameField", f.name == "Name");
  w.kv_bool("namePointing", false);
  w.kv_bool("nillable", f.nillable && f.type != "boolean" && f.type != "id");
  w.kv_bool("permissionable", f.custom);
  w.key("picklistValues");
  w.begin_array();
  for (const auto& p : f.picklist) {
    w.begin_object();
    w.kv_bool("active", true);
    w.kv_bool("defaultValue", false);
    w.kv("label", p);
    w.kv_raw("validFor", "null");
    w.kv("value", p);
    w.end_object();
  }
  w.end_array();
  w.kv_bool("polymorphicForeignKey", false);
  w.kv_int("precision", number ? f.precision : 0);
  w.kv_bool("queryByDistance", false);
  w.kv_raw("referenceTargetField", "null");
  w.key("referenceTo");
  w.begin_array();
  if (!f.reference_to.empty()) w.string(f.reference_to);
  w.end_array();
  if (f.relationship_name.empty()) w.kv_raw("relationshipName", "null");
  else w.kv("relationshipName", f.relationship_name);
  w.kv_raw("relationshipOrder", "null");
  w.kv_bool("restrictedDelete", false);
  w.kv_bool("restrictedPicklist", false);
  w.kv_int("scale", number ? f.scale : 0);
  w.kv_bool("searchPrefilterable", false);
  w.kv("soapType", soap_type(f.type));
  w.kv_bool("sortable", f.type != "textarea" || f.length <= 255);
  w.kv("type", f.type == "int" ? "double" : f.type);
  w.kv_bool("unique", false);
  w.kv_bool("updateable", f.updateable && !f.calculated && f.type != "id");
  w.kv_bool("writeRequiresMasterRead", false);
  w.end_object();
}

void object_props(JsonWriter& w, const ObjectDef& d, bool history, const std::string& version) {
  w.kv_bool("activateable", false);
  w.kv_bool("createable", d.creatable && !history);
  w.kv_bool("custom", d.custom);
  w.kv_bool("customSetting", false);
  w.kv_bool("deepCloneable", false);
  w.kv_bool("deletable", d.creatable && !history);
  w.kv_bool("deprecatedAndHidden", false);
  w.kv_bool("feedEnabled", false);
  w.kv_bool("hasSubtypes", false);
  w.kv_bool("isInterface", false);
  w.kv_bool("isSubtype", false);
  w.kv("keyPrefix", d.key_prefix);
  w.kv("label", d.label);
  w.kv("labelPlural", d.label + "s");
  w.kv_bool("layoutable", !history);
  w.kv_bool("mergeable", false);
  w.kv_bool("mruEnabled", false);
  w.kv("name", d.name);
  w.kv_bool("queryable", true);
  w.kv_bool("replicateable", true);
  w.kv_bool("retrieveable", true);
  w.kv_bool("searchable", !history);
  w.kv_bool("triggerable", !history);
  w.kv_bool("undeletable", d.creatable && !history);
  w.kv_bool("updateable", d.writable && !history);
  w.key("urls");
  w.begin_object();
  for (const char* k : {"compactLayouts", "approvalLayouts", "listviews", "quickActions", "layouts"}) {
    w.kv(k, fmt::format("/services/data/v{}/sobjects/{}/describe/{}", version, d.name, k));
  }
  w.kv("defaultValues", fmt::format("/services/data/v{}/sobjects/{}/defaultValues?recordTypeId&fields", version, d.name));
  w.kv("uiDetailTemplate", fmt::format("https://emu.invalid/{{ID}}"));
  w.kv("uiEditTemplate", fmt::format("https://emu.invalid/{{ID}}/e"));
  w.kv("uiNewRecord", fmt::format("https://emu.invalid/{}/e", d.key_prefix));
  w.kv("describe", fmt::format("/services/data/v{}/sobjects/{}/describe", version, d.name));
  w.kv("rowTemplate", fmt::format("/services/data/v{}/sobjects/{}/{{ID}}", version, d.name));
  w.kv("sobject", fmt::format("/services/data/v{}/sobjects/{}", version, d.name));
  w.end_object();
}

// A history object's describe, built from its columns.
ObjectDef history_def(const Org& org, const HistoryTable& h) {
  const ObjectDef& parent = org.tables[static_cast<std::size_t>(h.parent_table)].def;
  ObjectDef d;
  d.name = h.name;
  d.label = parent.label + " History";
  d.key_prefix = "017";
  d.custom = parent.custom;
  d.writable = false;
  auto add = [&](std::string name, std::string type, std::string ref = "", std::string rel = "") {
    FieldDef f;
    f.name = std::move(name);
    f.type = std::move(type);
    f.updateable = f.createable = false;
    f.length = f.type == "picklist" ? 255 : f.type == "anyType" ? 255 : 0;
    f.reference_to = std::move(ref);
    f.relationship_name = std::move(rel);
    d.add(f);
  };
  add("Id", "id");
  add("IsDeleted", "boolean");
  add(h.parent_col, "reference", parent.name, h.parent_col == "ParentId" ? "Parent" : parent.name);
  add("CreatedById", "reference", "User", "CreatedBy");
  add("CreatedDate", "datetime");
  add("Field", "picklist");
  add("DataType", "picklist");
  add("OldValue", "anyType");
  add("NewValue", "anyType");
  for (const auto& f : parent.fields) {
    if (f.tracked) d.fields[static_cast<std::size_t>(d.field("Field"))].picklist.push_back(f.name);
  }
  d.fields[static_cast<std::size_t>(d.field("Field"))].picklist.push_back("created");
  return d;
}

void write_describe(JsonWriter& w, const ObjectDef& d, bool history, const std::string& version) {
  w.begin_object();
  w.key("actionOverrides"); w.begin_array(); w.end_array();
  w.key("childRelationships"); w.begin_array(); w.end_array();
  w.kv_bool("compactLayoutable", !history);
  w.kv_raw("defaultImplementation", "null");
  w.kv_raw("extendedBy", "null");
  w.kv_raw("extendsInterfaces", "null");
  w.key("fields");
  w.begin_array();
  for (const auto& f : d.fields) write_field(w, f);
  w.end_array();
  w.kv_raw("implementedBy", "null");
  w.kv_raw("implementsInterfaces", "null");
  w.kv_bool("listviewable", false);
  w.kv_bool("lookupLayoutable", false);
  w.key("namedLayoutInfos"); w.begin_array(); w.end_array();
  w.kv_raw("networkScopeFieldName", "null");
  w.key("recordTypeInfos"); w.begin_array(); w.end_array();
  w.kv_bool("searchLayoutable", false);
  w.key("supportedScopes"); w.begin_array(); w.end_array();
  object_props(w, d, history, version);
  w.end_object();
}

}  // namespace

Resp Server::Impl::describe_global(const std::string& version) {
  JsonWriter w;
  w.begin_object();
  w.kv("encoding", "UTF-8");
  w.kv_int("maxBatchSize", 200);
  w.key("sobjects");
  w.begin_array();
  for (const auto& t : org.tables) {
    w.begin_object();
    w.kv_raw("associateEntityType", "null");
    w.kv_raw("associateParentEntity", "null");
    object_props(w, t.def, false, version);
    w.end_object();
  }
  for (const auto& h : org.histories) {
    w.begin_object();
    w.kv("associateEntityType", "History");
    w.kv("associateParentEntity", org.tables[static_cast<std::size_t>(h.parent_table)].def.name);
    object_props(w, history_def(org, h), true, version);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return json_resp(200, w.take());
}

Resp Server::Impl::describe(const std::string& type, const std::string& version) {
  JsonWriter w;
  if (int t = org.table(type); t >= 0) {
    write_describe(w, org.tables[static_cast<std::size_t>(t)].def, false, version);
  } else if (int h = org.history(type); h >= 0) {
    write_describe(w, history_def(org, org.histories[static_cast<std::size_t>(h)]), true, version);
  } else {
    return error_resp(404, "NOT_FOUND", "The requested resource does not exist");
  }
  return json_resp(200, w.take());
}

}  // namespace sfrewind::emu
