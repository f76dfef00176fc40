package io.qgate.bench.study.connections;

import java.util.List;
import java.util.Map;

/**
 * What the connections benchmark measured ({@code connections.json}). Sizes are bytes; a value
 * that could not be measured (no {@code jcmd}) is -1.
 *
 * @param peakInflight        the most requests the gateway had open at once ({@code qgate_inflight_requests})
 * @param openFilesAtPeak     the gateway's file descriptors when it had the most streams open
 * @param peakRssBytes        the gateway's largest resident set
 * @param heapUsedAtPeakBytes heap in use (live and garbage) with the most streams open
 * @param liveHeapAtPeakBytes heap in use right after a full GC with the most streams open
 * @param gcPeakHeapBytes     the largest heap use the GC log shows before a collection
 * @param errors              failed streams as the clients saw them
 * @param gatewayErrors       non-2xx answers the gateway counted
 * @param otherCpuPercent     CPU used over the run by processes this benchmark did not start, 100 = one core
 */
public record ConnectionsResult(String benchmark, String startedAt, double wallSeconds, boolean quick,
                                double loadAverageBefore, double loadAverageAfter, int streams, double rampRate,
                                int events, long eventIntervalMs, int replicas, String gatewayHeapLimit,
                                String processes, long peakInflight, long openFilesAtPeak, long peakRssBytes,
                                long heapUsedAtPeakBytes, long liveHeapAtPeakBytes, long gcPeakHeapBytes,
                                long requests, long ok, long errors, Map<String, Long> errorKinds,
                                long gatewayErrors, double ttftP50, double ttftP99, double e2eP50, double e2eP99,
                                double otherCpuPercent, List<Sample> timeline) {

    public static final String FILE = "connections.json";

    /** The gateway at one moment: seconds since the load started, open requests, resident memory. */
    public record Sample(double seconds, long inflight, long rssBytes) {}
}
