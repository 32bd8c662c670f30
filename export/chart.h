// A self-contained SVG line chart (no external dependencies), for the growth
// of the graph across articles: axes with "nice" ticks, axis labels, a title
// and a legend. Deterministic output.
#pragma once

#include <string>
#include <vector>

namespace kg::exports {

struct ChartSeries {
  std::string name;             // legend text
  std::vector<double> values;   // one per x value (missing tail values are not drawn)
  std::string color;            // "" picks from a colour-blind-safe palette
  bool dashed = false;
};

struct LineChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<double> x;        // increasing
  std::vector<ChartSeries> series;
  int width = 800;              // pixels
  int height = 450;
};

std::string WriteSvgLineChart(const LineChart& chart);

// Tick positions covering [lo, hi] with 1-2-5 steps, about `target` of them.
std::vector<double> NiceTicks(double lo, double hi, int target = 6);

}  // namespace kg::exports
