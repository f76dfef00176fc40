package io.qgate.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.qgate.routing.ApiRoute;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * The gateway's request metrics, named as DESIGN.md's contract says (the HPA and dashboards
 * depend on these names). Meters are looked up once per label set and cached, because the
 * registry's own lookup is too slow for every request.
 */
public final class GatewayMetrics {

    /**
     * Buckets that resolve both a 10 ms embeddings call and a 60 s generation; the same for
     * the duration and the time to first byte so the two can be compared.
     */
    private static final Duration[] LATENCY_BUCKETS = {
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20),
            Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(300)};

    private final MeterRegistry registry;
    private final ModelLabels models;
    private final AtomicInteger inflight = new AtomicInteger();
    private final ConcurrentHashMap<LabelKey, Counter> received = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<LabelKey, Counter> answered = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<LabelKey, Timer> durations = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<LabelKey, Timer> firstBytes = new ConcurrentHashMap<>();

    private record LabelKey(String model, ApiRoute route, int code) {}

    public GatewayMetrics(MeterRegistry registry, int maxModels, IntSupplier readyEndpoints) {
        this.registry = registry;
        this.models = new ModelLabels(maxModels);
        // Gauges hold their state weakly unless told otherwise; these must live as long as the gateway.
        Gauge.builder("qgate.inflight.requests", inflight, AtomicInteger::get)
                .description("Requests this gateway has open")
                .strongReference(true)
                .register(registry);
        Gauge.builder("qgate.pool.ready.endpoints", readyEndpoints, IntSupplier::getAsInt)
                .description("Ready endpoints known to this gateway")
                .strongReference(true)
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The model label for {@code model}; computed once per request and passed back in. */
    public String modelLabel(String model) {
        return models.label(model);
    }

    /** A request has arrived (counted before routing: the demand signal). */
    public void received(String modelLabel, ApiRoute route) {
        inflight.incrementAndGet();
        received.computeIfAbsent(new LabelKey(modelLabel, route, 0), k -> Counter
                .builder("qgate.requests.received")
                .description("Requests accepted, counted on arrival")
                .tag("model", k.model()).tag("route", k.route().label())
                .register(registry)).increment();
    }

    /**
     * A request is over: answered with {@code code} (499 when the client went away first).
     *
     * @param firstByteNanos time to the first response body byte, or a negative value if none came
     */
    public void answered(String modelLabel, ApiRoute route, int code, long durationNanos, long firstByteNanos) {
        inflight.decrementAndGet();
        answered.computeIfAbsent(new LabelKey(modelLabel, route, code), k -> Counter
                .builder("qgate.requests")
                .description("Requests answered, by model, API route and HTTP status")
                .tag("model", k.model()).tag("route", k.route().label()).tag("code", Integer.toString(k.code()))
                .register(registry)).increment();
        LabelKey key = new LabelKey(modelLabel, route, 0);
        durations.computeIfAbsent(key, k -> timer("qgate.request.duration",
                "End-to-end latency as the client sees it", k)).record(durationNanos, TimeUnit.NANOSECONDS);
        if (firstByteNanos >= 0) {
            firstBytes.computeIfAbsent(key, k -> timer("qgate.time.to.first.byte",
                    "Time until the first response body byte (first SSE event for streams)", k))
                    .record(firstByteNanos, TimeUnit.NANOSECONDS);
        }
    }

    public int inflight() {
        return inflight.get();
    }

    private Timer timer(String name, String description, LabelKey key) {
        return Timer.builder(name)
                .description(description)
                .tag("model", key.model()).tag("route", key.route().label())
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .minimumExpectedValue(LATENCY_BUCKETS[0])
                .maximumExpectedValue(LATENCY_BUCKETS[LATENCY_BUCKETS.length - 1])
                .register(registry);
    }
}
