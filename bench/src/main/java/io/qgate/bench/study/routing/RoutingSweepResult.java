package io.qgate.bench.study.routing;

import java.util.List;

/**
 * What the routing sweep measured ({@code routing.json}), in modelled units: latencies in
 * milliseconds, rates in requests per second.
 *
 * @param capacityRps the fleet's measured capacity; each row's load is a fraction of it
 * @param units       how modelled and wall-clock time relate
 * @param tenants     tenants of the shared-prefix rows, over all instances (rounded up to an equal number each)
 */
public record RoutingSweepResult(String benchmark, String startedAt, double wallSeconds, boolean quick,
                                 double loadAverageBefore, double loadAverageAfter, int replicas, int maxNumSeqs,
                                 double timeScale, String workload, int tenants, int systemPromptTokens,
                                 double durationSeconds, double capacityRps, String units, List<Row> rows) {

    public static final String FILE = "routing.json";

    /**
     * One configuration at one load with one tier size.
     *
     * @param gateways       proxy instances sharing the fleet
     * @param load           offered load as a fraction of capacity
     * @param name           the row's label, such as {@code queue} or {@code nginx least_conn}
     * @param proxy          {@code qgate} or the peer's name
     * @param sharedPrefixes whether the requests carried tenants' system prompts
     * @param ttftCdf        pairs of (percentile, TTFT ms), for CDF plots
     */
    public record Row(int gateways, double load, String name, String proxy, String routedBy, boolean sharedPrefixes,
                      long requests, long ok, long errors, double offeredRps, double throughputRps, double ttftP50,
                      double ttftP99, double ttftMean, double e2eP50, double e2eP99, double e2eMean,
                      List<double[]> ttftCdf) {}
}
