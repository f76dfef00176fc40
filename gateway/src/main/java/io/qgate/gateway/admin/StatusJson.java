package io.qgate.gateway.admin;

import io.qgate.gateway.config.GatewayConfig;
import io.qgate.gateway.metrics.BatchMeters;
import io.qgate.gateway.metrics.GatewayMetrics;
import io.qgate.gateway.metrics.LatencyHistogram;
import io.qgate.gateway.metrics.RecentRequests;
import io.qgate.gateway.pool.ModelPool;
import io.qgate.gateway.pool.ModelPools;
import io.qgate.gateway.proxy.Admission;
import io.qgate.routing.ApiRoute;
import io.qgate.routing.Endpoint;
import io.qgate.routing.EndpointLoad;
import io.qgate.routing.PoolQueue;
import io.qgate.routing.Router;
import io.qgate.routing.batch.BatchPolicy;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

import java.io.StringWriter;
import java.util.function.BooleanSupplier;

import static java.util.Objects.requireNonNull;

/**
 * {@code /status.json}: what the status page shows, read on request from what the gateway
 * already keeps (the router's load table, the request window, the batch meters, admission), so
 * it costs nothing while nobody looks. It keeps no history: the page keeps the samples it
 * fetched and charts them.
 *
 * <p>Replicas come in a list of model pools, each with its own requests and admission queue;
 * the top-level requests and admission are the whole gateway's. Unknown figures (no fresh
 * scrape, no request yet) are null.
 */
public final class StatusJson {

    /**
     * The window of the rates and percentiles: short enough that the page's charts follow a
     * change within seconds, long enough that a p99 rests on more than a handful of requests.
     */
    static final int WINDOW_SECONDS = 10;

    private static final JsonFactory JSON = new JsonFactory();

    private final ModelPools pools;
    private final GatewayMetrics metrics;
    private final BatchMeters batches;
    private final GatewayConfig config;
    private final BooleanSupplier ready;
    private final BooleanSupplier draining;

    public StatusJson(ModelPools pools, GatewayMetrics metrics, BatchMeters batches,
                      GatewayConfig config, BooleanSupplier ready, BooleanSupplier draining) {
        this.pools = requireNonNull(pools, "pools");
        this.metrics = requireNonNull(metrics, "metrics");
        this.batches = requireNonNull(batches, "batches");
        this.config = requireNonNull(config, "config");
        this.ready = requireNonNull(ready, "ready");
        this.draining = requireNonNull(draining, "draining");
    }

    /** The status as one JSON object, computed now. */
    public String render() {
        StringWriter out = new StringWriter(4096);
        try (JsonGenerator json = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
            json.writeStartObject();
            json.writeBooleanProperty("ready", ready.getAsBoolean());
            json.writeBooleanProperty("draining", draining.getAsBoolean());
            json.writeArrayPropertyStart("pools");
            for (ModelPool pool : pools.all()) {
                writePool(json, pool);
            }
            json.writeEndArray();
            writeRequests(json, metrics.recent(WINDOW_SECONDS), metrics.inflight());
            writeAdmission(json);
            writeBatching(json);
            json.writeEndObject();
        }
        return out.append('\n').toString();
    }

    private void writePool(JsonGenerator json, ModelPool pool) {
        Router router = pool.router();
        long now = router.nowNanos();
        long staleAfter = router.settings().staleAfter().toNanos();
        boolean correction = router.settings().queueCorrection();
        json.writeStartObject();
        json.writeStringProperty("name", pool.name());
        json.writeArrayPropertyStart("configuredModels");
        for (String model : pool.config().models()) {
            json.writeString(model);
        }
        json.writeEndArray();
        json.writeStringProperty("strategy", router.strategy().name());
        json.writeNumberProperty("staleAfterMs", staleAfter / 1_000_000);
        json.writeNumberProperty("readyReplicas", router.snapshot().accepting().size());
        number(json, "queue", PoolQueue.length(router));
        json.writeArrayPropertyStart("replicas");
        for (Endpoint endpoint : router.snapshot().endpoints()) {
            EndpointLoad load = router.load(endpoint);
            long age = load.scrapeAgeNanos(now);
            json.writeStartObject();
            json.writeStringProperty("address", endpoint.authority());
            json.writeStringProperty("pod", endpoint.details().podName());
            json.writeStringProperty("zone", endpoint.details().zone());
            json.writeStringProperty("state", state(router, endpoint));
            json.writeArrayPropertyStart("models");
            for (String model : load.models()) {
                json.writeString(model);
            }
            json.writeEndArray();
            // The last scrape however old, as /debug/endpoints shows it; "fresh" says whether routing trusts it.
            number(json, "waiting", load.scrapedWaiting(now, Long.MAX_VALUE));
            number(json, "running", load.scrapedRunning(now, Long.MAX_VALUE));
            number(json, "kvCacheUsage", load.kvCacheUsage(now, Long.MAX_VALUE));
            number(json, "estimatedLoad", load.estimatedLoad(now, staleAfter, correction));
            json.writeNumberProperty("inflight", load.inflight());
            if (age < 0) {
                json.writeNullProperty("scrapeAgeMs");
            } else {
                json.writeNumberProperty("scrapeAgeMs", age / 1_000_000);
            }
            json.writeBooleanProperty("fresh", load.fresh(now, staleAfter));
            json.writeBooleanProperty("lastScrapeFailed", load.lastScrapeFailed());
            json.writeNumberProperty("ejectedForMs", router.ejectionRemainingMillis(endpoint));
            json.writeEndObject();
        }
        json.writeEndArray();
        writeRequests(json, pool.meters().recent(WINDOW_SECONDS), pool.meters().inflight());
        json.writeObjectPropertyStart("admission");
        admissionFigures(json, pool.admission(), pool.config().admission());
        json.writeEndObject();
        json.writeEndObject();
    }

    private static void writeRequests(JsonGenerator json, RecentRequests recent, int inflight) {
        json.writeObjectPropertyStart("requests");
        json.writeNumberProperty("windowSeconds", recent.seconds());
        number(json, "receivedPerSecond", recent.perSecond(recent.received()));
        number(json, "answeredPerSecond", recent.perSecond(recent.answered()));
        number(json, "errorsPerSecond", recent.perSecond(recent.errors()));
        number(json, "rejectedPerSecond", recent.perSecond(recent.rejected()));
        json.writeNumberProperty("inflight", inflight);
        percentiles(json, "latencySeconds", recent.latency());
        percentiles(json, "ttftSeconds", recent.firstByte());
        json.writeEndObject();
    }

    private static void percentiles(JsonGenerator json, String name, LatencyHistogram histogram) {
        json.writeObjectPropertyStart(name);
        json.writeNumberProperty("count", histogram.count());
        number(json, "p50", histogram.quantileSeconds(0.5));
        number(json, "p99", histogram.quantileSeconds(0.99));
        json.writeEndObject();
    }

    /** The whole gateway's admission: every pool's queue and slots, summed. */
    private void writeAdmission(JsonGenerator json) {
        json.writeObjectPropertyStart("admission");
        int queued = 0;
        int capacity = 0;
        int inflight = 0;
        long limit = 0;
        for (ModelPool pool : pools.all()) {
            queued += pool.admission().queued();
            capacity += pool.admission().queueCapacity();
            inflight += pool.admission().inflight();
            limit = limit == Integer.MAX_VALUE || pool.admission().limit() == Integer.MAX_VALUE ? Integer.MAX_VALUE
                    : Math.min(Integer.MAX_VALUE, limit + pool.admission().limit());
        }
        json.writeNumberProperty("queued", queued);
        json.writeNumberProperty("queueCapacity", capacity);
        json.writeNumberProperty("inflight", inflight);
        limit(json, limit);
        json.writeNumberProperty("queueTimeoutMs", config.admission().queueTimeout().toMillis());
        json.writeEndObject();
    }

    private static void admissionFigures(JsonGenerator json, Admission admission, GatewayConfig.AdmissionLimits limits) {
        json.writeNumberProperty("queued", admission.queued());
        json.writeNumberProperty("queueCapacity", admission.queueCapacity());
        json.writeNumberProperty("inflight", admission.inflight());
        limit(json, admission.limit());
        json.writeNumberProperty("queueTimeoutMs", limits.queueTimeout().toMillis());
    }

    private static void limit(JsonGenerator json, long limit) {
        if (limit == Integer.MAX_VALUE) {
            json.writeNullProperty("limit");
        } else {
            json.writeNumberProperty("limit", limit);
        }
    }

    /** Totals since the start; the page turns two readings into rates and batch sizes. */
    private void writeBatching(JsonGenerator json) {
        BatchPolicy policy = config.batching().policy();
        json.writeObjectPropertyStart("batching");
        json.writeNumberProperty("maxItems", policy.maxItems());
        json.writeNumberProperty("maxTokens", policy.maxTokens());
        json.writeNumberProperty("maxWaitMs", policy.maxWait().toMillis());
        json.writeArrayPropertyStart("routes");
        for (BatchMeters.RouteTotals route : batches.totals()) {
            ApiRoute api = route.route();
            json.writeStartObject();
            json.writeStringProperty("route", api.label());
            json.writeBooleanProperty("enabled", config.batching().enabled(api));
            json.writeNumberProperty("upstreamCalls", route.upstreamCalls());
            json.writeNumberProperty("requests", route.requests());
            json.writeNumberProperty("batchedRequests", route.batchedRequests());
            json.writeNumberProperty("callsSaved", route.callsSaved());
            json.writeNumberProperty("fallbacks", route.fallbacks());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    /** What a replica is doing, as routing sees it; the same words in /debug/endpoints. */
    static String state(Router router, Endpoint endpoint) {
        return !endpoint.ready() ? "not-ready" : endpoint.terminating() ? "terminating"
                : router.ejected(endpoint) ? "ejected" : "ready";
    }

    /** JSON has no NaN: an unknown figure is null. */
    private static void number(JsonGenerator json, String name, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            json.writeNullProperty(name);
        } else {
            json.writeNumberProperty(name, value);
        }
    }
}
