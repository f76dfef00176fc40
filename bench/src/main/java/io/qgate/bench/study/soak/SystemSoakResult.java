package io.qgate.bench.study.soak;

import java.util.List;
import java.util.Map;

/**
 * What one system soak found; {@link SystemSoakReport} writes it as JSON and markdown.
 *
 * @param loadAverage     the machine's 1-minute load average at the start and at the end
 * @param events          every fault and change the run made, at seconds since the load started
 * @param samples         one row per sampling interval
 * @param fates           per sampling interval, the failures by fate (answers left out)
 * @param lives           each gateway process and whether its counters agree with its clients'
 * @param steadyGateway   heap, open files and threads of the gateway no fault touches
 * @param leakReports     lines with Netty's leak mark in any gateway's log
 * @param heapHistogram   gateway 0's largest classes of live objects at the end (jcmd), where the heap went
 */
record SystemSoakResult(String startedAt, List<String> gatewayCommand, String configuration,
                        double[] loadAverage, SoakResult.Probe probe, double rate, double loadSeconds,
                        Map<String, Long> sentByKind, SystemAccounting accounting, SoakResult.Latency latency,
                        List<Event> events, List<Sample> samples, List<FateSample> fates, List<LifeCheck> lives,
                        Steady steadyGateway, List<String> leakReports, List<String> warnings,
                        List<String> heapHistogram, int wakeUps,
                        int removals, List<String> autoscalerEvents, double durationSeconds) {

    /** Something the run did, at seconds since the load started. */
    record Event(double atSeconds, String kind, String what) {}

    record Sample(double atSeconds, double sentPerSecond, double okPerSecond, long inFlight, double ttftP99Ms,
                  double e2eP99Ms, double heapAfterGcMb, int openFiles, int threads, int gatewaysUp) {}

    record FateSample(double atSeconds, Map<Fate, Long> failures) {}

    /**
     * One gateway process. Its counters are read at its end (a clean stop, or just before a drain)
     * or, for a SIGKILL, at the last reading before it: that one is held only as a bound.
     *
     * @param exact    whether the counters were read after its last request ended (so must agree exactly)
     * @param expected the answers by status its clients' endings imply
     */
    record LifeCheck(String name, int port, String end, long sent, long ended, Map<Integer, Long> expected,
                     Map<Integer, Long> counted, long countedReceived, boolean exact, boolean agrees) {}

    /**
     * The gateway of slot 0, which no fault touches, over the load.
     *
     * @param heapTrend     heap after a full GC, fitted after the warm-up
     */
    record Steady(HeapTrend heapTrend, double heapSlopeLimitMb, int openFilesBefore, int openFilesAfter,
                  int threadsBefore, int threadsAfter, String unavailable) {

        static final int OPEN_FILES_MARGIN = 32;
        static final int THREADS_MARGIN = 4;

        /** Nothing piles up: after the load (idle again) no more files or threads than before it, within a margin. */
        boolean flat() {
            boolean heap = heapTrend.samples() < HeapTrend.MIN_SAMPLES || heapTrend.slopeMbPerMin() <= heapSlopeLimitMb;
            return heap && openFilesAfter <= openFilesBefore + OPEN_FILES_MARGIN
                    && threadsAfter <= threadsBefore + THREADS_MARGIN;
        }
    }

    /** One criterion and whether it held. */
    record Check(String name, boolean passed, String detail) {}

    List<Check> checks() {
        SystemAccounting a = accounting;
        long unexplained = a.of(Fate.UNEXPLAINED);
        List<String> kinds = events.stream().map(Event::kind).distinct().toList();
        List<String> missing = java.util.Arrays.stream(FaultPlan.Kind.values()).map(Enum::name)
                .filter(kind -> !kinds.contains(kind)).toList();
        return List.of(
                new Check("every request ended exactly once", a.everyRequestAccounted(),
                        a.sent() + " sent, " + a.ended() + " ended, " + a.doubleEndings() + " ended twice"),
                new Check("no unexplained failure", unexplained == 0, unexplained + " unexplained"),
                new Check("cuts bounded: a gateway fault cuts no more than was open on it or written to it after",
                        a.gatewayCuts().stream().allMatch(SystemAccounting.FaultCut::bounded),
                        a.cut() + " cut by faults in all (" + String.format(java.util.Locale.ROOT, "%.2f%%",
                                100.0 * a.cut() / Math.max(1, a.sent())) + " of sent); per gateway fault, cut/open+written after: "
                                + a.gatewayCuts().stream().map(c -> c.cut() + "/" + c.openAtFault() + "+" + c.sentAfterFault()).toList()),
                new Check("each gateway's counters agree with its clients'", lives.stream().allMatch(LifeCheck::agrees),
                        lives.stream().filter(l -> !l.agrees()).map(LifeCheck::name).toList().toString()),
                new Check("no leak report", leakReports.isEmpty(), leakReports.size() + " lines"),
                new Check("heap after GC, open files and threads flat", steadyGateway.flat(),
                        String.format(java.util.Locale.ROOT, "heap %.2f MB/min over %d samples; files %d -> %d; "
                                        + "threads %d -> %d", steadyGateway.heapTrend().slopeMbPerMin(),
                                steadyGateway.heapTrend().samples(), steadyGateway.openFilesBefore(),
                                steadyGateway.openFilesAfter(), steadyGateway.threadsBefore(),
                                steadyGateway.threadsAfter())),
                new Check("every fault happened", missing.isEmpty(), missing.isEmpty() ? "all" : "missing " + missing),
                new Check("the pool scaled from zero and back", wakeUps >= 1 && removals >= 1,
                        wakeUps + " wake-ups, " + removals + " removals"));
    }

    boolean passed() {
        return checks().stream().allMatch(Check::passed);
    }
}
