// The report charts: readable axis tops, every value in a data attribute,
// every string escaped.
#include <catch2/catch.hpp>

#include "dpa/markup.h"
#include "dpa/svg_chart.h"

using namespace dpa;
using Catch::Contains;

TEST_CASE("markup escaping covers element content and both attribute quotes", "[report]") {
  CHECK(escape_markup("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&#39;");
  CHECK(escape_markup("Қазақстан") == "Қазақстан");
}

TEST_CASE("chart axis tops are 1, 2 or 5 times a power of ten", "[report]") {
  CHECK(nice_ceiling(0) == 1);
  CHECK(nice_ceiling(0.3) == Approx(0.5));
  CHECK(nice_ceiling(1) == 1);
  CHECK(nice_ceiling(3) == 5);
  CHECK(nice_ceiling(143) == 200);
  CHECK(nice_ceiling(500) == 500);
  CHECK(nice_ceiling(501) == 1000);
}

TEST_CASE("bar and line charts carry every value and escape labels", "[report]") {
  ChartData c{"t", "Transfers <by> country", "transfers", {"KZ", "US&EU"}, {{"made", {3, 12}}, {"refused", {0, 2}}}};
  std::string bars = svg_bar_chart(c);
  CHECK(bars.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
  CHECK_THAT(bars, Contains("data-series=\"made\" data-label=\"KZ\" data-value=\"3\""));
  CHECK_THAT(bars, Contains("data-series=\"made\" data-label=\"US&amp;EU\" data-value=\"12\""));
  CHECK_THAT(bars, Contains("data-series=\"refused\" data-label=\"US&amp;EU\" data-value=\"2\""));
  CHECK_THAT(bars, Contains("<title id=\"t-title\">Transfers &lt;by&gt; country</title>"));
  CHECK(bars.find("US&EU") == std::string::npos);
  // The top of the axis is 20 for a maximum of 12.
  CHECK_THAT(bars, Contains(">20</text>"));

  std::string lines = svg_line_chart(c);
  CHECK_THAT(lines, Contains("<polyline"));
  CHECK_THAT(lines, Contains("data-series=\"refused\" data-label=\"KZ\" data-value=\"0\""));

  ChartData empty{"e", "Nothing", "records", {}, {{"deleted", {}}}};
  CHECK_THAT(svg_line_chart(empty), Contains("no data"));
  CHECK_THAT(svg_bar_chart(empty), Contains("no data"));
}
