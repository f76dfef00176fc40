package io.qgate.fleet;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Offered load over time: an arrival rate in requests per second, linear between points (two
 * points at one instant make a step). Arrivals are Poisson at the rate of the moment. A trace may
 * also scale the requests' output lengths over time (1 by default), which changes what a replica
 * can serve without changing the request rate.
 *
 * <p>A trace also names its disturbances, the instants its load jumps up, from which the time to
 * recover is measured.
 */
public final class Trace {

    private final String name;
    private final double[] times;
    private final double[] rates;
    private final double[] outputScales;
    private final List<Double> disturbances;

    private Trace(String name, double[] times, double[] rates, List<Double> disturbances) {
        this(name, times, rates, ones(times.length), disturbances);
    }

    private Trace(String name, double[] times, double[] rates, double[] outputScales, List<Double> disturbances) {
        this.name = name;
        this.times = times;
        this.rates = rates;
        this.outputScales = outputScales;
        this.disturbances = List.copyOf(disturbances);
        if (times.length < 2 || times[0] != 0) {
            throw new IllegalArgumentException(name + ": " + times.length
                    + " points (expected: at least two, the first at 0 s)");
        }
        for (int i = 0; i < times.length; i++) {
            if (!(rates[i] >= 0) || Double.isInfinite(rates[i])) {
                throw new IllegalArgumentException(name + ": rate " + rates[i] + " at " + times[i]
                        + " s (expected: >= 0)");
            }
            if (!(outputScales[i] > 0) || Double.isInfinite(outputScales[i])) {
                throw new IllegalArgumentException(name + ": output scale " + outputScales[i] + " at " + times[i]
                        + " s (expected: > 0)");
            }
            if (i > 0 && !(times[i] >= times[i - 1])) {
                throw new IllegalArgumentException(name + ": time " + times[i] + " s after " + times[i - 1]
                        + " s (expected: times in order)");
            }
        }
        if (!(durationSeconds() > 0)) {
            throw new IllegalArgumentException(name + ": no duration (expected: the last point after 0 s)");
        }
    }

    /** {@code rate} requests per second for {@code seconds}. */
    public static Trace constant(double rate, double seconds) {
        return new Trace("constant", new double[] {0, seconds}, new double[] {rate, rate}, List.of());
    }

    /** {@code base} for {@code before} seconds, then three times as much for {@code after} seconds. */
    public static Trace step(double base, double before, double after) {
        return new Trace("step", new double[] {0, before, before, before + after},
                new double[] {base, base, 3 * base, 3 * base}, List.of(before));
    }

    /** The step of the reports: 5 minutes at {@code base}, then 25 at three times {@code base}. */
    public static Trace step(double base) {
        return step(base, 300, 1500);
    }

    /** 5 minutes at {@code base}, a 30-minute climb to four times it, 10 minutes there. */
    public static Trace ramp(double base) {
        return new Trace("ramp", new double[] {0, 300, 2100, 2700}, new double[] {base, base, 4 * base, 4 * base},
                List.of());
    }

    /**
     * A day compressed into two hours (twelve times faster than a real one): from 0.3 × {@code base}
     * at night to 2 × at the afternoon peak, a cosine sampled every minute.
     */
    public static Trace diurnal(double base) {
        int minutes = 120;
        double[] times = new double[minutes + 1];
        double[] rates = new double[minutes + 1];
        for (int m = 0; m <= minutes; m++) {
            times[m] = 60.0 * m;
            rates[m] = base * (0.3 + 1.7 * (1 - Math.cos(2 * Math.PI * m / minutes)) / 2);
        }
        return new Trace("diurnal", times, rates, List.of());
    }

    /** {@code base} with two bursts of five times it, 2 minutes each, at minutes 10 and 35, for 50 minutes. */
    public static Trace bursty(double base) {
        return new Trace("bursty", new double[] {0, 600, 600, 720, 720, 2100, 2100, 2220, 2220, 3000},
                new double[] {base, base, 5 * base, 5 * base, base, base, 5 * base, 5 * base, base, base},
                List.of(600.0, 2100.0));
    }

    /**
     * A constant 1.5 × {@code base}, whose answers become twice as long after 5 minutes (say, a
     * model that starts reasoning aloud), for 30 minutes: the request rate stays put while what a
     * replica can serve halves.
     */
    public static Trace shift(double base) {
        return new Trace("shift", new double[] {0, 300, 300, 1800}, new double[] {1.5 * base, 1.5 * base,
                1.5 * base, 1.5 * base}, new double[] {1, 1, 2, 2}, List.of(300.0));
    }

    /**
     * Office hours, Monday to Sunday in {@code compression} times faster than real time: on
     * weekdays the load climbs from nothing at 8:30 to {@code base} at 9:30, dips to 0.6 ×
     * {@code base} over lunch (12:15–12:45), falls back to nothing from 17:30 to 18:30; nights and
     * the weekend bring no request at all. {@code days} of the week (from Monday) are offered.
     */
    public static Trace officeHours(double base, double compression, int days) {
        if (!(compression >= 1) || Double.isInfinite(compression)) {
            throw new IllegalArgumentException("compression: " + compression + " (expected: >= 1)");
        }
        if (days < 1 || days > 7) {
            throw new IllegalArgumentException("days: " + days + " (expected: 1-7)");
        }
        double[] hours = {8.5, 9.5, 12, 12.25, 12.75, 13, 17.5, 18.5};
        double[] shares = {0, 1, 1, 0.6, 0.6, 1, 1, 0};
        List<double[]> points = new ArrayList<>();
        points.add(new double[] {0, 0});
        for (int day = 0; day < Math.min(days, 5); day++) {
            for (int i = 0; i < hours.length; i++) {
                points.add(new double[] {(24 * day + hours[i]) * 3600 / compression, base * shares[i]});
            }
        }
        points.add(new double[] {24.0 * days * 3600 / compression, 0});
        double[] times = new double[points.size()];
        double[] rates = new double[points.size()];
        for (int i = 0; i < times.length; i++) {
            times[i] = points.get(i)[0];
            rates[i] = points.get(i)[1];
        }
        return new Trace("office-hours", times, rates, List.of());
    }

    /** A week of office hours, twelve times faster than real time: fourteen hours. */
    public static Trace officeHours(double base) {
        return officeHours(base, 12, 7);
    }

    /**
     * Rates from a CSV file of {@code time_s,rate} rows, optionally {@code time_s,rate,output_scale}
     * (an optional header, {@code #} comments), linear in between; a row repeating the previous
     * time makes a step. Before the first row the first row's values hold.
     */
    public static Trace csv(Path file) {
        requireNonNull(file, "file");
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("trace " + file + ": " + e.getMessage(), e);
        }
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] cells = line.split(",", -1);
            try {
                if (cells.length != 2 && cells.length != 3) {
                    throw new NumberFormatException();
                }
                points.add(new double[] {Double.parseDouble(cells[0].strip()), Double.parseDouble(cells[1].strip()),
                    cells.length == 3 ? Double.parseDouble(cells[2].strip()) : 1.0});
            } catch (NumberFormatException e) {
                if (points.isEmpty() && i == firstContentLine(lines)) {
                    continue; // the header
                }
                throw new IllegalArgumentException("trace " + file + " line " + (i + 1) + ": '" + line
                        + "' (expected: time_s,rate or time_s,rate,output_scale)");
            }
        }
        if (points.isEmpty()) {
            throw new IllegalArgumentException("trace " + file + ": no rows (expected: time_s,rate rows)");
        }
        if (points.get(0)[0] > 0) {
            points.add(0, new double[] {0, points.get(0)[1], points.get(0)[2]});
        }
        double[] times = new double[points.size()];
        double[] rates = new double[points.size()];
        double[] scales = new double[points.size()];
        for (int i = 0; i < times.length; i++) {
            times[i] = points.get(i)[0];
            rates[i] = points.get(i)[1];
            scales[i] = points.get(i)[2];
        }
        String fileName = file.getFileName().toString();
        return new Trace(fileName.endsWith(".csv") ? fileName.substring(0, fileName.length() - 4) : fileName, times,
                rates, scales, List.of());
    }

    /** {@code step}, {@code ramp}, {@code diurnal}, {@code bursty}, {@code shift}, {@code office-hours} around {@code base}, or a CSV file. */
    public static Trace named(String spec, double base) {
        return switch (spec.toLowerCase(Locale.ROOT)) {
            case "step" -> step(base);
            case "ramp" -> ramp(base);
            case "diurnal" -> diurnal(base);
            case "bursty" -> bursty(base);
            case "shift" -> shift(base);
            case "office-hours" -> officeHours(base);
            default -> {
                if (spec.endsWith(".csv")) {
                    yield csv(Path.of(spec));
                }
                throw new IllegalArgumentException("trace: " + spec + " (expected: step, ramp, diurnal, bursty, shift, "
                        + "office-hours or a .csv file of time_s,rate rows)");
            }
        };
    }

    private static int firstContentLine(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.isEmpty() && !line.startsWith("#")) {
                return i;
            }
        }
        return -1;
    }

    public String name() {
        return name;
    }

    public double durationSeconds() {
        return times[times.length - 1];
    }

    /** Instants (s) at which the load jumps up. */
    public List<Double> disturbances() {
        return disturbances;
    }

    /** The rate at {@code seconds}; after a step, the new rate. */
    public double rate(double seconds) {
        return interpolate(rates, seconds);
    }

    /** The factor on output lengths at {@code seconds}. */
    public double outputScale(double seconds) {
        return interpolate(outputScales, seconds);
    }

    private double interpolate(double[] values, double seconds) {
        if (seconds >= times[times.length - 1]) {
            return values[values.length - 1];
        }
        // The last point at or before t: at a step (equal times) this takes the value after it.
        int i = 0;
        int lo = 0;
        int hi = times.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (times[mid] <= seconds) {
                i = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        double span = times[i + 1] - times[i];
        return span <= 0 ? values[i + 1] : values[i] + (values[i + 1] - values[i]) * (seconds - times[i]) / span;
    }

    private static double[] ones(int length) {
        double[] ones = new double[length];
        Arrays.fill(ones, 1.0);
        return ones;
    }

    public double maxRate() {
        double max = 0;
        for (double rate : rates) {
            max = Math.max(max, rate);
        }
        return max;
    }

    /** Requests the trace offers in all, on average. */
    public double expectedRequests() {
        double sum = 0;
        for (int i = 1; i < times.length; i++) {
            sum += (times[i] - times[i - 1]) * (rates[i] + rates[i - 1]) / 2;
        }
        return sum;
    }
}
