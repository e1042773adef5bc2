// render_svg_chart: the users' changes over time as an inline SVG bar chart with labelled axes.
#include <algorithm>

#include <fmt/format.h>

#include "report/internal.hpp"

namespace sfrewind::report {
namespace {

constexpr double kWidth = 760;
constexpr double kHeight = 280;
constexpr double kLeft = 56;
constexpr double kRight = 16;
constexpr double kTop = 20;
constexpr double kBottom = 56;
constexpr double kPlotW = kWidth - kLeft - kRight;
constexpr double kPlotH = kHeight - kTop - kBottom;

// The smallest of 1, 2, 5 times a power of ten that is at least `x`.
std::size_t nice_step(std::size_t x) {
  std::size_t power = 1;
  while (true) {
    for (std::size_t m : {1, 2, 5}) {
      if (m * power >= x) return m * power;
    }
    power *= 10;
  }
}

std::string y_axis(std::size_t top, std::size_t step) {
  std::string out;
  for (std::size_t v = 0; v <= top; v += step) {
    double y = kTop + kPlotH - static_cast<double>(v) / static_cast<double>(top) * kPlotH;
    out += fmt::format(
        "<line class=\"grid\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"/>"
        "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
        kLeft, y, kLeft + kPlotW, y, kLeft - 6, y + 4, v);
  }
  return out;
}

std::string bars(const IncidentReport& r, std::size_t top) {
  std::string out;
  double bw = kPlotW / static_cast<double>(r.buckets.size());
  double gap = std::max(1.0, bw * 0.15);
  std::size_t every = (r.buckets.size() + 11) / 12;
  for (std::size_t i = 0; i < r.buckets.size(); ++i) {
    const TimeBucket& b = r.buckets[i];
    double x = kLeft + static_cast<double>(i) * bw;
    double h = static_cast<double>(b.changes) / static_cast<double>(top) * kPlotH;
    out += fmt::format(
        "<rect class=\"bar\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\">"
        "<title>{} to {}: {} changes</title></rect>\n",
        x + gap / 2, kTop + kPlotH - h, bw - gap, h, human_time(b.start),
        human_time(Timestamp(b.start.ms() + r.bucket_ms)), b.changes);
    if (i % every == 0) {
      out += fmt::format(
          "<text class=\"tick\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{}</text>\n",
          x + bw / 2, kTop + kPlotH + 16, axis_label(b.start, r.bucket_ms));
    }
  }
  return out;
}

}  // namespace

std::string render_svg_chart(const IncidentReport& r) {
  std::size_t peak = 0;
  for (const TimeBucket& b : r.buckets) peak = std::max(peak, b.changes);
  std::size_t step = nice_step(std::max<std::size_t>(1, (peak + 3) / 4));
  std::size_t top = std::max<std::size_t>(step, (peak + step - 1) / step * step);
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {} {}\" "
      "width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"Changes per {} (UTC)\">\n"
      "<title>Changes per {} (UTC)</title>\n",
      kWidth, kHeight, kWidth, kHeight, bucket_label(r.bucket_ms), bucket_label(r.bucket_ms));
  out += y_axis(top, step);
  if (!r.buckets.empty()) out += bars(r, top);
  out += fmt::format(
      "<line class=\"axis\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"/>"
      "<line class=\"axis\" x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\"/>\n",
      kLeft, kTop, kLeft, kTop + kPlotH, kLeft, kTop + kPlotH, kLeft + kPlotW, kTop + kPlotH);
  out += fmt::format(
      "<text class=\"label\" x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">UTC time, {} from "
      "{} (per {})</text>\n",
      kLeft + kPlotW / 2, kHeight - 12, r.window_from.to_date(), axis_label(r.window_from, 0),
      bucket_label(r.bucket_ms));
  out += fmt::format(
      "<text class=\"label\" x=\"14\" y=\"{:.1f}\" text-anchor=\"middle\" "
      "transform=\"rotate(-90 14 {:.1f})\">changes</text>\n</svg>\n",
      kTop + kPlotH / 2, kTop + kPlotH / 2);
  return out;
}

}  // namespace sfrewind::report
