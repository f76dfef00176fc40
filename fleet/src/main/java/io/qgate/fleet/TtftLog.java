package io.qgate.fleet;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Time to first token, as clients see it, by the minute of arrival and over a measured interval.
 * A request that never gets a first token (no replica, or still waiting when the run ends)
 * counts as infinitely late, so a minute in which more than 1% of requests got nothing misses a
 * p99 target whatever the rest did.
 */
public final class TtftLog {

    static final long MINUTE_NANOS = 60_000_000_000L;

    /** Latency quantiles of some requests; infinite when too many got no first token. */
    public record Stats(long requests, long answered, double p50Ms, double p99Ms, double meanMs) {}

    private final long measureFromNanos;
    private final long measureUntilNanos;
    private final List<Histogram> minutes = new ArrayList<>();
    private final List<long[]> arrivalsPerMinute = new ArrayList<>();
    private final Histogram measured = histogram();
    private long measuredArrivals;
    private long measuredRefused;

    /** Requests arriving in [{@code measureFromNanos}, {@code measureUntilNanos}) make the overall figures. */
    TtftLog(long measureFromNanos, long measureUntilNanos) {
        this.measureFromNanos = measureFromNanos;
        this.measureUntilNanos = measureUntilNanos;
    }

    void arrived(Request request) {
        int minute = minute(request);
        arrivalsPerMinute.get(minute)[0]++;
        if (measured(request)) {
            measuredArrivals++;
        }
    }

    /** The first token of {@code request} has reached its client. */
    void firstToken(Request request) {
        long micros = Math.max(1, request.ttftNanos() / 1000);
        minutes.get(minute(request)).recordValue(micros);
        if (measured(request)) {
            measured.recordValue(micros);
        }
    }

    /** {@code request} got no replica: it will never have a first token. */
    void refused(Request request) {
        if (measured(request)) {
            measuredRefused++;
        }
    }

    /** Whether every request of the measured interval that arrived so far has its first token or was refused. */
    boolean settled() {
        return measuredArrivals == measured.getTotalCount() + measuredRefused;
    }

    /** Overall figures over the measured interval. */
    Stats measured() {
        return stats(measured, measuredArrivals);
    }

    /** Figures of each minute by arrival, from the first; minutes without arrivals have zero requests. */
    List<Stats> perMinute(int count) {
        List<Stats> result = new ArrayList<>(count);
        for (int m = 0; m < count; m++) {
            if (m < minutes.size()) {
                result.add(stats(minutes.get(m), arrivalsPerMinute.get(m)[0]));
            } else {
                result.add(new Stats(0, 0, 0, 0, 0));
            }
        }
        return result;
    }

    private boolean measured(Request request) {
        return request.arrivalNanos >= measureFromNanos && request.arrivalNanos < measureUntilNanos;
    }

    private int minute(Request request) {
        int minute = (int) (request.arrivalNanos / MINUTE_NANOS);
        while (minutes.size() <= minute) {
            minutes.add(histogram());
            arrivalsPerMinute.add(new long[1]);
        }
        return minute;
    }

    private static Histogram histogram() {
        // Microseconds, three significant digits, growing as needed.
        Histogram histogram = new Histogram(3);
        histogram.setAutoResize(true);
        return histogram;
    }

    private static Stats stats(Histogram histogram, long requests) {
        long answered = histogram.getTotalCount();
        if (requests == 0) {
            return new Stats(0, 0, 0, 0, 0);
        }
        return new Stats(requests, answered, quantileMs(histogram, requests, 0.50),
                quantileMs(histogram, requests, 0.99), answered == 0 ? Double.POSITIVE_INFINITY
                        : histogram.getMean() / 1000.0);
    }

    /** The value at {@code q} of all requests, the unanswered ones counted as the slowest. */
    private static double quantileMs(Histogram histogram, long requests, double q) {
        long answered = histogram.getTotalCount();
        long rank = (long) Math.ceil(q * requests);
        if (rank > answered || answered == 0) {
            return Double.POSITIVE_INFINITY;
        }
        return histogram.getValueAtPercentile(100.0 * rank / answered) / 1000.0;
    }
}
