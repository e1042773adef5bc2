// Loading an org file: objects, users, apps, records and timed edits replayed through Org::save.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include <sfrewind/types.hpp>

#include "emu/org.hpp"

namespace sfrewind::emu {
namespace {

Error bad(std::string msg) { return make_error(ErrorCode::kInvalidArgument, "org file: " + msg); }

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return bad(fmt::format("cannot open {}", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<std::int64_t> time_of(const Json& j, std::string_view key) {
  auto ts = Timestamp::parse(j.str(key));
  if (!ts) return bad(fmt::format("bad time '{}'", j.str(key)));
  return ts->ms() / 1000 * 1000;
}

FieldDef field_from(const Json& j) {
  FieldDef f;
  f.name = j.str("name");
  f.label = j.str("label", f.name);
  f.type = j.str("type", "string");
  f.length = static_cast<int>(j.find("length") ? j.find("length")->as_int() : 0);
  if (f.length == 0 && (f.type == "string" || f.type == "picklist" || f.type == "email" ||
                        f.type == "phone" || f.type == "url" || f.type == "textarea")) {
    f.length = 255;
  }
  if (f.type == "reference") f.length = 18;
  if (const Json* p = j.find("precision")) f.precision = static_cast<int>(p->as_int());
  if (const Json* s = j.find("scale")) f.scale = static_cast<int>(s->as_int());
  if ((f.type == "currency") && !j.find("precision")) { f.precision = 16; f.scale = 2; }
  if (const Json* b = j.find("updateable")) f.updateable = b->as_bool();
  if (const Json* b = j.find("createable")) f.createable = b->as_bool();
  if (const Json* b = j.find("calculated")) f.calculated = b->as_bool();
  if (const Json* b = j.find("tracked")) f.tracked = b->as_bool();
  if (const Json* b = j.find("nillable")) f.nillable = b->as_bool();
  f.custom = f.name.size() > 3 && f.name.substr(f.name.size() - 3) == "__c";
  f.reference_to = j.str("reference_to");
  f.relationship_name = j.str("relationship_name");
  if (f.type == "reference" && f.relationship_name.empty()) {
    f.relationship_name = f.custom ? f.name.substr(0, f.name.size() - 3) + "__r"
                          : f.name.size() > 2 ? f.name.substr(0, f.name.size() - 2) : f.name;
  }
  if (const Json* p = j.find("picklist")) {
    for (const auto& v : p->items()) f.picklist.push_back(v.text());
  }
  if (f.calculated) f.updateable = f.createable = false;
  return f;
}

Val literal_val(const Json& j) {
  switch (j.type()) {
    case Json::Type::kBool: return Val::boolean(j.as_bool());
    case Json::Type::kNumber: return Val::number(j.as_double());
    case Json::Type::kString: {
      std::int64_t days = 0;
      if (parse_ymd(j.text(), &days)) return Val::date(j.text());
      return Val::str(j.text());
    }
    default: return Val();
  }
}

ObjectDef object_from(const Json& j) {
  ObjectDef d;
  d.name = j.str("name");
  d.label = j.str("label", d.name);
  d.key_prefix = j.str("key_prefix", "a00");
  d.custom = d.name.size() > 3 && d.name.substr(d.name.size() - 3) == "__c";
  if (const Json* fs = j.find("fields")) {
    for (const auto& f : fs->items()) d.fields.push_back(field_from(f));
  }
  const Json* owner = j.find("owner");
  add_standard_fields(d, !owner || owner->as_bool());
  if (const Json* rs = j.find("validation_rules")) {
    for (const auto& r : rs->items()) {
      ValidationRule rule{r.str("name"), r.str("message"), r.str("error_field"), {}};
      if (const Json* w = r.find("when")) {
        for (const auto& c : w->items()) {
          const Json* v = c.find("value");
          rule.conds.push_back({c.str("field"), c.str("op", "="), v ? literal_val(*v) : Val()});
        }
      }
      d.rules.push_back(std::move(rule));
    }
  }
  return d;
}

class Loader {
 public:
  Loader(Org& org, std::string base_dir) : org_(org), base_dir_(std::move(base_dir)) {}

  Status run(const Json& doc) {
    org_.org_id = doc.str("org_id", "00D5g00000EMU01");
    auto oid = RecordId::parse(org_.org_id);
    if (!oid) return bad("org_id: " + oid.error().message);
    org_.org_id = oid->str();
    org_.instance_name = doc.str("instance_name", "EMU1");
    if (const Json* m = doc.find("api_max")) org_.api_max = m->as_int(100000);
    add_system_objects(org_);
    if (auto s = people(doc); !s) return s;
    if (const Json* objs = doc.find("objects")) {
      for (const auto& o : objs->items()) org_.add_object(object_from(o), o.str("history_name"));
    }
    rebuild_definitions(org_);
    if (auto s = apps(doc); !s) return s;
    for (const auto& l : doc.find("logins") ? doc.find("logins")->items() : std::vector<Json>{}) {
      auto t = time_of(l, "time");
      int u = org_.user_row(l.str("user"));
      if (!t || u < 0) return bad("logins: bad time or user");
      add_login(org_, static_cast<std::uint32_t>(u), *t, l.str("application"), l.str("status", "Success"),
                l.str("source_ip", "127.0.0.1"));
    }
    if (auto s = records(doc.find("records"), true); !s) return s;
    return records(doc.find("edits"), false);
  }

 private:
  Status people(const Json& doc) {
    std::int64_t t0 = 0;
    if (doc.find("created")) {
      auto t = time_of(doc, "created");
      if (!t) return t.error();
      t0 = *t;
    }
    std::map<std::string, Val> lic, prof;
    int lt = org_.table("UserLicense"), pt = org_.table("Profile"), ut = org_.table("User");
    auto& ld = org_.tables[static_cast<std::size_t>(lt)].def;
    auto& pd = org_.tables[static_cast<std::size_t>(pt)].def;
    auto& ud = org_.tables[static_cast<std::size_t>(ut)].def;
    for (const auto& l : doc.find("licenses") ? doc.find("licenses")->items() : std::vector<Json>{}) {
      auto row = org_.apply(lt, std::nullopt,
                            {{ld.field("Name"), Val::str(l.str("name"))},
                             {ld.field("MasterLabel"), Val::str(l.str("name"))},
                             {ld.field("LicenseDefinitionKey"), Val::str(l.str("key"))},
                             {ld.field("Status"), Val::str("Active")}},
                            0, t0, false);
      lic[l.str("name")] = Val::str(org_.record_id(lt, row));
    }
    for (const auto& p : doc.find("profiles") ? doc.find("profiles")->items() : std::vector<Json>{}) {
      if (!lic.count(p.str("license"))) return bad("profile " + p.str("name") + ": unknown licence");
      const Json* api_only = p.find("api_only");
      auto row = org_.apply(pt, std::nullopt,
                            {{pd.field("Name"), Val::str(p.str("name"))},
                             {pd.field("UserLicenseId"), lic[p.str("license")]},
                             {pd.field("PermissionsApiUserOnly"), Val::boolean(api_only && api_only->as_bool())},
                             {pd.field("UserType"), Val::str("Standard")}},
                            0, t0, false);
      prof[p.str("name")] = Val::str(org_.record_id(pt, row));
    }
    int ul = org_.table("UserLogin");
    auto& uld = org_.tables[static_cast<std::size_t>(ul)].def;
    for (const auto& u : doc.find("users") ? doc.find("users")->items() : std::vector<Json>{}) {
      if (!prof.count(u.str("profile"))) return bad("user " + u.str("username") + ": unknown profile");
      std::string name = u.str("name", u.str("username"));
      auto space = name.find(' ');
      const Json* active = u.find("active");
      auto row = org_.apply(
          ut, std::nullopt,
          {{ud.field("Username"), Val::str(u.str("username"))},
           {ud.field("Name"), Val::str(name)},
           {ud.field("FirstName"), Val::str(space == std::string::npos ? "" : name.substr(0, space))},
           {ud.field("LastName"), Val::str(space == std::string::npos ? name : name.substr(space + 1))},
           {ud.field("Email"), Val::str(u.str("email", u.str("username")))},
           {ud.field("Alias"), Val::str(u.str("username").substr(0, 8))},
           {ud.field("IsActive"), Val::boolean(!active || active->as_bool())},
           {ud.field("ProfileId"), prof[u.str("profile")]},
           {ud.field("UserType"), Val::str("Standard")}},
          0, t0, false);
      org_.apply(ul, std::nullopt, {{uld.field("UserId"), Val::str(org_.user_id(row))}}, row, t0, false);
      // Self-created rows: the first user is its own creator.
      (void)row;
    }
    if (org_.tables[static_cast<std::size_t>(ut)].rows.empty()) return bad("no users");
    return ok();
  }

  Status apps(const Json& doc) {
    for (const auto& a : doc.find("connected_apps") ? doc.find("connected_apps")->items() : std::vector<Json>{}) {
      ConnectedApp app{a.str("name", a.str("client_id")), a.str("client_id"), a.str("client_secret"),
                       a.str("run_as"), a.str("certificate")};
      std::string file = a.str("certificate_file");
      if (!file.empty()) {
        auto pem = read_file((std::filesystem::path(base_dir_) / file).string());
        if (!pem) return pem.error();
        app.certificate_pem = std::move(*pem);
      }
      if (!app.run_as.empty() && org_.user_row(app.run_as) < 0) return bad("app run_as unknown user");
      org_.apps.push_back(std::move(app));
    }
    for (const auto& r : doc.find("refresh_tokens") ? doc.find("refresh_tokens")->items() : std::vector<Json>{}) {
      org_.refresh_grants.push_back({r.str("token"), r.str("client_id"), r.str("username")});
    }
    return ok();
  }

  Result<Json> resolve(const Json& fields) {
    Json out = Json::object();
    for (const auto& [k, v] : fields.members()) {
      if (v.is_string() && !v.text().empty() && v.text()[0] == '@') {
        std::string key = v.text().substr(1);
        if (key.rfind("user:", 0) == 0) {
          int u = org_.user_row(key.substr(5));
          if (u < 0) return bad("unknown user " + key);
          out.set(k, Json::string(org_.user_id(static_cast<std::uint32_t>(u))));
        } else {
          auto it = keys_.find(key);
          if (it == keys_.end()) return bad("unknown record key " + key);
          out.set(k, Json::string(org_.record_id(it->second.first, it->second.second)));
        }
        continue;
      }
      out.set(k, v);
    }
    return out;
  }

  Status records(const Json* list, bool creating) {
    if (!list) return ok();
    std::size_t n = 0;
    for (const auto& e : list->items()) {
      ++n;
      auto where = fmt::format("{} #{}", creating ? "records" : "edits", n);
      auto t = time_of(e, "time");
      if (!t) return with_context(t.error(), where);
      int u = org_.user_row(e.str("user"));
      if (u < 0) return bad(where + ": unknown user " + e.str("user"));
      std::string op = e.str("op", creating ? "create" : "update");
      if (auto s = one(e, op, *t, static_cast<std::uint32_t>(u)); !s) return with_context(s.error(), where);
    }
    return ok();
  }

  Status one(const Json& e, const std::string& op, std::int64_t t, std::uint32_t u) {
    std::optional<std::pair<int, std::uint32_t>> target;
    if (op != "create") {
      auto it = keys_.find(e.str("record"));
      if (it == keys_.end()) return bad("unknown record " + e.str("record"));
      target = it->second;
    }
    if (op == "delete") {
      org_.remove(target->first, target->second, u, t);
      return ok();
    }
    int table = target ? target->first : org_.table(e.str("type"));
    if (table < 0) return bad("unknown type " + e.str("type"));
    auto fields = resolve(e.find("fields") ? *e.find("fields") : Json::object());
    if (!fields) return fields.error();
    std::vector<SaveError> errors;
    auto row = org_.save(table, target ? std::optional(target->second) : std::nullopt, *fields, u, t,
                         false, &errors);
    if (!row) {
      return bad(errors.empty() ? row.error().message
                                : errors[0].status_code + ": " + errors[0].message);
    }
    if (!target && !e.str("key").empty()) keys_[e.str("key")] = {table, *row};
    return ok();
  }

  Org& org_;
  std::string base_dir_;
  std::map<std::string, std::pair<int, std::uint32_t>> keys_;
};

}  // namespace

Result<Org> load_org_json(const Json& doc, const std::string& base_dir) {
  Org org;
  Loader loader(org, base_dir);
  if (auto s = loader.run(doc); !s) return s.error();
  return org;
}

Result<Org> load_org_file(const std::string& path) {
  auto text = read_file(path);
  if (!text) return text.error();
  auto doc = Json::parse(*text);
  if (!doc) return with_context(doc.error(), path);
  auto org = load_org_json(*doc, std::filesystem::path(path).parent_path().string());
  if (!org) return with_context(org.error(), path);
  return org;
}

}  // namespace sfrewind::emu
