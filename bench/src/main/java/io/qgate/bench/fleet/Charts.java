package io.qgate.bench.fleet;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * PNG plots of the simulations, drawn with JFreeChart without a display ({@code java.awt.headless}).
 * Values that cannot be drawn on a log axis (an infinite p99 of a minute in which some requests got
 * nothing) are drawn at the top of the axis.
 */
final class Charts {

    /** How a line is drawn: solid with points, dashed (a level without points), or a grey reference. */
    enum Style { SOLID, DASHED, REFERENCE }

    /** One line: a name and its points. */
    record Line(String name, double[] x, double[] y, Style style) {
        Line(String name, double[] x, double[] y) {
            this(name, x, y, Style.SOLID);
        }
    }

    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};

    private Charts() {}

    /** Replicas over time above TTFT p99 per minute, one line per run, sharing the time axis. */
    static void autoscale(Path file, String title, List<Line> replicas, List<Line> p99, double sloMillis,
                          double p99Ceiling) {
        headless();
        NumberAxis time = new NumberAxis("minutes");
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(time);
        plot.setGap(12);
        XYPlot top = plot(replicas, new NumberAxis("ready replicas"), true);
        LogAxis latency = decades(new LogAxis("TTFT p99 per minute (ms)"));
        latency.setRange(10, p99Ceiling);
        XYPlot bottom = plot(capped(p99, p99Ceiling), latency, false);
        for (int i = 0; i < p99.size(); i++) {
            // The top plot's legend already names every run.
            bottom.getRenderer().setSeriesVisibleInLegend(i, false);
        }
        ValueMarker slo = new ValueMarker(sloMillis, Color.DARK_GRAY, new BasicStroke(1.2f, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 1, new float[] {6, 4}, 0));
        bottom.addRangeMarker(slo);
        plot.add(top, 3);
        plot.add(bottom, 2);
        save(file, new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true), 1100, 750);
    }

    /** Plain lines; {@code logX}/{@code logY} for log axes, {@code marker} a horizontal line (NaN: none). */
    static void lines(Path file, String title, String xLabel, String yLabel, List<Line> lines, boolean logX,
                      boolean logY, double marker) {
        headless();
        ValueAxis x = logX ? decades(new LogAxis(xLabel)) : new NumberAxis(xLabel);
        if (logX) {
            ((LogAxis) x).setBase(2);
        }
        XYPlot plot = plot(lines, logY ? decades(new LogAxis(yLabel)) : new NumberAxis(yLabel), false);
        plot.setDomainAxis(x);
        if (!Double.isNaN(marker)) {
            plot.addRangeMarker(new ValueMarker(marker, Color.DARK_GRAY, new BasicStroke(1.2f)));
        }
        save(file, new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true), 1000, 620);
    }

    /** Ticks at whole powers of the axis' base, written as plain numbers. */
    private static LogAxis decades(LogAxis axis) {
        axis.setTickUnit(new NumberTickUnit(1.0));
        axis.setNumberFormatOverride(new DecimalFormat("#,##0.##"));
        return axis;
    }

    private static XYPlot plot(List<Line> lines, ValueAxis range, boolean steps) {
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

    private static void save(Path file, JFreeChart chart, int width, int height) {
        chart.setBackgroundPaint(Color.WHITE);
        try {
            ChartUtils.saveChartAsPNG(file.toFile(), chart, width, height);
        } catch (IOException e) {
            throw new UncheckedIOException("chart " + file + ": " + e.getMessage(), e);
        }
    }

    private static void headless() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }
}
