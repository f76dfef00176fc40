package io.qgate.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.qgate.routing.ApiRoute;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What micro-batching does, per batchable route: how many client requests each upstream call
 * carried ({@code qgate_batch_size}, 1 for a request sent alone), how many requests shared a
 * call, how many upstream calls that saved, and how many batched calls failed and were retried
 * one request at a time. Thread-safe.
 */
public final class BatchMeters {

    private static final double[] SIZE_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128};

    private record RouteBatchMeters(DistributionSummary size, Counter batched, Counter saved, Counter fallbacks) {}

    /**
     * What one batchable route's upstream calls carried since the start: the status page turns
     * two readings into rates, so the gateway keeps no history for it.
     *
     * @param upstreamCalls   calls sent, batched or not
     * @param requests        client requests those calls carried
     * @param batchedRequests requests that shared a call with others
     */
    public record RouteTotals(ApiRoute route, long upstreamCalls, long requests, long batchedRequests,
                              long callsSaved, long fallbacks) {}

    private final Map<ApiRoute, RouteBatchMeters> byRoute = new EnumMap<>(ApiRoute.class);

    public BatchMeters(MeterRegistry registry) {
        for (ApiRoute route : new ApiRoute[] {ApiRoute.EMBEDDINGS, ApiRoute.COMPLETIONS}) {
            String label = route.label();
            byRoute.put(route, new RouteBatchMeters(
                    DistributionSummary.builder("qgate.batch.size")
                            .description("Client requests per upstream call of a batchable route (1: sent alone)")
                            .tag("route", label)
                            .serviceLevelObjectives(SIZE_BUCKETS)
                            .register(registry),
                    Counter.builder("qgate.batched.requests")
                            .description("Client requests that shared an upstream call with others")
                            .tag("route", label).register(registry),
                    Counter.builder("qgate.batch.upstream.calls.saved")
                            .description("Upstream calls not made because requests shared one")
                            .tag("route", label).register(registry),
                    Counter.builder("qgate.batch.fallbacks")
                            .description("Batched calls that failed and were retried one request at a time")
                            .tag("route", label).register(registry)));
        }
    }

    /** An upstream call of {@code route} carrying {@code requests} client requests left. */
    public void sent(ApiRoute route, int requests) {
        RouteBatchMeters meters = byRoute.get(route);
        meters.size().record(requests);
        if (requests > 1) {
            meters.batched().increment(requests);
            meters.saved().increment(requests - 1);
        }
    }

    /** The totals of every batchable route, in a fixed order. */
    public List<RouteTotals> totals() {
        List<RouteTotals> totals = new ArrayList<>(byRoute.size());
        byRoute.forEach((route, meters) -> totals.add(new RouteTotals(route, meters.size().count(),
                (long) meters.size().totalAmount(), (long) meters.batched().count(),
                (long) meters.saved().count(), (long) meters.fallbacks().count())));
        return totals;
    }

    /** A batched call of {@code route} failed; its requests go one by one. */
    public void fellBack(ApiRoute route) {
        byRoute.get(route).fallbacks().increment();
    }
}
