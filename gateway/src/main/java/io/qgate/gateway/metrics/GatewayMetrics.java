package io.qgate.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.qgate.routing.ApiRoute;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntSupplier;

/**
 * The gateway's request metrics, named as docs/design.md's contract says (the HPA and dashboards
 * depend on these names). A request looks its {@link RouteMeters} up once, on arrival, and
 * records everything else on them: the registry's own lookup is too slow for every request.
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
    private final ConcurrentHashMap<LabelKey, RouteMeters> byLabels = new ConcurrentHashMap<>();
    private final RequestWindow window;

    private record LabelKey(String model, ApiRoute route) {}

    public GatewayMetrics(MeterRegistry registry, int maxModels, IntSupplier readyEndpoints) {
        this(registry, maxModels, List.of(), readyEndpoints, System::nanoTime);
    }

    /**
     * @param maxModels   model names learnt from answers before further ones stay {@code other}
     * @param knownModels model names labelled as they are from the start
     */
    public GatewayMetrics(MeterRegistry registry, int maxModels, Collection<String> knownModels,
                          IntSupplier readyEndpoints) {
        this(registry, maxModels, knownModels, readyEndpoints, System::nanoTime);
    }

    /** @param nanoClock the gateway's clock, which the request window runs on */
    public GatewayMetrics(MeterRegistry registry, int maxModels, Collection<String> knownModels,
                          IntSupplier readyEndpoints, java.util.function.LongSupplier nanoClock) {
        this.registry = registry;
        this.models = new ModelLabels(maxModels, knownModels);
        this.window = new RequestWindow(nanoClock);
        Gauge.builder("qgate.request.rate", window, RequestWindow::rate)
                .description("Requests received per second over the last 60 s, computed in-process")
                .strongReference(true)
                .register(registry);
        Gauge.builder("qgate.request.latency.average.seconds", window, RequestWindow::averageLatencySeconds)
                .description("Mean latency of the requests answered in the last 60 s, computed in-process")
                .strongReference(true)
                .register(registry);
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

    /** A replica answered a request for {@code model} with success, so the name is a real model. */
    public void modelServed(String model) {
        models.served(model);
    }

    /** The meters of one model (any name; unknown ones are labelled {@code other}) and route. */
    public RouteMeters meters(String model, ApiRoute route) {
        return byLabels.computeIfAbsent(new LabelKey(models.label(model), route), RouteMeters::new);
    }

    public int inflight() {
        return inflight.get();
    }

    /** Requests received per second over the last 60 s. */
    public double requestRate() {
        return window.rate();
    }

    /** Mean latency over the last 60 s, in seconds. */
    public double averageLatencySeconds() {
        return window.averageLatencySeconds();
    }

    /** Requests over the last {@code seconds} complete seconds (1-59), with recent percentiles. */
    public RecentRequests recent(int seconds) {
        return window.recent(seconds);
    }

    /** The meters of one (model, route) label pair. Thread-safe. */
    public final class RouteMeters {
        private final LabelKey labels;
        private final Counter received;
        private final Timer duration;
        private final Timer firstByte;
        /** Answered counters by status code, created on first use (a status is 100-599). */
        private final AtomicReferenceArray<Counter> answeredByCode = new AtomicReferenceArray<>(600);

        private RouteMeters(LabelKey labels) {
            this.labels = labels;
            this.received = Counter.builder("qgate.requests.received")
                    .description("Requests accepted, counted on arrival")
                    .tag("model", labels.model()).tag("route", labels.route().label())
                    .register(registry);
            this.duration = timer("qgate.request.duration", "End-to-end latency as the client sees it");
            this.firstByte = timer("qgate.time.to.first.byte",
                    "Time until the first response body byte (first SSE event for streams)");
        }

        /** A request has arrived (counted before routing: the demand signal). */
        public void received() {
            inflight.incrementAndGet();
            received.increment();
            window.received();
        }

        /**
         * The request is over: answered with {@code code} (499 when the client went away first).
         *
         * @param firstByteNanos time to the first response body byte, or a negative value if none came
         */
        public void answered(int code, long durationNanos, long firstByteNanos) {
            inflight.decrementAndGet();
            window.answered(code, durationNanos, firstByteNanos);
            answeredCounter(code).increment();
            duration.record(durationNanos, TimeUnit.NANOSECONDS);
            if (firstByteNanos >= 0) {
                firstByte.record(firstByteNanos, TimeUnit.NANOSECONDS);
            }
        }

        private Counter answeredCounter(int code) {
            int index = code >= 100 && code < 600 ? code : 599;
            Counter counter = answeredByCode.get(index);
            if (counter == null) {
                // Registering is idempotent, so two threads racing here get the same counter.
                counter = Counter.builder("qgate.requests")
                        .description("Requests answered, by model, API route and HTTP status")
                        .tag("model", labels.model()).tag("route", labels.route().label())
                        .tag("code", Integer.toString(index))
                        .register(registry);
                answeredByCode.set(index, counter);
            }
            return counter;
        }

        private Timer timer(String name, String description) {
            return Timer.builder(name)
                    .description(description)
                    .tag("model", labels.model()).tag("route", labels.route().label())
                    .serviceLevelObjectives(LATENCY_BUCKETS)
                    .minimumExpectedValue(LATENCY_BUCKETS[0])
                    .maximumExpectedValue(LATENCY_BUCKETS[LATENCY_BUCKETS.length - 1])
                    .register(registry);
        }
    }
}
