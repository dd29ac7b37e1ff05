// Small inline SVG charts for reports: grouped bars and lines, drawn with
// nothing but SVG elements so that an HTML report stays one file that
// prints. Every bar and point carries data-series, data-label and
// data-value attributes (and a <title> tooltip), so that a reader or a test
// can take the numbers back out of the picture.
#pragma once

#include <string>
#include <vector>

namespace dpa {

struct ChartSeries {
  std::string name;
  std::vector<double> values;  // one per label
};

struct ChartData {
  std::string id;     // used for element ids; [a-z0-9_-]
  std::string title;  // the accessible name
  std::string unit;   // the y axis: "records"
  std::vector<std::string> labels;
  std::vector<ChartSeries> series;
};

std::string svg_bar_chart(const ChartData& chart);
std::string svg_line_chart(const ChartData& chart);

// The smallest of 1, 2, 5 times a power of ten that is >= `v` (1 for v <= 0):
// the top of a readable y axis.
double nice_ceiling(double v);

}  // namespace dpa
