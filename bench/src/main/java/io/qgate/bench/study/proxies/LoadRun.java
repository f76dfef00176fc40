package io.qgate.bench.study.proxies;

/**
 * One measured load run against one target, as the proxy benchmark records it. Latencies are
 * milliseconds; for a closed-loop (maximum throughput) run they are what each connection waited,
 * for an open-loop run they count from each request's intended start.
 *
 * @param tool            {@code wrk} or {@code qgate-bench load}
 * @param loop            {@code closed} (connections) or {@code open} (Poisson rate)
 * @param offered         connections (closed) or requests per second (open)
 * @param proxyCpuPercent CPU used by the proxy (all its processes and threads) over the run, 100 = one core; 0 for direct
 * @param stubCpuPercent  CPU used by the replica stub over the run, 100 = one core
 * @param otherCpuPercent CPU used over the run by processes this benchmark did not start (other work on
 *                        the machine, which competes with the measured processes), 100 = one core
 */
public record LoadRun(String target, String tool, String loop, double offered, double durationSeconds,
                      long requests, long ok, long errors, double throughputRps, double ttftP50, double ttftP99,
                      double e2eP50, double e2eP99, double proxyCpuPercent, double stubCpuPercent,
                      double otherCpuPercent) {

    LoadRun withCpu(double proxyCpuPercent, double stubCpuPercent, double otherCpuPercent) {
        return new LoadRun(target, tool, loop, offered, durationSeconds, requests, ok, errors, throughputRps, ttftP50,
                ttftP99, e2eP50, e2eP99, round(proxyCpuPercent), round(stubCpuPercent),
                round(Math.max(0, otherCpuPercent)));
    }

    static double round(double value) {
        return Math.round(value * 1000.0) / 1000.0;
    }
}
