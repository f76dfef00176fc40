package io.qgate.bench.study.batching;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The gateway's batching metrics, summed over their labels, as read from its admin
 * {@code /metrics}. Counters are compared as differences between two reads, so that the warm-up
 * does not count.
 *
 * @param exported        whether the gateway publishes batching metrics at all
 * @param upstreamCalls   {@code qgate_batch_size_count}: upstream calls of batchable routes
 * @param clientRequests  {@code qgate_batch_size_sum}: the client requests those calls carried
 * @param largest         {@code qgate_batch_size_max}: the largest recent batch (not a difference)
 * @param batched         {@code qgate_batched_requests_total}: client requests that shared a call
 * @param saved           {@code qgate_batch_upstream_calls_saved_total}
 * @param fallbacks       {@code qgate_batch_fallbacks_total}: batched calls retried one by one
 */
record BatchMetrics(boolean exported, double upstreamCalls, double clientRequests, double largest, double batched,
                    double saved, double fallbacks) {

    static final String SIZE = "qgate_batch_size";
    static final String BATCHED = "qgate_batched_requests_total";
    static final String SAVED = "qgate_batch_upstream_calls_saved_total";
    static final String FALLBACKS = "qgate_batch_fallbacks_total";

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** Reads the gateway's admin {@code /metrics}. */
    static BatchMetrics scrape(String adminUrl) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(adminUrl + "/metrics"))
                .timeout(Duration.ofSeconds(10)).GET().build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + request.uri() + ": status " + response.statusCode());
            }
            return parse(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Reads the batching series out of a Prometheus text exposition. */
    static BatchMetrics parse(String exposition) {
        Map<String, Double> sums = new HashMap<>();
        Map<String, Double> maxima = new HashMap<>();
        for (String line : exposition.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            if (space < 0) {
                continue;
            }
            String name = line.substring(0, brace >= 0 && brace < space ? brace : space);
            if (!name.startsWith("qgate_batch")) {
                continue;
            }
            // Labels may hold spaces; the value follows the last one (the exposition has no timestamps).
            double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim());
            if (Double.isNaN(value)) {
                continue;
            }
            sums.merge(name, value, Double::sum);
            maxima.merge(name, value, Math::max);
        }
        return new BatchMetrics(sums.containsKey(SIZE + "_count"), sums.getOrDefault(SIZE + "_count", 0.0),
                sums.getOrDefault(SIZE + "_sum", 0.0), maxima.getOrDefault(SIZE + "_max", 0.0),
                sums.getOrDefault(BATCHED, 0.0), sums.getOrDefault(SAVED, 0.0), sums.getOrDefault(FALLBACKS, 0.0));
    }

    /** What happened since {@code before}; the largest batch is this read's own. */
    BatchMetrics since(BatchMetrics before) {
        return new BatchMetrics(exported, upstreamCalls - before.upstreamCalls, clientRequests - before.clientRequests,
                largest, batched - before.batched, saved - before.saved, fallbacks - before.fallbacks);
    }

    /** Client requests per upstream call of a batchable route; NaN without calls. */
    double meanBatchSize() {
        return upstreamCalls == 0 ? Double.NaN : clientRequests / upstreamCalls;
    }
}
