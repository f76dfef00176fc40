package io.qgate.bench.load;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a load run measured.
 *
 * <p>Latency is of successful requests only, from each request's intended start. Throughput is
 * successful requests (and their output tokens) per second of the run, from its start until the
 * last answer (or the end of the drain). The sent rate is requests per second of the part of the
 * run that issued them: with long answers the drain stretches the run, and throughput falls below
 * the offered rate although every request was answered.
 *
 * @param requests     requests issued; every one ended as {@code ok} or as one error kind
 * @param errors       failed requests by kind (see {@link ErrorKinds}), sorted by kind
 * @param ttftMicros   time to first token (first byte when not streaming), microseconds; a copy
 * @param e2eMicros    end-to-end latency, microseconds; a copy
 * @param issuingSeconds how long requests were issued, from the start of the measured run
 */
public record LoadResult(LoadOptions options, Instant startedAt, long requests, long ok, Map<String, Long> errors,
                         double durationSeconds, double throughputRps, long outputTokens,
                         double outputTokensPerSecond, LatencySummary ttftMs, LatencySummary e2eMs,
                         Histogram ttftMicros, Histogram e2eMicros, double issuingSeconds) {

    public LoadResult {
        requireNonNull(options, "options");
        requireNonNull(startedAt, "startedAt");
        errors = Map.copyOf(requireNonNull(errors, "errors"));
        requireNonNull(ttftMs, "ttftMs");
        requireNonNull(e2eMs, "e2eMs");
        requireNonNull(ttftMicros, "ttftMicros");
        requireNonNull(e2eMicros, "e2eMicros");
    }

    static LoadResult of(LoadOptions options, Instant startedAt, StatsSnapshot stats, double durationSeconds,
                         double issuingSeconds) {
        double seconds = Math.max(durationSeconds, 1e-9);
        return new LoadResult(options, startedAt, stats.sent(), stats.ok(), stats.errors(), durationSeconds,
                stats.ok() / seconds, stats.outputTokens(), stats.outputTokens() / seconds,
                LatencySummary.of(stats.ttftMicros()), LatencySummary.of(stats.e2eMicros()),
                stats.ttftMicros(), stats.e2eMicros(), Math.min(issuingSeconds, durationSeconds));
    }

    /**
     * Loads that ran side by side (one per gateway of a tier, say) as one: counts and rates added,
     * latencies merged, the longest duration; the first part's options.
     */
    public static LoadResult merged(List<LoadResult> parts) {
        LoadResult first = parts.get(0);
        Histogram ttft = first.ttftMicros.copy();
        Histogram e2e = first.e2eMicros.copy();
        Map<String, Long> errors = new TreeMap<>(first.errors);
        long requests = first.requests;
        long ok = first.ok;
        long outputTokens = first.outputTokens;
        double throughput = first.throughputRps;
        double tokensPerSecond = first.outputTokensPerSecond;
        double duration = first.durationSeconds;
        double issuing = first.issuingSeconds;
        Instant startedAt = first.startedAt;
        for (LoadResult part : parts.subList(1, parts.size())) {
            ttft.add(part.ttftMicros);
            e2e.add(part.e2eMicros);
            part.errors.forEach((kind, count) -> errors.merge(kind, count, Long::sum));
            requests += part.requests;
            ok += part.ok;
            outputTokens += part.outputTokens;
            throughput += part.throughputRps;
            tokensPerSecond += part.outputTokensPerSecond;
            duration = Math.max(duration, part.durationSeconds);
            issuing = Math.max(issuing, part.issuingSeconds);
            startedAt = startedAt.isBefore(part.startedAt) ? startedAt : part.startedAt;
        }
        return new LoadResult(first.options, startedAt, requests, ok, errors, duration, throughput, outputTokens,
                tokensPerSecond, LatencySummary.of(ttft), LatencySummary.of(e2e), ttft, e2e, issuing);
    }

    /** Requests sent per second while they were being issued: the load the server was offered. */
    public double sentRps() {
        return issuingSeconds > 0 ? requests / issuingSeconds : 0;
    }

    /** Failed requests of every kind. */
    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Failed requests of one kind, 0 if none. */
    public long errorCount(String kind) {
        return errors.getOrDefault(kind, 0L);
    }

    /** The results document: {@code {"config":{...}, "startedAt":..., "summary":{...}}}. */
    public String toJson() {
        JsonMapper json = JsonMapper.shared();
        ObjectNode root = json.createObjectNode();
        ObjectNode config = root.putObject("config");
        config.put("url", options.url().toString());
        config.put("api", options.api().id());
        config.put("model", options.model());
        config.put("mode", options.mode());
        putOrNull(config, "rate", options.openLoop() ? options.rate() : null);
        putOrNull(config, "concurrency", options.openLoop() ? null : (double) options.concurrency());
        putOrNull(config, "durationSeconds", options.duration() == null ? null : options.duration().toMillis() / 1000.0);
        putOrNull(config, "requests", options.requests() == 0 ? null : (double) options.requests());
        config.put("stream", options.stream());
        config.put("workload", options.workload().name());
        config.put("tenants", options.tenants());
        config.put("systemPromptTokens", options.systemPromptTokens());
        config.put("seed", options.seed());
        config.put("threads", options.threads());
        config.put("maxConnections", options.maxConnections());
        config.put("warmupSeconds", options.warmup().toMillis() / 1000.0);
        root.put("startedAt", startedAt.toString());
        ObjectNode summary = root.putObject("summary");
        summary.put("requests", requests);
        summary.put("ok", ok);
        ObjectNode errorCounts = summary.putObject("errors");
        new TreeMap<>(errors).forEach(errorCounts::put);
        summary.put("durationSeconds", round(durationSeconds));
        summary.put("issuingSeconds", round(issuingSeconds));
        summary.put("sentRps", round(sentRps()));
        summary.put("throughputRps", round(throughputRps));
        summary.put("outputTokens", outputTokens);
        summary.put("outputTokensPerSecond", round(outputTokensPerSecond));
        ttftMs.putInto(summary.putObject("ttftMs"));
        e2eMs.putInto(summary.putObject("e2eMs"));
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    public void writeJson(Path path) {
        try {
            Files.writeString(path, toJson() + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path, e);
        }
    }

    /** The human-readable summary printed at the end of a run. */
    public String summaryText() {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "%s loop, %s, %s%s against %s%n", options.mode(),
                options.api().id(), options.workload().name(), options.stream() ? ", streaming" : "", options.url()));
        text.append(String.format(Locale.ROOT, "requests    %d (ok %d, errors %d)%n", requests, ok, errorCount()));
        new TreeMap<>(errors).forEach((kind, count) ->
                text.append(String.format(Locale.ROOT, "  %-18s %d%n", kind, count)));
        text.append(String.format(Locale.ROOT, "duration    %.2f s (requests issued for %.2f s, then the drain)%n",
                durationSeconds, issuingSeconds));
        if (options.openLoop()) {
            text.append(String.format(Locale.ROOT, "offered     %.1f req/s (--rate), %.1f req/s sent%n",
                    options.rate(), sentRps()));
        } else {
            text.append(String.format(Locale.ROOT, "offered     %d connections (closed loop), %.1f req/s sent%n",
                    options.concurrency(), sentRps()));
        }
        text.append(String.format(Locale.ROOT, "throughput  %.1f req/s, %.1f output tokens/s (answers over the whole"
                + " duration)%n", throughputRps, outputTokensPerSecond));
        text.append(String.format(Locale.ROOT, "%-11s %10s %10s %10s %10s%n", "latency ms", "p50", "p90", "p99", "max"));
        appendLatency(text, "TTFT", ttftMs);
        appendLatency(text, "E2E", e2eMs);
        return text.toString();
    }

    private static void appendLatency(StringBuilder text, String name, LatencySummary latency) {
        text.append(String.format(Locale.ROOT, "%-11s %10.2f %10.2f %10.2f %10.2f%n", name,
                latency.p50(), latency.p90(), latency.p99(), latency.max()));
    }

    private static void putOrNull(ObjectNode node, String name, Double value) {
        if (value == null) {
            node.putNull(name);
        } else if (value == Math.rint(value)) {
            node.put(name, value.longValue());
        } else {
            node.put(name, value);
        }
    }

    /** Microsecond resolution is what was measured; more digits would only be noise in reports. */
    private static double round(double value) {
        return Math.round(value * 1000.0) / 1000.0;
    }
}
