package io.qgate.deploy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.qgate.gateway.metrics.BatchMeters;
import io.qgate.gateway.metrics.EndpointGauges;
import io.qgate.gateway.metrics.GatewayMetrics;
import io.qgate.routing.ApiRoute;
import io.qgate.routing.Endpoint;
import io.qgate.routing.Strategies;
import io.qgate.routing.Router;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The PromQL in deploy/ against the series the gateway really exports. */
final class Promql {

    /**
     * Registered by the gateway's own wiring (Gateway.java: discovery and admission), which needs
     * a running gateway; every other name is taken from the gateway's own meter classes below.
     */
    static final Set<String> WIRING_SERIES = Set.of("qgate_discovery_synced", "qgate_discovery_last_event_age_seconds",
            "qgate_queue_length");

    /** The end of the text before a rate(): "sum(" or "sum by (labels) (". */
    private static final Pattern SUMMED = Pattern.compile("sum( by \\([^)]*\\))? ?\\( ?$");
    private static final Pattern QGATE_NAME = Pattern.compile("\\bqgate_[a-z0-9_]+");
    private static Set<String> exported;

    private Promql() {}

    /**
     * The series names of a gateway that has served one request and knows one replica, as its
     * /metrics shows them: the meter classes the gateway registers, in a Prometheus registry.
     */
    static synchronized Set<String> exportedSeries() {
        if (exported == null) {
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            GatewayMetrics metrics = new GatewayMetrics(registry, 10, () -> 1);
            GatewayMetrics.RouteMeters meters = metrics.meters("m", ApiRoute.CHAT);
            meters.received();
            meters.answered(200, 1_000_000, 500_000);
            Router router = new Router(Strategies.roundRobin());
            new EndpointGauges(registry, router).update(List.of(Endpoint.of("10.0.0.1", 4000)));
            new BatchMeters(registry);
            Set<String> names = new TreeSet<>(WIRING_SERIES);
            for (String line : registry.scrape().split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    names.add(line.split("[{ ]", 2)[0]);
                }
            }
            exported = names;
        }
        return exported;
    }

    /** The qgate_ series an expression reads. */
    static Set<String> qgateNames(String expr) {
        Set<String> names = new LinkedHashSet<>();
        Matcher matcher = QGATE_NAME.matcher(expr);
        while (matcher.find()) {
            names.add(matcher.group());
        }
        return names;
    }

    /**
     * A prometheus-adapter query with its template filled in as the adapter would for an HPA in
     * namespace {@code qgate} and the Service {@code qgate}.
     */
    static String adapterQuery(String seriesQuery, String metricsQuery) {
        String series = seriesQuery.substring(0, seriesQuery.indexOf('{'));
        return metricsQuery.replace("<<.Series>>", series)
                .replace("<<.LabelMatchers>>", "namespace=\"qgate\",service=\"qgate\"")
                .replace("<<.GroupBy>>", "service");
    }

    /**
     * The aggregation rules of the metrics contract (docs/design.md): counters and histograms of the gateway
     * pods are read as rates and summed, pool gauges are combined with max. Returns what breaks them.
     */
    static List<String> aggregationViolations(String expr) {
        List<String> violations = new java.util.ArrayList<>();
        String flat = expr.replaceAll("\\s+", " ");
        for (String name : qgateNames(flat)) {
            boolean cumulative = name.endsWith("_total") || name.endsWith("_bucket") || name.endsWith("_sum")
                    || name.endsWith("_count");
            if (cumulative) {
                if (!Pattern.compile("rate\\( ?" + name + "\\b").matcher(flat).find()) {
                    violations.add(name + " is read without rate()");
                }
                Matcher rate = Pattern.compile("rate\\( ?" + name + "\\b").matcher(flat);
                while (rate.find()) {
                    String before = flat.substring(0, rate.start());
                    if (!SUMMED.matcher(before).find()) {
                        violations.add("rate(" + name + ") is not directly summed");
                    }
                }
            }
            if (name.startsWith("qgate_pool_")
                    && !Pattern.compile("max( by \\([^)]*\\))? ?\\( ?" + name + "\\b").matcher(flat).find()) {
                violations.add(name + " (a pool gauge, the same on every gateway pod) is not combined with max");
            }
        }
        return violations;
    }
}
