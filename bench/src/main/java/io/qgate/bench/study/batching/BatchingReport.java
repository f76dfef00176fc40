package io.qgate.bench.study.batching;

import io.qgate.bench.harness.JsonFiles;
import io.qgate.bench.harness.StudyCli;
import static java.util.Objects.requireNonNull;

import io.qgate.routing.config.Units;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What one run of the batching scenario found: {@code results.json} for machines and
 * {@code report.md} for the issue.
 *
 * @param batchingAvailable whether the gateway had the {@code batching.*} settings; without them
 *                          both configurations ran unbatched
 */
public record BatchingReport(BatchingOptions options, Instant startedAt, double wallSeconds, boolean batchingAvailable,
                             List<BatchingRow> rows, List<BatchingRatio> ratios) implements StudyCli.Report {

    public BatchingReport {
        requireNonNull(options, "options");
        requireNonNull(startedAt, "startedAt");
        rows = List.copyOf(rows);
        ratios = List.copyOf(ratios);
    }

    /** Failed requests over every run. */
    public long errors() {
        return rows.stream().mapToLong(BatchingRow::errorCount).sum();
    }

    @Override
    public String toJson() {
        JsonMapper json = JsonMapper.shared();
        ObjectNode root = json.createObjectNode();
        root.put("scenario", "batching");
        root.put("startedAt", startedAt.toString());
        root.put("wallSeconds", round(wallSeconds));
        root.put("batchingAvailable", batchingAvailable);

        ObjectNode setup = root.putObject("setup");
        setup.put("quick", options.quick());
        setup.put("replicas", options.replicas());
        setup.put("proxyCpuMs", options.proxyCpuMs());
        setup.put("proxyWorkers", options.proxyWorkers());
        setup.put("proxyHopMs", options.replica(0).proxyOverheadMs());
        setup.put("embeddingMsPerItem", options.replica(0).embeddingMsPerItem());
        setup.put("unbatchedCapacityRps", round(options.unbatchedCapacity()));
        setup.put("model", BatchingOptions.MODEL);
        setup.put("inputTokens", options.inputTokens());
        setup.put("embeddingDim", options.embeddingDim());
        setup.put("concurrency", options.concurrency());
        setup.put("rate", options.rate());
        setup.put("closedSeconds", seconds(options.closedDuration()));
        setup.put("openSeconds", seconds(options.openDuration()));
        setup.put("warmupSeconds", seconds(options.warmup()));
        setup.put("maxRequests", options.maxRequests());
        setup.put("gatewayThreads", options.gatewayThreads());
        setup.put("seed", options.seed());

        ArrayNode rowsNode = root.putArray("rows");
        for (BatchingRow row : rows) {
            ObjectNode node = rowsNode.addObject();
            node.put("name", row.name());
            node.put("phase", row.phase());
            node.put("load", row.load());
            node.put("batching", row.mode().label());
            ObjectNode settings = node.putObject("settings");
            new TreeMap<>(row.settings()).forEach(settings::put);
            node.put("requests", row.requests());
            node.put("ok", row.ok());
            node.put("errors", row.errorCount());
            ObjectNode kinds = node.putObject("errorKinds");
            new TreeMap<>(row.errors()).forEach(kinds::put);
            node.put("throughputRps", round(row.throughputRps()));
            row.e2eMs().putInto(node.putObject("e2eMs"));
            node.put("upstreamCalls", row.upstreamCalls());
            putNumber(node, "requestsPerUpstreamCall", row.requestsPerUpstreamCall());
            BatchMetrics gateway = row.gateway();
            ObjectNode metrics = node.putObject("gatewayBatchMetrics");
            metrics.put("exported", gateway.exported());
            if (gateway.exported()) {
                metrics.put("upstreamCalls", Math.round(gateway.upstreamCalls()));
                metrics.put("clientRequests", Math.round(gateway.clientRequests()));
                putNumber(metrics, "meanBatchSize", gateway.meanBatchSize());
                metrics.put("largestBatch", Math.round(gateway.largest()));
                metrics.put("batchedRequests", Math.round(gateway.batched()));
                metrics.put("upstreamCallsSaved", Math.round(gateway.saved()));
                metrics.put("fallbacks", Math.round(gateway.fallbacks()));
            }
        }

        ArrayNode ratiosNode = root.putArray("ratios");
        for (BatchingRatio ratio : ratios) {
            ObjectNode node = ratiosNode.addObject();
            node.put("phase", ratio.phase());
            node.put("metric", ratio.metric());
            node.put("on", round(ratio.on()));
            node.put("off", round(ratio.off()));
            putNumber(node, "value", ratio.value());
            JsonFiles.putTarget(node, ratio.targetText(), ratio.met());
        }
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    @Override
    public String toMarkdown() {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "# Batching: single-input embeddings through a gateway in front of %d "
                + "single-threaded LiteLLM replicas%s%n%n", options.replicas(), options.quick() ? " (quick)" : ""));
        if (!batchingAvailable) {
            md.append("**This gateway build has no `batching.*` settings: both configurations ran unbatched, so the "
                    + "comparison below compares two equal setups.**\n\n");
        }
        md.append(String.format(Locale.ROOT, "- Replicas: %d simulated LiteLLM + vLLM replicas in real time. Each "
                        + "LiteLLM does %s ms of work per request, whatever its number of inputs, on %d worker(s) "
                        + "for which requests queue in arrival order: %.0f req/s between them unbatched. Besides, a "
                        + "%s ms hop each way (a delay that does not queue) and the encoder (%s ms per request, "
                        + "%s ms per token and %s ms per input in the request; requests in parallel).%n",
                options.replicas(), BatchingScenario.number(options.proxyCpuMs()), options.proxyWorkers(),
                options.unbatchedCapacity(), BatchingScenario.number(options.replica(0).proxyOverheadMs()),
                BatchingScenario.number(options.replica(0).prefillOverheadMs() / 10),
                BatchingScenario.number(options.replica(0).prefillMsPerToken()),
                BatchingScenario.number(options.replica(0).embeddingMsPerItem())));
        md.append(String.format(Locale.ROOT, "- Gateway: one in-process instance with %d event-loop thread(s), "
                        + "started fresh with fresh replicas for every run. Batching off: %s; on: %s; every other "
                        + "setting at its default.%n", options.gatewayThreads(),
                settingsText(BatchingMode.OFF), settingsText(BatchingMode.ON)));
        md.append(String.format(Locale.ROOT, "- Load: `POST /v1/embeddings`, one input of %d tokens of distinct "
                        + "text per request, model `%s`, %d-dimensional vectors. Closed loop: %d connections for "
                        + "%s.%s Each run after a %s unmeasured warm-up, at most %d requests; seed %d, the same "
                        + "inputs (and arrivals) with batching off and on.%n", options.inputTokens(),
                BatchingOptions.MODEL, options.embeddingDim(), options.concurrency(),
                Units.format(options.closedDuration()),
                options.openLoop() ? String.format(Locale.ROOT, " Open loop: Poisson arrivals at %s req/s (%.2fx the "
                                + "unbatched capacity) for %s.", BatchingScenario.number(options.rate()),
                        options.rate() / options.unbatchedCapacity(), Units.format(options.openDuration())) : "",
                Units.format(options.warmup()), options.maxRequests(), options.seed()));
        md.append("- Latency is end to end as the client sees it, from each request's intended start. Upstream "
                + "calls are counted by the replicas; batch sizes come from the gateway's `qgate_batch_*` metrics, "
                + "as differences over the measured run (the largest batch is the gateway's recent maximum).\n");
        md.append(String.format(Locale.ROOT, "- Whole run: %.0f s wall.%n%n", wallSeconds));

        md.append("| run | req/s | p50 ms | p90 ms | p99 ms | max ms | requests | errors | upstream calls "
                + "| requests per call | mean batch | largest batch | batched requests | calls saved | fallbacks |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (BatchingRow row : rows) {
            BatchMetrics gateway = row.gateway();
            boolean m = gateway.exported();
            md.append(String.format(Locale.ROOT, "| %s (%s) | %.1f | %.1f | %.1f | %.1f | %.1f | %d | %s | %d | %s "
                            + "| %s | %s | %s | %s | %s |%n", row.name(), row.load(), row.throughputRps(),
                    row.e2eMs().p50(), row.e2eMs().p90(), row.e2eMs().p99(), row.e2eMs().max(), row.requests(),
                    errorsText(row), row.upstreamCalls(), fixed(row.requestsPerUpstreamCall()),
                    m ? fixed(gateway.meanBatchSize()) : "-", m ? whole(gateway.largest()) : "-",
                    m ? whole(gateway.batched()) : "-", m ? whole(gateway.saved()) : "-",
                    m ? whole(gateway.fallbacks()) : "-"));
        }
        if (!ratios.isEmpty()) {
            md.append("\n| phase | metric | on | off | on / off | target | met |\n");
            md.append("|---|---|---:|---:|---:|---|---|\n");
            for (BatchingRatio ratio : ratios) {
                md.append(String.format(Locale.ROOT, "| %s loop | %s | %.1f | %.1f | %s | %s | %s |%n",
                        ratio.phase(), ratio.metric(), ratio.on(), ratio.off(),
                        Double.isNaN(ratio.value()) ? "n/a" : String.format(Locale.ROOT, "%.3f", ratio.value()),
                        ratio.targetText(), ratio.met() == null ? "" : ratio.met() ? "yes" : "no"));
            }
        }
        return md.toString();
    }

    private String settingsText(BatchingMode mode) {
        Map<String, String> settings = mode.settings(options);
        if (settings.isEmpty()) {
            return "(none available)";
        }
        StringBuilder text = new StringBuilder();
        settings.forEach((key, value) -> text.append(text.length() == 0 ? "" : " ")
                .append('`').append(key).append('=').append(value).append('`'));
        return text.toString();
    }

    private static String errorsText(BatchingRow row) {
        if (row.errorCount() == 0) {
            return "0";
        }
        StringBuilder text = new StringBuilder(Long.toString(row.errorCount())).append(" (");
        new TreeMap<>(row.errors()).forEach((kind, count) ->
                text.append(text.charAt(text.length() - 1) == '(' ? "" : ", ").append(kind).append(' ').append(count));
        return text.append(')').toString();
    }

    private static String fixed(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String whole(double value) {
        return Long.toString(Math.round(value));
    }

    private static void putNumber(ObjectNode node, String name, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            node.putNull(name);
        } else {
            node.put(name, round(value));
        }
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    private static double round(double value) {
        return Math.round(value * 1000.0) / 1000.0;
    }
}
