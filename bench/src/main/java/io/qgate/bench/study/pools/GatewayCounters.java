package io.qgate.bench.study.pools;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The gateway's {@code qgate_requests_received_total} summed per pool, read from its
 * {@code /metrics} at one moment: two readings make the per-pool rate Prometheus's
 * {@code rate()} computes from the same counter.
 */
record GatewayCounters(long atNanos, Map<String, Double> receivedByPool) {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String RECEIVED = "qgate_requests_received_total{";

    GatewayCounters {
        receivedByPool = Map.copyOf(receivedByPool);
    }

    static GatewayCounters read(int adminPort) {
        String text = get(adminPort, "/metrics");
        return new GatewayCounters(System.nanoTime(), parse(text));
    }

    static Map<String, Double> parse(String exposition) {
        Map<String, Double> byPool = new HashMap<>();
        for (String line : exposition.split("\n")) {
            if (!line.startsWith(RECEIVED)) {
                continue;
            }
            int labelsEnd = line.indexOf('}');
            String labels = line.substring(RECEIVED.length(), labelsEnd);
            int at = labels.indexOf("pool=\"");
            if (at < 0) {
                continue;
            }
            String pool = labels.substring(at + 6, labels.indexOf('"', at + 6));
            byPool.merge(pool, Double.parseDouble(line.substring(labelsEnd + 1).trim()), Double::sum);
        }
        return byPool;
    }

    /** What was received between {@code earlier} and this reading, per pool, and over how long. */
    GatewayCounters minus(GatewayCounters earlier) {
        Map<String, Double> difference = new HashMap<>();
        receivedByPool.forEach((pool, count) -> difference.put(pool,
                count - earlier.receivedByPool.getOrDefault(pool, 0.0)));
        return new GatewayCounters(atNanos - earlier.atNanos, difference);
    }

    /** Per wall second, for a difference made by {@link #minus}. */
    double ratePerSecond(String pool) {
        return receivedByPool.getOrDefault(pool, 0.0) / (atNanos / 1e9);
    }

    static String get(int adminPort, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new IllegalStateException("reading the gateway's " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
