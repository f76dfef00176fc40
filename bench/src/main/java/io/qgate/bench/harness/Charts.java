package io.qgate.bench.harness;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** PNG charts for the report, drawn headless with JFreeChart. */
public final class Charts {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;

    static {
        System.setProperty("java.awt.headless", "true");
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
        save(chart, file);
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
            plot.setDomainAxis(logAxis(xLabel));
        }
        if (logY) {
            plot.setRangeAxis(logAxis(yLabel));
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
        save(chart, file);
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
        save(chart, file);
    }

    /** Base 10, ticks labelled with plain numbers (not powers of ten, which read badly over a narrow range). */
    private static LogAxis logAxis(String label) {
        LogAxis axis = new LogAxis(label);
        axis.setBase(10);
        axis.setSmallestValue(0.01);
        axis.setNumberFormatOverride(new DecimalFormat("#,##0.##", DecimalFormatSymbols.getInstance(Locale.ROOT)));
        return axis;
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

    private static void save(JFreeChart chart, Path file) {
        try {
            ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
