package dev.recsys.training.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.DoubleStream;

/** Draws line charts as standalone inline SVG (no scripts, no external resources). */
final class SvgChart {

  /**
   * One point; {@code low} and {@code high} bound an error bar, both NaN for none.
   */
  record Point(double x, double y, double low, double high) {

    static Point of(double x, double y) {
      return new Point(x, y, Double.NaN, Double.NaN);
    }

    boolean hasErrorBar() {
      return !Double.isNaN(low);
    }
  }

  /** A named line drawn in {@code color} (a CSS colour). */
  record Series(String name, String color, List<Point> points) {}

  /**
   * Axis settings.
   *
   * @param label axis title
   * @param log logarithmic scale (x only); every value must then be positive
   * @param ticks where to put tick labels; empty to choose evenly spaced round values
   * @param includeZero whether the range must reach down to 0
   */
  record Axis(String label, boolean log, List<Double> ticks, boolean includeZero) {}

  private static final int WIDTH = 560;
  private static final int PLOT_HEIGHT = 300;
  private static final int LEFT = 64;
  private static final int RIGHT = 24;
  private static final int TOP = 16;
  private static final int AXIS_SPACE = 48;
  private static final int X_INSET = 14;
  private static final int LEGEND_ROW = 22;
  private static final double CHAR_WIDTH = 7.2;

  private SvgChart() {}

  /** Returns an {@code <svg>} element plotting {@code series} with an accessible {@code title}. */
  static String lineChart(String title, Axis x, Axis y, List<Series> series) {
    List<Point> all = series.stream().flatMap(s -> s.points().stream()).toList();
    if (all.isEmpty()) {
      throw new IllegalArgumentException("chart '" + title + "' has no points");
    }
    double[] xRange = range(all.stream().mapToDouble(Point::x).toArray(), x.includeZero());
    double[] yRange = range(all.stream()
        .flatMapToDouble(p -> p.hasErrorBar() ? DoubleStream.of(p.y(), p.low(), p.high()) : DoubleStream.of(p.y()))
        .toArray(), y.includeZero());
    List<Double> yTicks = y.ticks().isEmpty() ? niceTicks(yRange) : y.ticks();
    List<Double> xTicks = x.ticks().isEmpty() ? niceTicks(xRange) : x.ticks();
    // Linear axes end at the outer ticks; a log axis spans the data, its ticks being the data's own x values.
    double yMin = Math.min(yTicks.get(0), yRange[0]);
    double yMax = Math.max(yTicks.get(yTicks.size() - 1), yRange[1]);
    double xMin = x.log() ? xRange[0] : Math.min(xTicks.get(0), xRange[0]);
    double xMax = x.log() ? xRange[1] : Math.max(xTicks.get(xTicks.size() - 1), xRange[1]);

    int plotWidth = WIDTH - LEFT - RIGHT;
    // Inset so that markers at the ends of the x range are not cut by the frame.
    Scale sx = new Scale(xMin, xMax, LEFT + X_INSET, LEFT + plotWidth - X_INSET, x.log());
    Scale sy = new Scale(yMin, yMax, TOP + PLOT_HEIGHT, TOP, false);
    List<List<Series>> legendRows = legendRows(series, WIDTH - LEFT - RIGHT);
    int height = TOP + PLOT_HEIGHT + AXIS_SPACE + legendRows.size() * LEGEND_ROW + 8;

    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
            + " role=\"img\" font-family=\"system-ui, -apple-system, 'Segoe UI', sans-serif\" font-size=\"12\">",
        WIDTH, height, WIDTH, height));
    svg.append("<title>").append(Html.escape(title)).append("</title>");
    svg.append(String.format(Locale.ROOT,
        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fbfbfd\" stroke=\"#d0d4dc\"/>",
        LEFT, TOP, plotWidth, PLOT_HEIGHT));

    int yDecimals = decimals(yTicks);
    for (double t : yTicks) {
      double py = sy.at(t);
      svg.append(String.format(Locale.ROOT,
          "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e3e6ec\"/>", LEFT, py, LEFT + plotWidth, py));
      svg.append(String.format(Locale.ROOT,
          "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#555\">%s</text>",
          LEFT - 6, py + 4, format(t, yDecimals)));
    }
    int xDecimals = decimals(xTicks);
    for (double t : xTicks) {
      double px = sx.at(t);
      svg.append(String.format(Locale.ROOT,
          "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e3e6ec\"/>", px, TOP, px, TOP + PLOT_HEIGHT));
      svg.append(String.format(Locale.ROOT,
          "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s</text>",
          px, TOP + PLOT_HEIGHT + 16, format(t, xDecimals)));
    }
    svg.append(String.format(Locale.ROOT,
        "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#333\">%s</text>",
        LEFT + plotWidth / 2.0, TOP + PLOT_HEIGHT + 36, Html.escape(x.label())));
    svg.append(String.format(Locale.ROOT,
        "<text transform=\"translate(16 %.1f) rotate(-90)\" text-anchor=\"middle\" fill=\"#333\">%s</text>",
        TOP + PLOT_HEIGHT / 2.0, Html.escape(y.label())));

    for (Series s : series) {
      if (s.points().isEmpty()) {
        continue;
      }
      String color = Html.escape(s.color());
      StringBuilder path = new StringBuilder();
      for (Point p : s.points()) {
        path.append(path.length() == 0 ? "" : " ")
            .append(String.format(Locale.ROOT, "%.1f,%.1f", sx.at(p.x()), sy.at(p.y())));
      }
      svg.append("<g class=\"series\"><title>").append(Html.escape(s.name())).append("</title>");
      svg.append("<polyline fill=\"none\" stroke=\"").append(color)
          .append("\" stroke-width=\"2\" stroke-linejoin=\"round\" points=\"").append(path).append("\"/>");
      for (Point p : s.points()) {
        double px = sx.at(p.x());
        if (p.hasErrorBar()) {
          svg.append(String.format(Locale.ROOT,
              "<path d=\"M%.1f,%.1fV%.1fM%.1f,%.1fH%.1fM%.1f,%.1fH%.1f\" stroke=\"%s\" stroke-opacity=\"0.7\"/>",
              px, sy.at(p.low()), sy.at(p.high()),
              px - 4, sy.at(p.low()), px + 4,
              px - 4, sy.at(p.high()), px + 4, color));
        }
        svg.append(String.format(Locale.ROOT,
            "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\" stroke=\"#fff\" stroke-width=\"1\"/>",
            px, sy.at(p.y()), color));
      }
      svg.append("</g>");
    }

    int legendTop = TOP + PLOT_HEIGHT + AXIS_SPACE + 4;
    for (int row = 0; row < legendRows.size(); row++) {
      double lx = LEFT;
      double ly = legendTop + row * LEGEND_ROW;
      for (Series s : legendRows.get(row)) {
        svg.append(String.format(Locale.ROOT,
            "<g class=\"legend\"><rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"4\" rx=\"1\" fill=\"%s\"/>"
                + "<text x=\"%.1f\" y=\"%.1f\" fill=\"#333\">%s</text></g>",
            lx, ly - 2, Html.escape(s.color()), lx + 20, ly + 4, Html.escape(s.name())));
        lx += legendWidth(s);
      }
    }
    return svg.append("</svg>").toString();
  }

  /** Maps data values to pixels, linearly or on a log scale. */
  private record Scale(double min, double max, double from, double to, boolean log) {

    double at(double v) {
      double lo = log ? Math.log(min) : min;
      double hi = log ? Math.log(max) : max;
      double t = log ? Math.log(v) : v;
      if (hi == lo) {
        return (from + to) / 2;
      }
      return from + (t - lo) / (hi - lo) * (to - from);
    }
  }

  private static double[] range(double[] values, boolean includeZero) {
    double min = includeZero ? 0 : Double.POSITIVE_INFINITY;
    double max = includeZero ? 0 : Double.NEGATIVE_INFINITY;
    for (double v : values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return new double[] {min, max};
  }

  /** Returns about five round tick values (steps of 1, 2 or 5 times a power of ten) covering {@code range}. */
  static List<Double> niceTicks(double[] range) {
    double min = range[0];
    double max = range[1];
    if (max == min) {
      double pad = min == 0 ? 1 : Math.abs(min) * 0.1;
      min -= pad;
      max += pad;
    }
    double rough = (max - min) / 5;
    double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
    double step = magnitude;
    for (double m : new double[] {1, 2, 5, 10}) {
      step = m * magnitude;
      if (step >= rough) {
        break;
      }
    }
    List<Double> ticks = new ArrayList<>();
    long first = (long) Math.floor(min / step);
    long last = (long) Math.ceil(max / step);
    for (long i = first; i <= last; i++) {
      ticks.add(i * step);
    }
    return ticks;
  }

  /** Returns the decimals needed to tell the ticks apart. */
  private static int decimals(List<Double> ticks) {
    double step = ticks.size() > 1 ? Math.abs(ticks.get(1) - ticks.get(0)) : Math.abs(ticks.get(0));
    if (step == 0 || step >= 1) {
      return 0;
    }
    return (int) Math.min(6, Math.ceil(-Math.log10(step) - 1e-9));
  }

  private static String format(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v == 0 ? 0.0 : v);
  }

  private static double legendWidth(Series s) {
    return 20 + s.name().length() * CHAR_WIDTH + 18;
  }

  private static List<List<Series>> legendRows(List<Series> series, double width) {
    List<List<Series>> rows = new ArrayList<>();
    List<Series> row = new ArrayList<>();
    double used = 0;
    for (Series s : series) {
      double w = legendWidth(s);
      if (!row.isEmpty() && used + w > width) {
        rows.add(row);
        row = new ArrayList<>();
        used = 0;
      }
      row.add(s);
      used += w;
    }
    if (!row.isEmpty()) {
      rows.add(row);
    }
    return rows;
  }
}
