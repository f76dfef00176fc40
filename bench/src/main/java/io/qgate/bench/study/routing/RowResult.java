package io.qgate.bench.study.routing;

import io.qgate.bench.harness.Latency;
import io.qgate.bench.load.LoadResult;
import java.util.List;

/**
 * What one configuration measured over all its gateways, in modelled units: latencies in
 * milliseconds, rates in requests per second.
 *
 * @param routedBy      the picker the gateways reported, which may differ from the configured strategy
 * @param offeredRps    the Poisson rate offered to the whole tier
 * @param throughputRps successful requests per second, summed over the generators
 * @param outputTokensPerSecond output tokens the answers carried per second, summed likewise
 */
record RowResult(Configuration configuration, String routedBy, long requests, long ok, long errors, double offeredRps,
                 double throughputRps, double outputTokensPerSecond, Latency ttft, Latency e2e) {

    static RowResult of(Configuration configuration, TierRun run, double offeredRps, double timeScale) {
        List<LoadResult> results = run.results();
        return new RowResult(configuration, run.picker(),
                results.stream().mapToLong(LoadResult::requests).sum(),
                results.stream().mapToLong(LoadResult::ok).sum(),
                results.stream().mapToLong(LoadResult::errorCount).sum(),
                offeredRps,
                results.stream().mapToDouble(LoadResult::throughputRps).sum() * timeScale,
                results.stream().mapToDouble(LoadResult::outputTokensPerSecond).sum() * timeScale,
                Latency.merge(results.stream().map(LoadResult::ttftMicros).toList(), timeScale),
                Latency.merge(results.stream().map(LoadResult::e2eMicros).toList(), timeScale));
    }

    String name() {
        return configuration.name();
    }
}
