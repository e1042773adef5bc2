// QueryService: compiles a parsed Query against the Org, filters, sorts and pages results.
#include "emu/query.hpp"

#include "emu/history_writer.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include <sfrewind/types.hpp>

namespace sfrewind::emu {
namespace {

using namespace cells;

// A path compiled to hops: (field, ctx) pairs then a leaf field.
struct CPath {
  std::vector<std::pair<int, Ctx>> hops;  // reference field in the current ctx, next ctx
  Ctx leaf_ctx;
  int leaf = -1;
  bool unfilterable = false;
};

Error invalid_field(const Org& org, Ctx ctx, const std::string& name) {
  return api_error(400, "INVALID_FIELD",
                   fmt::format("\nNo such column '{}' on entity '{}'. If you are attempting to use a "
                               "custom field, be sure to append the '__c' after the custom field "
                               "name. Please reference your WSDL or the describe call for the "
                               "appropriate names.",
                               name, ctx_name(org, ctx)));
}

Result<CPath> compile_path(const Org& org, Ctx ctx, const Path& p) {
  CPath c;
  for (std::size_t i = 0; i + 1 < p.parts.size(); ++i) {
    int f = -1;
    Ctx next;
    std::string name;
    // The object name itself may prefix a path (SELECT Account.Name FROM Account).
    if (i == 0 && to_lower(p.parts[0]) == to_lower(ctx_name(org, ctx))) continue;
    if (!relation(org, ctx, p.parts[i], &f, &next, &name)) {
      return api_error(400, "INVALID_FIELD",
                       fmt::format("\nDidn't understand relationship '{}' in field path. If you are "
                                   "attempting to use a custom relationship, be sure to append the "
                                   "'__r' after the custom relationship name. Please reference your "
                                   "WSDL or the describe call for the appropriate names.",
                                   p.parts[i]));
    }
    c.hops.emplace_back(f, next);
    ctx = next;
  }
  c.leaf_ctx = ctx;
  c.leaf = field_index(org, ctx, p.parts.back());
  if (c.leaf < 0) return invalid_field(org, ctx, p.parts.back());
  c.unfilterable = ctx.hist >= 0 && (c.leaf == kHOld || c.leaf == kHNew);
  return c;
}

std::optional<std::uint32_t> walk(const Org& org, Ctx ctx, std::uint32_t row, const CPath& c) {
  std::optional<std::uint32_t> cur = row;
  for (const auto& [f, next] : c.hops) {
    cur = follow(org, ctx, *cur, f);
    if (!cur) return std::nullopt;
    ctx = next;
  }
  return cur;
}

Val eval(const Org& org, Ctx ctx, std::uint32_t row, const CPath& c, bool for_sort) {
  auto r = walk(org, ctx, row, c);
  if (!r) return Val();
  return for_sort ? sort_key(org, c.leaf_ctx, *r, c.leaf) : get(org, c.leaf_ctx, *r, c.leaf);
}

bool like(std::string_view s, std::string_view p) {
  if (p.empty()) return s.empty();
  if (p[0] == '%') {
    for (std::size_t i = 0; i <= s.size(); ++i) {
      if (like(s.substr(i), p.substr(1))) return true;
    }
    return false;
  }
  if (s.empty()) return false;
  bool escaped = p[0] == '\\' && p.size() > 1;  // `\%` and `\_` match themselves
  if (escaped) p.remove_prefix(1);
  char a = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  char b = static_cast<char>(std::tolower(static_cast<unsigned char>(p[0])));
  return ((p[0] == '_' && !escaped) || a == b) && like(s.substr(1), p.substr(1));
}

// A WHERE clause with its paths compiled.
struct CExpr {
  Expr::Kind kind;
  std::vector<CExpr> kids;
  CPath path;
  Condition::Op op;
  std::vector<Val> values;
};

Val normalise_literal(const Val& v, const CPath& c, const Org& org) {
  if (v.kind != Val::Kind::kString || v.text.size() != 15 || c.leaf_ctx.table < 0) return v;
  const FieldDef& f = org.tables[static_cast<std::size_t>(c.leaf_ctx.table)].def.fields[static_cast<std::size_t>(c.leaf)];
  if (f.type != "id" && f.type != "reference") return v;
  auto id = RecordId::parse(v.text);
  return id ? Val::str(id->str()) : v;
}

Result<CExpr> compile_expr(const Org& org, Ctx ctx, const Expr& e) {
  CExpr c{e.kind, {}, {}, e.cond.op, {}};
  if (e.kind != Expr::Kind::kCond) {
    for (const auto& k : e.kids) {
      auto ck = compile_expr(org, ctx, k);
      if (!ck) return ck.error();
      c.kids.push_back(std::move(*ck));
    }
    return c;
  }
  auto p = compile_path(org, ctx, e.cond.path);
  if (!p) return p.error();
  if (p->unfilterable) {
    return api_error(400, "INVALID_FIELD",
                     fmt::format("\nfield '{}' can not be filtered in a query call", e.cond.path.parts.back()));
  }
  c.path = std::move(*p);
  for (const auto& v : e.cond.values) c.values.push_back(normalise_literal(v, c.path, org));
  return c;
}

bool test(const Org& org, Ctx ctx, std::uint32_t row, const CExpr& e) {
  using Op = Condition::Op;
  switch (e.kind) {
    case Expr::Kind::kAnd:
      for (const auto& k : e.kids) if (!test(org, ctx, row, k)) return false;
      return true;
    case Expr::Kind::kOr:
      for (const auto& k : e.kids) if (test(org, ctx, row, k)) return true;
      return false;
    case Expr::Kind::kNot: return !test(org, ctx, row, e.kids[0]);
    case Expr::Kind::kCond: break;
  }
  // Dates of history rows compare as numbers; no need to format them per row.
  bool numeric = e.path.leaf_ctx.hist >= 0 && e.path.leaf == kHCreatedDate;
  Val v = eval(org, ctx, row, e.path, numeric);
  const Val& lit = e.values[0];
  switch (e.op) {
    case Op::kEq: return lit.is_null() ? v.is_null() : (!v.is_null() && equal_vals(v, lit));
    case Op::kNe: return lit.is_null() ? !v.is_null() : (v.is_null() || !equal_vals(v, lit));
    case Op::kLt: return !v.is_null() && compare_vals(v, lit) < 0;
    case Op::kLe: return !v.is_null() && compare_vals(v, lit) <= 0;
    case Op::kGt: return !v.is_null() && compare_vals(v, lit) > 0;
    case Op::kGe: return !v.is_null() && compare_vals(v, lit) >= 0;
    case Op::kLike: return !v.is_null() && like(v.text, lit.text);
    case Op::kIn:
    case Op::kNotIn: {
      bool found = false;
      for (const auto& x : e.values) found = found || (x.is_null() ? v.is_null() : (!v.is_null() && equal_vals(v, x)));
      return e.op == Op::kIn ? found : !found;
    }
  }
  return false;
}

Status add_to_tree(const Org& org, Ctx ctx, std::vector<SelNode>& nodes, const Path& p, std::size_t i) {
  if (i == 0 && p.parts.size() > 1 && to_lower(p.parts[0]) == to_lower(ctx_name(org, ctx))) ++i;
  if (i + 1 == p.parts.size()) {
    int f = field_index(org, ctx, p.parts[i]);
    if (f < 0) return invalid_field(org, ctx, p.parts[i]);
    for (const auto& n : nodes) if (!n.relation && n.field == f) return ok();
    nodes.push_back(SelNode{field_name(org, ctx, f), f, false, {}, {}});
    return ok();
  }
  int f = -1;
  Ctx next;
  std::string name;
  if (!relation(org, ctx, p.parts[i], &f, &next, &name)) {
    return api_error(400, "INVALID_FIELD",
                     fmt::format("\nDidn't understand relationship '{}' in field path. If you are "
                                 "attempting to use a custom relationship, be sure to append the "
                                 "'__r' after the custom relationship name. Please reference your "
                                 "WSDL or the describe call for the appropriate names.",
                                 p.parts[i]));
  }
  for (auto& n : nodes) {
    if (n.relation && n.field == f) return add_to_tree(org, next, n.kids, p, i + 1);
  }
  nodes.push_back(SelNode{name, f, true, next, {}});
  return add_to_tree(org, next, nodes.back().kids, p, i + 1);
}

}  // namespace

Error api_error(int status, std::string code, std::string message) {
  Error e = make_error(ErrorCode::kApi, std::move(message));
  e.api_code = std::move(code);
  e.http_status = status;
  return e;
}

std::string ctx_name(const Org& org, Ctx ctx) {
  return ctx.table >= 0 ? org.tables[static_cast<std::size_t>(ctx.table)].def.name
                        : org.histories[static_cast<std::size_t>(ctx.hist)].name;
}

Result<std::vector<SelNode>> compile_select(const Org& org, Ctx ctx, const std::vector<Path>& paths) {
  std::vector<SelNode> nodes;
  for (const auto& p : paths) {
    if (auto s = add_to_tree(org, ctx, nodes, p, 0); !s) return s.error();
  }
  return nodes;
}

void write_row(const Org& org, JsonWriter& w, Ctx ctx, std::uint32_t row,
               const std::vector<SelNode>& select, std::string_view version) {
  std::string type = ctx_name(org, ctx);
  w.begin_object();
  w.key("attributes");
  w.begin_object();
  w.kv("type", type);
  w.kv("url", fmt::format("/services/data/v{}/sobjects/{}/{}", version, type, get(org, ctx, row, 0).text));
  w.end_object();
  for (const auto& n : select) {
    w.key(n.name);
    if (!n.relation) {
      get(org, ctx, row, n.field).write(w);
      continue;
    }
    auto target = follow(org, ctx, row, n.field);
    if (!target) {
      w.null();
    } else {
      write_row(org, w, n.target, *target, n.kids, version);
    }
  }
  w.end_object();
}

Result<std::string> QueryService::run(const Org& org, std::string_view soql, bool all, int batch,
                                      std::string_view version, std::int64_t now_ms) {
  auto q = parse_soql(soql);
  if (!q) {
    Error e = q.error();
    e.http_status = 400;
    return e;
  }
  Ctx ctx{org.table(q->from), -1};
  if (ctx.table < 0) ctx.hist = org.history(q->from);
  if (ctx.table < 0 && ctx.hist < 0) {
    return api_error(400, "INVALID_TYPE",
                     fmt::format("\n{}\nERROR at Row:1:Column:1\nsObject type '{}' is not supported. If "
                                 "you are attempting to use a custom object, be sure to append the "
                                 "'__c' after the entity name. Please reference your WSDL or the "
                                 "describe call for the appropriate names.",
                                 soql, q->from));
  }
  auto select = compile_select(org, ctx, q->select);
  if (!select) return select.error();
  std::optional<CExpr> where;
  if (q->where) {
    auto w = compile_expr(org, ctx, *q->where);
    if (!w) return w.error();
    where = std::move(*w);
  }
  std::vector<std::pair<CPath, OrderKey>> order;
  for (const auto& k : q->order) {
    auto p = compile_path(org, ctx, k.path);
    if (!p) return p.error();
    order.emplace_back(std::move(*p), k);
  }
  Cursor c;
  c.ctx = ctx;
  c.select = std::move(*select);
  c.created_ms = now_ms;
  c.batch = batch;
  std::size_t n = ctx.table >= 0 ? org.tables[static_cast<std::size_t>(ctx.table)].rows.size()
                                 : org.histories[static_cast<std::size_t>(ctx.hist)].rows.size();
  for (std::uint32_t r = 0; r < n; ++r) {
    bool deleted = ctx.table >= 0 ? org.tables[static_cast<std::size_t>(ctx.table)].rows[r].deleted
                                  : org.histories[static_cast<std::size_t>(ctx.hist)].rows[r].deleted != 0;
    if (deleted && !all) continue;
    if (where && !test(org, ctx, r, *where)) continue;
    c.rows.push_back(r);
  }
  if (!order.empty()) {
    // Ties keep row order (rows start in index order), as a stable sort would.
    auto before = [&](std::uint32_t a, std::uint32_t b) {
      for (const auto& [p, k] : order) {
        Val va = eval(org, ctx, a, p, true), vb = eval(org, ctx, b, p, true);
        if (va.is_null() != vb.is_null()) return va.is_null() != k.nulls_last;
        int cmp = compare_vals(va, vb);
        if (cmp != 0) return k.desc ? cmp > 0 : cmp < 0;
      }
      return a < b;
    };
    std::size_t keep = c.rows.size();
    if (q->limit) keep = std::min(keep, static_cast<std::size_t>(std::max<std::int64_t>(0, q->offset.value_or(0) + *q->limit)));
    if (keep < c.rows.size() / 4) {  // LIMIT 1 and friends: no need to sort everything
      std::partial_sort(c.rows.begin(), c.rows.begin() + static_cast<std::ptrdiff_t>(keep), c.rows.end(), before);
      c.rows.resize(keep);
    } else {
      std::sort(c.rows.begin(), c.rows.end(), before);
    }
  }
  std::size_t off = static_cast<std::size_t>(std::max<std::int64_t>(0, q->offset.value_or(0)));
  c.rows.erase(c.rows.begin(), c.rows.begin() + static_cast<std::ptrdiff_t>(std::min(off, c.rows.size())));
  if (q->limit && static_cast<std::size_t>(*q->limit) < c.rows.size()) c.rows.resize(static_cast<std::size_t>(*q->limit));
  if (q->count) {
    return fmt::format(R"({{"totalSize":{},"done":true,"records":[]}})", c.rows.size());
  }
  std::string id15 = fmt::format("01g5g{:010d}", next_++);
  std::string id = id15 + RecordId::checksum(id15);
  std::string body = page(org, id, c, 0, batch, version);
  if (c.rows.size() > static_cast<std::size_t>(batch)) {
    if (cursors_.size() >= 200) cursors_.erase(cursors_.begin());
    cursors_[id] = std::move(c);
  }
  return body;
}

std::string QueryService::page(const Org& org, const std::string& id, const Cursor& c,
                               std::size_t offset, int batch, std::string_view version) {
  std::size_t end = std::min(c.rows.size(), offset + static_cast<std::size_t>(batch));
  JsonWriter w;
  w.out().reserve((end - offset) * 400 + 200);
  w.begin_object();
  w.kv_int("totalSize", static_cast<std::int64_t>(c.rows.size()));
  w.kv_bool("done", end >= c.rows.size());
  if (end < c.rows.size()) w.kv("nextRecordsUrl", fmt::format("/services/data/v{}/query/{}-{}", version, id, end));
  w.key("records");
  w.begin_array();
  bool plain = c.ctx.hist >= 0;
  std::vector<std::pair<std::string, int>> cols;
  for (const auto& n : c.select) {
    plain = plain && !n.relation;
    std::string key;
    append_quoted(key, n.name);
    cols.emplace_back(key + ":", n.field);
  }
  if (plain) {
    HistoryWriter hw(org, c.ctx.hist, version);
    std::string& out = w.out();
    for (std::size_t i = offset; i < end; ++i) {
      if (i > offset) out += ',';
      hw.write(out, c.rows[i], cols);
    }
  } else {
    for (std::size_t i = offset; i < end; ++i) write_row(org, w, c.ctx, c.rows[i], c.select, version);
  }
  w.end_array();
  w.end_object();
  return w.take();
}

Result<std::string> QueryService::more(const Org& org, std::string_view locator, int batch,
                                       std::string_view version, std::int64_t now_ms) {
  auto dash = locator.find('-');
  std::string id(locator.substr(0, dash));
  auto it = cursors_.find(id);
  std::size_t offset = dash == std::string_view::npos ? 0 : std::strtoull(std::string(locator.substr(dash + 1)).c_str(), nullptr, 10);
  if (it == cursors_.end() || now_ms - it->second.created_ms > static_cast<std::int64_t>(ttl_s) * 1000 ||
      offset > it->second.rows.size()) {
    if (it != cursors_.end()) cursors_.erase(it);
    return api_error(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
  }
  it->second.created_ms = now_ms;  // Salesforce expires cursors after inactivity
  return page(org, id, it->second, offset, batch > 0 ? batch : it->second.batch, version);
}

}  // namespace sfrewind::emu
