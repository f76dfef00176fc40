package io.qgate.bench.harness;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * PNG charts, drawn with JFreeChart without a display ({@code java.awt.headless}, unless the user
 * chose otherwise): the report's bars and lines from the benchmarks' results, and the fleet
 * simulations' plots ({@link #autoscale}, and {@link #lines(Path, String, String, String, List,
 * boolean, boolean, double) lines} of {@link Line}s). The simulations' sizes, colours and dashes are
 * their own, so that their PNGs stay as they were.
 */
public final class Charts {

    /** How a simulation's line is drawn: solid with points, dashed (a level without points), or a grey reference. */
    public enum Style { SOLID, DASHED, REFERENCE }

    /** One line of a simulation's plot: a name and its points (a NaN y: no point there). */
    public record Line(String name, double[] x, double[] y, Style style) {
        public Line(String name, double[] x, double[] y) {
            this(name, x, y, Style.SOLID);
        }
    }

    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;

    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Charts() {}

    /**
     * Grouped bars.
     *
     * @param values series → (category → value), both in insertion order
     */
    public static void bars(Path file, String title, String categoryLabel, String valueLabel,
                     Map<String, Map<String, Double>> values) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        values.forEach((series, byCategory) -> byCategory.forEach((category, value) ->
                data.addValue(value, series, category)));
        JFreeChart chart = ChartFactory.createBarChart(title, categoryLabel, valueLabel, data);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        style(chart);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        save(chart, file, WIDTH, HEIGHT);
    }

    /**
     * Lines through points.
     *
     * @param series name → points (x, y), in insertion order
     * @param logX   a logarithmic x axis (for latency distributions)
     * @param logY   a logarithmic y axis (for latencies spanning decades)
     */
    public static void lines(Path file, String title, String xLabel, String yLabel, Map<String, List<double[]>> series,
                      boolean logX, boolean logY) {
        XYSeriesCollection data = new XYSeriesCollection();
        series.forEach((name, points) -> {
            XYSeries line = new XYSeries(name, false, true);
            for (double[] point : points) {
                if ((!logX || point[0] > 0) && (!logY || point[1] > 0)) {
                    line.add(point[0], point[1]);
                }
            }
            data.addSeries(line);
        });
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data);
        XYPlot plot = chart.getXYPlot();
        if (logX) {
            plot.setDomainAxis(reportLogAxis(xLabel));
        }
        if (logY) {
            plot.setRangeAxis(reportLogAxis(yLabel));
        }
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        style(chart);
        save(chart, file, WIDTH, HEIGHT);
    }

    /** Two lines over the same x, each with its own y axis (left and right). */
    public static void twoAxes(Path file, String title, String xLabel, String leftLabel, List<double[]> left,
                        String rightLabel, List<double[]> right) {
        XYSeriesCollection leftData = new XYSeriesCollection(toSeries(leftLabel, left));
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, leftLabel, leftData);
        XYPlot plot = chart.getXYPlot();
        plot.setDataset(1, new XYSeriesCollection(toSeries(rightLabel, right)));
        plot.setRangeAxis(1, new NumberAxis(rightLabel));
        plot.mapDatasetToRangeAxis(1, 1);
        XYLineAndShapeRenderer first = new XYLineAndShapeRenderer(true, false);
        first.setSeriesStroke(0, new BasicStroke(2f));
        first.setSeriesPaint(0, new Color(0x1f77b4));
        XYLineAndShapeRenderer second = new XYLineAndShapeRenderer(true, false);
        second.setSeriesStroke(0, new BasicStroke(2f));
        second.setSeriesPaint(0, new Color(0xd62728));
        plot.setRenderer(0, first);
        plot.setRenderer(1, second);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        style(chart);
        save(chart, file, WIDTH, HEIGHT);
    }

    /**
     * A simulation's replicas over time above its TTFT p99 per minute, one line per run, sharing
     * the time axis; p99s above {@code p99Ceiling} (an infinite one of a minute in which some
     * requests got nothing) are drawn at the top of the log axis.
     */
    public static void autoscale(Path file, String title, List<Line> replicas, List<Line> p99, double sloMillis,
                                 double p99Ceiling) {
        NumberAxis time = new NumberAxis("minutes");
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(time);
        plot.setGap(12);
        XYPlot top = simulationPlot(replicas, new NumberAxis("ready replicas"), true);
        LogAxis latency = decades(logAxis("TTFT p99 per minute (ms)"));
        latency.setRange(10, p99Ceiling);
        XYPlot bottom = simulationPlot(capped(p99, p99Ceiling), latency, false);
        for (int i = 0; i < p99.size(); i++) {
            // The top plot's legend already names every run.
            bottom.getRenderer().setSeriesVisibleInLegend(i, false);
        }
        ValueMarker slo = new ValueMarker(sloMillis, Color.DARK_GRAY, new BasicStroke(1.2f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 1, new float[] {6, 4}, 0));
        bottom.addRangeMarker(slo);
        plot.add(top, 3);
        plot.add(bottom, 2);
        save(new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true), file, 1100, 750);
    }

    /**
     * A simulation's lines; {@code logX} a base-2 log x axis (replicas, scrape intervals),
     * {@code logY} a log y axis, {@code marker} a horizontal line (NaN: none).
     */
    public static void lines(Path file, String title, String xLabel, String yLabel, List<Line> lines, boolean logX,
                             boolean logY, double marker) {
        ValueAxis x = logX ? decades(logAxis(xLabel)) : new NumberAxis(xLabel);
        if (logX) {
            ((LogAxis) x).setBase(2);
        }
        XYPlot plot = simulationPlot(lines, logY ? decades(logAxis(yLabel)) : new NumberAxis(yLabel), false);
        plot.setDomainAxis(x);
        if (!Double.isNaN(marker)) {
            plot.addRangeMarker(new ValueMarker(marker, Color.DARK_GRAY, new BasicStroke(1.2f)));
        }
        save(new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true), file, 1000, 620);
    }

    /** One panel of a {@link #timeline}: its y axis and its lines. */
    public record Panel(String yLabel, List<Line> lines) {}

    /** A moment marked across every panel of a {@link #timeline}, such as a fault. */
    public record Mark(double x, String label) {}

    /**
     * Panels stacked on one time axis, each moment of {@code marks} drawn as a labelled vertical
     * line through all of them: a soak's throughput, latency and errors beside its faults.
     */
    public static void timeline(Path file, String title, String xLabel, List<Panel> panels, List<Mark> marks) {
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis(xLabel));
        plot.setGap(10);
        boolean first = true;
        for (Panel panel : panels) {
            XYPlot part = simulationPlot(panel.lines(), new NumberAxis(panel.yLabel()), false);
            for (int i = 0; i < panel.lines().size(); i++) {
                ((XYLineAndShapeRenderer) part.getRenderer()).setSeriesShapesVisible(i, false);
            }
            for (Mark mark : marks) {
                ValueMarker line = new ValueMarker(mark.x(), Color.GRAY, new BasicStroke(1f, BasicStroke.CAP_BUTT,
                        BasicStroke.JOIN_MITER, 1, new float[] {3, 3}, 0));
                if (first && !mark.label().isEmpty()) {
                    line.setLabel(mark.label());
                    line.setLabelFont(line.getLabelFont().deriveFont(9f));
                    line.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_LEFT);
                    line.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.TOP_RIGHT);
                }
                part.addDomainMarker(line);
            }
            first = false;
            plot.add(part, 1);
        }
        save(new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true), file, 1200, 300 * panels.size() + 100);
    }

    /** Base 10 down to 0.01, ticks where JFreeChart puts them (the report's latencies). */
    private static LogAxis reportLogAxis(String label) {
        LogAxis axis = logAxis(label);
        axis.setBase(10);
        axis.setSmallestValue(0.01);
        return axis;
    }

    /** Ticks labelled with plain numbers (not powers of ten, which read badly over a narrow range). */
    private static LogAxis logAxis(String label) {
        LogAxis axis = new LogAxis(label);
        axis.setNumberFormatOverride(new DecimalFormat("#,##0.##", DecimalFormatSymbols.getInstance(Locale.ROOT)));
        return axis;
    }

    /** Ticks at whole powers of the axis' base only (the simulations' axes span several). */
    private static LogAxis decades(LogAxis axis) {
        axis.setTickUnit(new NumberTickUnit(1.0));
        return axis;
    }

    private static XYPlot simulationPlot(List<Line> lines, ValueAxis range, boolean steps) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Line line : lines) {
            XYSeries series = new XYSeries(line.name(), false, true);
            for (int i = 0; i < line.x().length; i++) {
                if (!Double.isNaN(line.y()[i])) {
                    series.add(line.x()[i], line.y()[i]);
                }
            }
            data.addSeries(series);
        }
        XYLineAndShapeRenderer renderer = steps ? new XYStepRenderer() : new XYLineAndShapeRenderer(true, !steps);
        for (int i = 0; i < lines.size(); i++) {
            Style style = lines.get(i).style();
            renderer.setSeriesPaint(i, style == Style.REFERENCE ? Color.GRAY : COLORS[i % COLORS.length]);
            renderer.setSeriesStroke(i, style == Style.SOLID ? new BasicStroke(1.8f)
                    : new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1, new float[] {5, 5}, 0));
            renderer.setSeriesShapesVisible(i, !steps && style == Style.SOLID);
        }
        XYPlot plot = new XYPlot(data, null, range, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return plot;
    }

    private static List<Line> capped(List<Line> lines, double ceiling) {
        return lines.stream().map(line -> {
            double[] y = line.y().clone();
            for (int i = 0; i < y.length; i++) {
                y[i] = Math.min(y[i], ceiling);
            }
            return new Line(line.name(), line.x(), y, line.style());
        }).toList();
    }

    private static XYSeries toSeries(String name, List<double[]> points) {
        XYSeries series = new XYSeries(name, false, true);
        points.forEach(point -> series.add(point[0], point[1]));
        return series;
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
    }

    private static void save(JFreeChart chart, Path file, int width, int height) {
        chart.setBackgroundPaint(Color.WHITE);
        try {
            ChartUtils.saveChartAsPNG(file.toFile(), chart, width, height);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
