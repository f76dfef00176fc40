package io.qgate.bench.study.soak;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything a soak run found, for the report and for the CI test.
 *
 * @param maxRps          the measured maximum throughput, or {@code NaN} when the rate was given
 * @param offeredRps      the open-loop rate of the soak
 * @param samples         the time series, one row per sampling interval
 * @param heap            the gateway's heap after a full GC at each sample, then after the leak check
 * @param heapTrend       the slope over the samples after the warm-up
 * @param heapTrendAll    the slope over every sample during the load
 * @param leakReports     lines of the gateway's output reporting a leak
 * @param gatewayWarnings lines of the gateway's output at WARN or ERROR (ejections are expected)
 * @param heapUnavailable why the heap could not be read, or {@code null}
 */
record SoakResult(SoakOptions options, Instant startedAt, List<String> gatewayCommand, Probe probe, double maxRps,
                  double offeredRps, double loadSeconds, Map<String, Long> sentByKind, Accounting accounting,
                  Latency latency, List<Sample> samples, List<GatewayHeap.Sample> heap, HeapTrend heapTrend,
                  HeapTrend heapTrendAll, List<String> leakReports, List<String> gatewayWarnings,
                  String heapUnavailable, List<Long> answeredPerReplica, boolean gatewayAliveAtEnd) {

    /** The closed-loop run that measured the maximum. */
    record Probe(int users, double windowSeconds, long okInWindow, long failed, double maxRps) {}

    /** Percentiles of complete answers over the whole soak, milliseconds. */
    public record Latency(long count, double ttftP50, double ttftP99, double e2eP50, double e2eP90, double e2eP99,
                   double e2eMax) {}

    /**
     * One sampling interval.
     *
     * @param heapMb the gateway's heap after a full GC at the end of the interval ({@code NaN}: not read)
     */
    record Sample(double atSeconds, double sentPerSecond, double okPerSecond, long aborted, long failed,
                  long inFlight, double ttftP99Ms, double e2eP99Ms, double heapMb, double oldGenMb, int replicasUp) {}

    /** One pass/fail criterion; {@code passed} is {@code null} when it could not be judged. */
    record Check(String name, Boolean passed, String detail) {}

    /** The criteria, each with the numbers behind it. */
    List<Check> checks() {
        List<Check> checks = new ArrayList<>();
        Accounting a = accounting;
        checks.add(new Check("every request accounted for", a.everyRequestAccounted(),
                String.format(java.util.Locale.ROOT, "sent %d = answered %d + aborted %d + lost to kills %d"
                                + " + other failures %d (ended %d, ended twice %d)", a.sent(), a.ok(), a.aborted(),
                        a.lostToKillTotal(), a.unexplainedTotal(), a.ended(), a.doubleEndings())));
        checks.add(new Check("no request lost but those the kills cut mid-answer", a.unexplainedTotal() == 0,
                "failures not explained by a kill: " + a.unexplainedTotal()
                        + (a.unexplained().isEmpty() ? "" : " " + a.unexplained())));
        checks.add(new Check("the gateway's counters agree", a.gatewayAgrees(),
                "expected by status " + a.expectedAtGateway() + ", gateway " + a.gateway().answeredByCode()
                        + "; received expected " + a.expectedReceived() + ", gateway " + a.gateway().received()));
        checks.add(new Check("no leak reported", leakReports.isEmpty(),
                leakReports.size() + " LEAK report(s) in the gateway's output"));
        String heapDetail = heapUnavailable != null ? "heap not read: " + heapUnavailable
                : !heapTrend.judged() ? "too few samples after the warm-up (" + heapTrend.samples() + ")"
                : String.format(java.util.Locale.ROOT, "slope %.3f MB/min over %d samples after %s (limit %.2f)",
                        heapTrend.slopeMbPerMin(), heapTrend.samples(),
                        io.qgate.routing.config.Units.format(options.heapWarmup()), options.heapSlopeLimitMb());
        checks.add(new Check("heap flat", heapUnavailable != null || !heapTrend.judged() ? null
                : heapTrend.flat(options.heapSlopeLimitMb()), heapDetail));
        boolean restarted = a.kills().stream().allMatch(Accounting.KillOutcome::restarted);
        checks.add(new Check("every killed replica came back", restarted,
                a.kills().size() + " kill(s), " + a.kills().stream().filter(Accounting.KillOutcome::restarted).count()
                        + " restart(s)"));
        checks.add(new Check("the gateway kept running", gatewayAliveAtEnd, gatewayAliveAtEnd ? "alive at the end"
                : "the gateway process had exited"));
        return checks;
    }

    /** Whether every criterion that could be judged passed. */
    boolean passed() {
        return checks().stream().allMatch(check -> check.passed() == null || check.passed());
    }
}
