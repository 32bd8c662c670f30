#include "export/chart.h"

#include <algorithm>
#include <cmath>

#include "export/text_util.h"
#include "export/writers.h"

namespace kg::exports {

std::vector<double> NiceTicks(double lo, double hi, int target) {
  if (!(hi > lo)) hi = lo + 1;
  const double raw = (hi - lo) / std::max(target, 1);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  std::vector<double> ticks;
  for (double t = std::floor(lo / step) * step; t <= hi + step * 1e-9; t += step) {
    ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
    if (ticks.size() > 100) break;
  }
  if (ticks.empty() || ticks.back() < hi) ticks.push_back(ticks.empty() ? hi : ticks.back() + step);
  return ticks;
}

std::string WriteSvgLineChart(const LineChart& c) {
  static const char* kPalette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"};
  using internal::FormatNumber;
  const double w = c.width, h = c.height;
  const double left = 70, right = 20, top = 40, bottom = 55;
  const double pw = w - left - right, ph = h - top - bottom;

  double xmin = c.x.empty() ? 0 : c.x.front(), xmax = c.x.empty() ? 1 : c.x.back();
  double ymax = 0;
  for (const ChartSeries& s : c.series) {
    for (double v : s.values) ymax = std::max(ymax, v);
  }
  const std::vector<double> xt = NiceTicks(xmin, xmax);
  const std::vector<double> yt = NiceTicks(0, ymax > 0 ? ymax : 1);
  xmin = std::min(xmin, xt.front());
  xmax = std::max(xmax, xt.back());
  const double ytop = yt.back();
  auto X = [&](double v) { return left + (xmax > xmin ? (v - xmin) / (xmax - xmin) : 0.5) * pw; };
  auto Y = [&](double v) { return top + ph - (ytop > 0 ? v / ytop : 0) * ph; };
  auto N = [](double v) { return FormatNumber(v, 1); };

  std::string o;
  o += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  o += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + N(w) + "\" height=\"" + N(h) +
       "\" viewBox=\"0 0 " + N(w) + " " + N(h) + "\" font-family=\"Helvetica, Arial, sans-serif\">\n";
  o += "  <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  o += "  <text x=\"" + N(w / 2) + "\" y=\"24\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">" +
       XmlEscape(c.title) + "</text>\n";
  // Grid and ticks.
  o += "  <g stroke=\"#e0e0e0\" stroke-width=\"1\">\n";
  for (double t : yt) o += "    <line x1=\"" + N(left) + "\" y1=\"" + N(Y(t)) + "\" x2=\"" + N(left + pw) + "\" y2=\"" + N(Y(t)) + "\"/>\n";
  o += "  </g>\n";
  o += "  <g font-size=\"11\" fill=\"#333\">\n";
  for (double t : yt) {
    o += "    <text x=\"" + N(left - 6) + "\" y=\"" + N(Y(t) + 4) + "\" text-anchor=\"end\">" +
         FormatNumber(t, 2) + "</text>\n";
  }
  for (double t : xt) {
    o += "    <line x1=\"" + N(X(t)) + "\" y1=\"" + N(top + ph) + "\" x2=\"" + N(X(t)) + "\" y2=\"" +
         N(top + ph + 5) + "\" stroke=\"#333\"/>\n";
    o += "    <text x=\"" + N(X(t)) + "\" y=\"" + N(top + ph + 18) + "\" text-anchor=\"middle\">" +
         FormatNumber(t, 2) + "</text>\n";
  }
  o += "  </g>\n";
  // Axes.
  o += "  <g stroke=\"#333\" stroke-width=\"1.2\">\n";
  o += "    <line x1=\"" + N(left) + "\" y1=\"" + N(top) + "\" x2=\"" + N(left) + "\" y2=\"" + N(top + ph) + "\"/>\n";
  o += "    <line x1=\"" + N(left) + "\" y1=\"" + N(top + ph) + "\" x2=\"" + N(left + pw) + "\" y2=\"" + N(top + ph) + "\"/>\n";
  o += "  </g>\n";
  o += "  <text x=\"" + N(left + pw / 2) + "\" y=\"" + N(h - 12) +
       "\" text-anchor=\"middle\" font-size=\"13\">" + XmlEscape(c.x_label) + "</text>\n";
  o += "  <text transform=\"translate(16," + N(top + ph / 2) +
       ") rotate(-90)\" text-anchor=\"middle\" font-size=\"13\">" + XmlEscape(c.y_label) + "</text>\n";
  // Series.
  for (size_t i = 0; i < c.series.size(); ++i) {
    const ChartSeries& s = c.series[i];
    const std::string color = s.color.empty() ? kPalette[i % 6] : s.color;
    std::string points;
    const size_t n = std::min(s.values.size(), c.x.size());
    for (size_t k = 0; k < n; ++k) {
      points += (k ? " " : "") + N(X(c.x[k])) + "," + N(Y(s.values[k]));
    }
    o += "  <polyline fill=\"none\" stroke=\"" + color + "\" stroke-width=\"2\"" +
         (s.dashed ? " stroke-dasharray=\"6,4\"" : "") + " points=\"" + points + "\">\n";
    o += "    <title>" + XmlEscape(s.name) + "</title>\n  </polyline>\n";
    if (n == 1) {
      o += "  <circle cx=\"" + N(X(c.x[0])) + "\" cy=\"" + N(Y(s.values[0])) + "\" r=\"3\" fill=\"" + color + "\"/>\n";
    }
  }
  // Legend, top left inside the plot area (growth curves rise to the right).
  const double lx = left + 12, ly = top + 10, lh = 18;
  double lw = 0;
  for (const ChartSeries& s : c.series) lw = std::max(lw, 7.0 * static_cast<double>(s.name.size()));
  o += "  <g font-size=\"12\">\n";
  o += "    <rect x=\"" + N(lx - 6) + "\" y=\"" + N(ly - 4) + "\" width=\"" + N(lw + 46) + "\" height=\"" +
       N(lh * static_cast<double>(c.series.size()) + 8) +
       "\" fill=\"white\" fill-opacity=\"0.9\" stroke=\"#bbb\"/>\n";
  for (size_t i = 0; i < c.series.size(); ++i) {
    const ChartSeries& s = c.series[i];
    const std::string color = s.color.empty() ? kPalette[i % 6] : s.color;
    const double y = ly + lh * static_cast<double>(i) + 9;
    o += "    <line x1=\"" + N(lx) + "\" y1=\"" + N(y) + "\" x2=\"" + N(lx + 26) + "\" y2=\"" + N(y) +
         "\" stroke=\"" + color + "\" stroke-width=\"2\"" + (s.dashed ? " stroke-dasharray=\"6,4\"" : "") + "/>\n";
    o += "    <text x=\"" + N(lx + 32) + "\" y=\"" + N(y + 4) + "\">" + XmlEscape(s.name) + "</text>\n";
  }
  o += "  </g>\n</svg>\n";
  return o;
}

}  // namespace kg::exports
