#include "dpa/svg_chart.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "dpa/markup.h"

namespace dpa {
namespace {

constexpr double kWidth = 640, kHeight = 260;
constexpr double kLeft = 56, kRight = 16, kTop = 28, kBottom = 48;

// Dark enough to print in grey scale, distinct on screen.
const char* const kColors[] = {"#1f5f8b", "#c0392b", "#2e7d32", "#7b1fa2", "#ef6c00"};

const char* color(std::size_t i) { return kColors[i % std::size(kColors)]; }

std::string number(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<long long>(v));
  return fmt::format("{:.1f}", v);
}

struct Frame {
  double top_value = 1;
  int ticks = 5;  // 1 and 5 tops: fifths; 2 tops: quarters, so tick values stay round
  double plot_w = kWidth - kLeft - kRight;
  double plot_h = kHeight - kTop - kBottom;
  double y(double v) const { return kTop + plot_h - plot_h * v / top_value; }
};

Frame frame_for(const ChartData& c) {
  double max = 0;
  for (const auto& s : c.series) {
    for (double v : s.values) max = std::max(max, v);
  }
  Frame f;
  f.top_value = nice_ceiling(max);
  double mantissa = f.top_value / std::pow(10.0, std::floor(std::log10(f.top_value)));
  f.ticks = std::lround(mantissa) == 2 ? 4 : 5;
  return f;
}

std::string open_svg(const ChartData& c) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"100%\" role=\"img\" "
      "aria-labelledby=\"{}-title\" class=\"chart\" data-chart=\"{}\">\n<title id=\"{}-title\">{}</title>\n",
      kWidth, kHeight, escape_markup(c.id), escape_markup(c.id), escape_markup(c.id), escape_markup(c.title));
}

// Grid lines with their values, the axis, the unit and the legend.
std::string axes(const ChartData& c, const Frame& f) {
  std::string out;
  for (int i = 0; i <= f.ticks; ++i) {
    double v = f.top_value * i / f.ticks;
    double y = f.y(v);
    out += fmt::format(
        "<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#bbb\" stroke-width=\"{}\"/>\n"
        "<text x=\"{}\" y=\"{:.1f}\" font-size=\"11\" text-anchor=\"end\" fill=\"#333\">{}</text>\n",
        kLeft, y, kWidth - kRight, y, i == 0 ? 1.2 : 0.5, kLeft - 6, y + 4, number(v));
  }
  out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#333\">{}</text>\n", 4, kTop - 12,
                     escape_markup(c.unit));
  double x = kLeft + 120;
  for (std::size_t s = 0; s < c.series.size(); ++s) {
    out += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/>"
        "<text x=\"{:.1f}\" y=\"{}\" font-size=\"11\" fill=\"#333\">{}</text>\n",
        x, kTop - 22, color(s), x + 14, kTop - 13, escape_markup(c.series[s].name));
    x += 24 + 7.0 * static_cast<double>(c.series[s].name.size());
  }
  return out;
}

// Every n-th label, so that they do not overlap (about 7 px a character).
std::size_t label_step(const ChartData& c, double slot) {
  std::size_t longest = 1;
  for (const auto& l : c.labels) longest = std::max(longest, l.size());
  double need = 7.0 * static_cast<double>(longest) + 8;
  return std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(need / std::max(slot, 1.0))));
}

std::string x_label(const std::string& text, double x, bool shown) {
  if (!shown) return "";
  return fmt::format("<text x=\"{:.1f}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#333\">{}</text>\n",
                     x, kHeight - kBottom + 16, escape_markup(text));
}

std::string empty_note(const ChartData& c) {
  if (!c.labels.empty()) return "";
  return fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"13\" text-anchor=\"middle\" fill=\"#555\">no data</text>\n",
                     kWidth / 2, kHeight / 2);
}

double value_at(const ChartSeries& s, std::size_t i) { return i < s.values.size() ? s.values[i] : 0.0; }

}  // namespace

double nice_ceiling(double v) {
  if (v <= 0) return 1;
  double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * p >= v) return m * p;
  }
  return 10 * p;
}

std::string svg_bar_chart(const ChartData& c) {
  Frame f = frame_for(c);
  std::string out = open_svg(c) + axes(c, f) + empty_note(c);
  std::size_t n = c.labels.size(), k = std::max<std::size_t>(1, c.series.size());
  double slot = n ? f.plot_w / static_cast<double>(n) : f.plot_w;
  double bar = std::min(48.0, slot * 0.8 / static_cast<double>(k));
  std::size_t step = label_step(c, slot);
  for (std::size_t i = 0; i < n; ++i) {
    double group_x = kLeft + slot * static_cast<double>(i) + (slot - bar * static_cast<double>(k)) / 2;
    for (std::size_t s = 0; s < c.series.size(); ++s) {
      double v = value_at(c.series[s], i);
      double y = f.y(v);
      out += fmt::format(
          "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\" data-series=\"{}\" "
          "data-label=\"{}\" data-value=\"{}\"><title>{} {}: {}</title></rect>\n",
          group_x + bar * static_cast<double>(s), y, bar, kTop + f.plot_h - y, color(s),
          escape_markup(c.series[s].name), escape_markup(c.labels[i]), number(v), escape_markup(c.labels[i]),
          escape_markup(c.series[s].name), number(v));
    }
    out += x_label(c.labels[i], kLeft + slot * (static_cast<double>(i) + 0.5), i % step == 0);
  }
  return out + "</svg>\n";
}

std::string svg_line_chart(const ChartData& c) {
  Frame f = frame_for(c);
  std::string out = open_svg(c) + axes(c, f) + empty_note(c);
  std::size_t n = c.labels.size();
  double slot = n > 1 ? f.plot_w / static_cast<double>(n - 1) : f.plot_w;
  auto x_of = [&](std::size_t i) { return n > 1 ? kLeft + slot * static_cast<double>(i) : kLeft + f.plot_w / 2; };
  std::size_t step = label_step(c, slot);
  for (std::size_t i = 0; i < n; ++i) out += x_label(c.labels[i], x_of(i), i % step == 0);
  for (std::size_t s = 0; s < c.series.size(); ++s) {
    std::string points;
    for (std::size_t i = 0; i < n; ++i) points += fmt::format("{:.1f},{:.1f} ", x_of(i), f.y(value_at(c.series[s], i)));
    if (n > 1) {
      out += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>\n", points,
                         color(s));
    }
    for (std::size_t i = 0; i < n; ++i) {
      double v = value_at(c.series[s], i);
      out += fmt::format(
          "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\" data-series=\"{}\" data-label=\"{}\" "
          "data-value=\"{}\"><title>{} {}: {}</title></circle>\n",
          x_of(i), f.y(v), color(s), escape_markup(c.series[s].name), escape_markup(c.labels[i]), number(v),
          escape_markup(c.labels[i]), escape_markup(c.series[s].name), number(v));
    }
  }
  return out + "</svg>\n";
}

}  // namespace dpa
