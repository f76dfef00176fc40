package io.qgate.bench.study.batching;

import static java.util.Objects.requireNonNull;

import io.qgate.bench.load.LatencySummary;
import io.qgate.bench.load.LoadResult;
import java.util.Map;

/**
 * One measured run: a phase's load through a gateway with batching off or on.
 *
 * @param phase          {@code closed} or {@code open}
 * @param load           the load in words, such as {@code 64 connections}
 * @param settings       the gateway's {@code batching.*} settings in this run
 * @param errors         failed requests by kind
 * @param throughputRps  successful requests per second
 * @param e2eMs          end-to-end latency of successful requests
 * @param upstreamCalls  requests the replicas received during the run, counted by the replicas
 * @param gateway        the gateway's batching metrics over the run
 */
record BatchingRow(String phase, String load, BatchingMode mode, Map<String, String> settings, long requests, long ok,
                   Map<String, Long> errors, double throughputRps, LatencySummary e2eMs, long upstreamCalls,
                   BatchMetrics gateway) {

    BatchingRow {
        requireNonNull(phase, "phase");
        requireNonNull(load, "load");
        requireNonNull(mode, "mode");
        settings = Map.copyOf(settings);
        errors = Map.copyOf(errors);
        requireNonNull(e2eMs, "e2eMs");
        requireNonNull(gateway, "gateway");
    }

    static BatchingRow of(String phase, String load, BatchingMode mode, Map<String, String> settings,
                          LoadResult result, long upstreamCalls, BatchMetrics gateway) {
        return new BatchingRow(phase, load, mode, settings, result.requests(), result.ok(), result.errors(),
                result.throughputRps(), result.e2eMs(), upstreamCalls, gateway);
    }

    String name() {
        return phase + " loop, batching " + mode.label();
    }

    long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Client requests per request a replica received; NaN without any. */
    double requestsPerUpstreamCall() {
        return upstreamCalls == 0 ? Double.NaN : (double) requests / upstreamCalls;
    }
}
