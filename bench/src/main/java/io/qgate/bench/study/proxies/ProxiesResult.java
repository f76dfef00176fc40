package io.qgate.bench.study.proxies;

import java.util.List;
import java.util.Map;

/**
 * What the proxy-overhead benchmark measured ({@code proxies.json}).
 *
 * @param versions  the peers' version lines, by peer
 * @param maxTool   what drove the maximum-throughput runs
 * @param rateTool  what drove the fixed-rate runs
 */
public record ProxiesResult(String benchmark, String startedAt, double wallSeconds, boolean quick, int cores,
                            Map<String, String> versions, String maxTool, String rateTool, List<Mode> modes) {

    public static final String FILE = "proxies.json";

    /**
     * One way of sharing the cores.
     *
     * @param proxyWorkers nginx workers, HAProxy threads and qgate event loops alike
     */
    public record Mode(String name, String description, String proxyCpus, String otherCpus, int proxyWorkers,
                       double loadAverageBefore, double loadAverageAfter, List<Workload> workloads) {}

    /**
     * One kind of request in one mode.
     *
     * @param connections  closed-loop connections of the maximum-throughput runs
     * @param referenceRps the rate the fixed rates are fractions of: the lowest proxy maximum
     * @param max          one closed-loop run per target
     * @param rates        open-loop runs, per rate then per target
     */
    public record Workload(String name, boolean stream, int events, int connections, double referenceRps,
                           List<LoadRun> max, List<LoadRun> rates) {}
}
