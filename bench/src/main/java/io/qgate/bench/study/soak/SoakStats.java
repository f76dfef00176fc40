package io.qgate.bench.study.soak;

import io.qgate.bench.load.Outcome;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the generator saw, shared by its event loops (recording is lock-free) and read by the run's
 * sampler. Latency is of complete answers, from each request's intended start: time to the first
 * token of streams (the first event with text; a chat stream opens with an empty one), and end to
 * end of every answer.
 */
final class SoakStats {

    /**
     * A request that ended without an answer (failed or aborted by its client), kept so that it can
     * be matched against the connections a kill cut.
     */
    record Failure(String id, String kind, Ending ending, int status, String errorBody, long atNanos,
                   String retryAfter) {}

    /**
     * Counts at one moment.
     *
     * @param okByStatus complete answers by HTTP status (all 2xx)
     */
    record Counts(long sent, Map<Ending, Long> endings, Map<Integer, Long> okByStatus, long doubleEndings) {

        long ended() {
            return endings.values().stream().mapToLong(Long::longValue).sum();
        }

        long of(Ending ending) {
            return endings.getOrDefault(ending, 0L);
        }

        long inFlight() {
            return sent - ended();
        }
    }

    static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);

    private final LongAdder sent = new LongAdder();
    private final Map<String, LongAdder> sentByKind = new ConcurrentHashMap<>();
    private final EnumMap<Ending, LongAdder> endings = new EnumMap<>(Ending.class);
    private final Map<Integer, LongAdder> okByStatus = new ConcurrentHashMap<>();
    private final LongAdder doubleEndings = new LongAdder();
    private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final Recorder ttft = new Recorder(HIGHEST_MICROS, 3);
    private final Recorder e2e = new Recorder(HIGHEST_MICROS, 3);
    private final Histogram ttftTotal = new Histogram(HIGHEST_MICROS, 3);
    private final Histogram e2eTotal = new Histogram(HIGHEST_MICROS, 3);

    SoakStats() {
        for (Ending ending : Ending.values()) {
            endings.put(ending, new LongAdder());
        }
    }

    void sent(SoakTraffic.Request request) {
        sent.increment();
        sentByKind.computeIfAbsent(request.kind(), kind -> new LongAdder()).increment();
    }

    /** A request ended; {@code ttftNanos} is negative when there is none (not a stream, or no answer). */
    void ended(SoakTraffic.Request request, Ending ending, long ttftNanos, Outcome outcome) {
        int status = outcome.status();
        long e2eNanos = outcome.e2eNanos();
        endings.get(ending).increment();
        if (ending == Ending.OK) {
            okByStatus.computeIfAbsent(status, code -> new LongAdder()).increment();
            if (ttftNanos >= 0) {
                ttft.recordValue(micros(ttftNanos));
            }
            e2e.recordValue(micros(e2eNanos));
        } else {
            failures.add(new Failure(request.id(), request.kind(), ending, status, outcome.errorBody(),
                    System.nanoTime(), outcome.retryAfter()));
        }
    }

    /** A request was about to be ended a second time: a bug in the generator, reported rather than counted. */
    void endedTwice() {
        doubleEndings.increment();
    }

    Counts counts() {
        EnumMap<Ending, Long> now = new EnumMap<>(Ending.class);
        endings.forEach((ending, count) -> now.put(ending, count.sum()));
        Map<Integer, Long> statuses = new TreeMap<>();
        okByStatus.forEach((status, count) -> statuses.put(status, count.sum()));
        // Read after the endings: a request counted as ended is then always counted as sent.
        return new Counts(sent.sum(), now, Map.copyOf(statuses), doubleEndings.sum());
    }

    long ok() {
        return endings.get(Ending.OK).sum();
    }

    Map<String, Long> sentByKind() {
        Map<String, Long> copy = new TreeMap<>();
        sentByKind.forEach((kind, count) -> copy.put(kind, count.sum()));
        return copy;
    }

    List<Failure> failures() {
        return new ArrayList<>(failures);
    }

    /**
     * The latencies recorded since the previous call, which are also added to the run's totals.
     * Called by one thread (the sampler).
     */
    synchronized Latencies interval() {
        Histogram ttftInterval = ttft.getIntervalHistogram();
        Histogram e2eInterval = e2e.getIntervalHistogram();
        ttftTotal.add(ttftInterval);
        e2eTotal.add(e2eInterval);
        return new Latencies(ttftInterval, e2eInterval);
    }

    /** Every latency recorded so far (takes the last interval first). */
    synchronized Latencies total() {
        interval();
        return new Latencies(ttftTotal.copy(), e2eTotal.copy());
    }

    /** Time to first token (the first SSE event with text) of streams, and end to end of all answers, microseconds. */
    record Latencies(Histogram ttftMicros, Histogram e2eMicros) {

        static double ms(Histogram micros, double percentile) {
            return micros.getTotalCount() == 0 ? 0 : micros.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    private static long micros(long nanos) {
        return Math.max(0, Math.min(HIGHEST_MICROS, TimeUnit.NANOSECONDS.toMicros(nanos)));
    }
}
