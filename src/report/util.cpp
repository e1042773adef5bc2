// Small shared pieces of the report: time and value text, format names, HTML escaping.
#include <fmt/format.h>

#include "report/internal.hpp"

namespace sfrewind::report {

std::string human_time(Timestamp t) {
  std::string iso = t.to_iso();  // 2026-11-20T01:00:00.000Z
  return iso.substr(0, 10) + " " + iso.substr(11, 8) + "Z";
}

std::string key_times(const IncidentReport& r) {
  std::string out;
  if (!r.changes.empty()) {
    out = fmt::format("first change {}, last change {}", human_time(r.changes.front().changed_at),
                      human_time(r.changes.back().changed_at));
  }
  const ReportLogin* last_before = nullptr;
  for (const ReportLogin& l : r.logins) {
    if (l.when == "before") last_before = &l;
  }
  if (last_before) {
    if (!out.empty()) out += "; ";
    out +=
        fmt::format("last login before the window {} from {}", human_time(last_before->time),
                    last_before->source_ip.empty() ? "an unknown address" : last_before->source_ip);
  }
  return out;
}

std::string bucket_label(std::int64_t bucket_ms) {
  std::int64_t minutes = bucket_ms / 60000;
  if (minutes < 60) return fmt::format("{} minutes", minutes);
  if (minutes < 1440) return minutes == 60 ? "1 hour" : fmt::format("{} hours", minutes / 60);
  return minutes == 1440 ? "1 day" : fmt::format("{} days", minutes / 1440);
}

std::string axis_label(Timestamp start, std::int64_t bucket_ms) {
  std::string iso = start.to_iso();
  if (bucket_ms < 1440LL * 60000) return iso.substr(11, 5);
  return iso.substr(5, 5);
}

std::string value_text(const std::optional<std::string>& value,
                       const std::optional<std::string>& name) {
  std::string text = value ? *value : "null";
  if (name && !name->empty()) text += " (" + *name + ")";
  return text;
}

std::string literal_text(std::string_view literal) {
  auto v = rollback::decode_json_literal(literal);
  if (!v) return std::string(literal);
  return v->is_null() ? "null" : v->text();
}

Result<Format> parse_format(std::string_view name) {
  if (name == "md" || name == "markdown") return Format::kMarkdown;
  if (name == "html") return Format::kHtml;
  if (name == "csv") return Format::kCsv;
  if (name == "json") return Format::kJson;
  return make_error(
      ErrorCode::kInvalidArgument,
      fmt::format("unknown report format '{}': expected md, html, csv or json", name));
}

std::string render(const IncidentReport& report, Format format) {
  switch (format) {
    case Format::kMarkdown:
      return render_markdown(report);
    case Format::kHtml:
      return render_html(report);
    case Format::kCsv:
      return render_csv(report);
    case Format::kJson:
      return render_json(report);
  }
  return {};
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace sfrewind::report
