package io.qgate.bench.study.routing;

import io.qgate.bench.harness.JsonFiles;
import io.qgate.bench.harness.Latency;
import java.time.Duration;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code results.json}: the setup, the capacity, one object per row and the ratios with their targets. */
final class ReportJson {

    private ReportJson() {}

    static String render(ScenarioReport report) {
        JsonMapper json = JsonMapper.shared();
        ScenarioOptions options = report.options();
        ObjectNode root = json.createObjectNode();
        root.put("scenario", "routing");
        root.put("startedAt", report.startedAt().toString());
        root.put("wallSeconds", round(report.wallSeconds()));
        root.put("units", ReportMarkdown.unitsNote(options));

        ObjectNode setup = root.putObject("setup");
        setup.put("quick", options.quick());
        setup.put("replicas", options.replicas());
        setup.put("gateways", options.gateways());
        setup.put("maxNumSeqs", options.maxNumSeqs());
        setup.put("prefixCacheBlocks", options.prefixCacheBlocks());
        setup.put("timeScale", options.timeScale());
        setup.put("workload", options.workload().name());
        setup.put("stream", true);
        setup.put("load", options.load());
        setup.put("durationSeconds", seconds(options.duration()));
        setup.put("durationWallSeconds", seconds(options.wall(options.duration())));
        setup.put("warmupSeconds", seconds(options.warmup()));
        setup.put("tenants", options.tenantsPerGateway() * options.gateways());
        setup.put("tenantsPerGateway", options.tenantsPerGateway());
        setup.put("systemPromptTokens", options.systemPromptTokens());
        setup.put("seed", options.seed());

        ObjectNode capacity = root.putObject("capacity");
        capacity.put("rps", round(report.capacity().modelledRps()));
        capacity.put("finishedInWindow", report.capacity().finished());
        capacity.put("windowSeconds", round(report.capacity().windowSeconds()));
        capacity.put("durationSeconds", seconds(options.capacityDuration()));
        capacity.put("method", report.capacity().method());
        root.put("offeredRps", round(report.offeredRps()));

        ArrayNode rows = root.putArray("rows");
        for (RowResult row : report.rows()) {
            ObjectNode node = rows.addObject();
            Configuration configuration = row.configuration();
            node.put("name", row.name());
            node.put("strategy", configuration.strategy());
            node.put("routedBy", row.routedBy());
            node.put("queueCorrection", configuration.correction());
            node.put("prefixAffinity", configuration.affinity());
            node.put("sharedPrefixes", configuration.sharedPrefixes());
            if (configuration.scrapes()) {
                node.put("scrapeIntervalMs", configuration.scrapeInterval().toMillis());
                node.put("scrapeIntervalWallMs", round(configuration.scrapeInterval().toNanos()
                        * options.timeScale() / 1e6));
            } else {
                node.putNull("scrapeIntervalMs");
                node.putNull("scrapeIntervalWallMs");
            }
            node.put("requests", row.requests());
            node.put("ok", row.ok());
            node.put("errors", row.errors());
            node.put("offeredRps", round(row.offeredRps()));
            node.put("throughputRps", round(row.throughputRps()));
            node.put("outputTokensPerSecond", round(row.outputTokensPerSecond()));
            putLatency(node.putObject("ttftMs"), row.ttft());
            putLatency(node.putObject("e2eMs"), row.e2e());
        }

        ArrayNode ratios = root.putArray("ratios");
        for (Ratio ratio : report.ratios()) {
            ObjectNode node = ratios.addObject();
            node.put("name", ratio.name());
            node.put("metric", ratio.metric());
            node.put("numerator", ratio.numerator());
            node.put("denominator", ratio.denominator());
            if (Double.isNaN(ratio.value())) {
                node.putNull("value");
            } else {
                node.put("value", round(ratio.value()));
            }
            JsonFiles.putTarget(node, ratio.targetText(), ratio.met());
        }
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    private static void putLatency(ObjectNode node, Latency latency) {
        node.put("p50", round(latency.p50()));
        node.put("p99", round(latency.p99()));
        node.put("mean", round(latency.mean()));
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    /** The histograms resolve to a microsecond of wall clock; more digits would be noise. */
    private static double round(double value) {
        return Math.round(value * 1000.0) / 1000.0;
    }
}
