package io.qgate.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.qgate.routing.ApiRoute;

import java.time.Duration;
import java.util.Collection;
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

    /** The {@code pool} label of requests answered before a pool was chosen (bad input, unknown model). */
    public static final String NO_POOL = "none";

    private final MeterRegistry registry;
    private final ModelLabels models;
    private final AtomicInteger inflight = new AtomicInteger();
    private final ConcurrentHashMap<String, PoolMeters> pools = new ConcurrentHashMap<>();
    /** Every pool's requests: the status page's totals. */
    private final RequestWindow window;
    private final java.util.function.LongSupplier nanoClock;

    private record LabelKey(String pool, String model, ApiRoute route) {}

    /**
     * @param maxModels   model names learnt from answers before further ones stay {@code other}
     * @param knownModels model names labelled as they are from the start
     * @param nanoClock   the gateway's clock, which the request windows run on
     */
    public GatewayMetrics(MeterRegistry registry, int maxModels, Collection<String> knownModels,
                          java.util.function.LongSupplier nanoClock) {
        this.registry = registry;
        this.models = new ModelLabels(maxModels, knownModels);
        this.nanoClock = nanoClock;
        this.window = new RequestWindow(nanoClock);
        pool(NO_POOL, null);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /**
     * The meters of one pool, registered on first call: its request rate, latency, open requests
     * and ready replicas, each labelled with the pool.
     */
    public PoolMeters pool(String name, IntSupplier readyEndpoints) {
        return pools.computeIfAbsent(name, n -> new PoolMeters(n, readyEndpoints));
    }

    /** A replica answered a request for {@code model} with success, so the name is a real model. */
    public void modelServed(String model) {
        models.served(model);
    }

    /** The meters of a request answered before it had a pool. */
    public RouteMeters meters(String model, ApiRoute route) {
        return pools.get(NO_POOL).meters(model, route);
    }

    /** Requests open in the whole gateway. */
    public int inflight() {
        return inflight.get();
    }

    /** Requests over the last {@code seconds} complete seconds (1-59) of every pool, with recent percentiles. */
    public RecentRequests recent(int seconds) {
        return window.recent(seconds);
    }

    /** One pool's meters. Thread-safe. */
    public final class PoolMeters {
        private final String name;
        private final RequestWindow poolWindow = new RequestWindow(nanoClock);
        private final AtomicInteger poolInflight = new AtomicInteger();
        private final ConcurrentHashMap<LabelKey, RouteMeters> byLabels = new ConcurrentHashMap<>();

        /** @param readyEndpoints null for the requests answered without a pool: they get counters, no gauges */
        private PoolMeters(String name, IntSupplier readyEndpoints) {
            this.name = name;
            if (readyEndpoints == null) {
                return;
            }
            Gauge.builder("qgate.request.rate", poolWindow, RequestWindow::rate)
                    .description("Requests received per second over the last 60 s, computed in-process")
                    .tag("pool", name).strongReference(true).register(registry);
            Gauge.builder("qgate.request.latency.average.seconds", poolWindow, RequestWindow::averageLatencySeconds)
                    .description("Mean latency of the requests answered in the last 60 s, computed in-process")
                    .tag("pool", name).strongReference(true).register(registry);
            // Gauges hold their state weakly unless told otherwise; these must live as long as the gateway.
            Gauge.builder("qgate.inflight.requests", poolInflight, AtomicInteger::get)
                    .description("Requests this gateway has open")
                    .tag("pool", name).strongReference(true).register(registry);
            Gauge.builder("qgate.pool.ready.endpoints", readyEndpoints, IntSupplier::getAsInt)
                    .description("Ready endpoints of the pool known to this gateway")
                    .tag("pool", name).strongReference(true).register(registry);
        }

        public String name() {
            return name;
        }

        /** The meters of one model (any name; unknown ones are labelled {@code other}) and route. */
        public RouteMeters meters(String model, ApiRoute route) {
            return byLabels.computeIfAbsent(new LabelKey(name, models.label(model), route),
                    key -> new RouteMeters(key, this));
        }

        /** Requests of this pool open now. */
        public int inflight() {
            return poolInflight.get();
        }

        /** Requests received per second over the last 60 s. */
        public double requestRate() {
            return poolWindow.rate();
        }

        /** Mean latency over the last 60 s, in seconds. */
        public double averageLatencySeconds() {
            return poolWindow.averageLatencySeconds();
        }

        /** This pool's requests over the last {@code seconds} complete seconds. */
        public RecentRequests recent(int seconds) {
            return poolWindow.recent(seconds);
        }
    }

    /** The meters of one (pool, model, route) label set. Thread-safe. */
    public final class RouteMeters {
        private final LabelKey labels;
        private final PoolMeters pool;
        private final Counter received;
        private final Timer duration;
        private final Timer firstByte;
        /** Answered counters by status code, created on first use (a status is 100-599). */
        private final AtomicReferenceArray<Counter> answeredByCode = new AtomicReferenceArray<>(600);

        private RouteMeters(LabelKey labels, PoolMeters pool) {
            this.labels = labels;
            this.pool = pool;
            this.received = Counter.builder("qgate.requests.received")
                    .description("Requests accepted, counted on arrival")
                    .tag("pool", labels.pool()).tag("model", labels.model()).tag("route", labels.route().label())
                    .register(registry);
            this.duration = timer("qgate.request.duration", "End-to-end latency as the client sees it");
            this.firstByte = timer("qgate.time.to.first.byte",
                    "Time until the first response body byte (first SSE event for streams)");
        }

        /** A request has arrived (counted before routing: the demand signal). */
        public void received() {
            inflight.incrementAndGet();
            pool.poolInflight.incrementAndGet();
            received.increment();
            window.received();
            pool.poolWindow.received();
        }

        /**
         * The request is over: answered with {@code code} (499 when the client went away first).
         *
         * @param firstByteNanos time to the first response body byte, or a negative value if none came
         */
        public void answered(int code, long durationNanos, long firstByteNanos) {
            inflight.decrementAndGet();
            pool.poolInflight.decrementAndGet();
            window.answered(code, durationNanos, firstByteNanos);
            pool.poolWindow.answered(code, durationNanos, firstByteNanos);
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
                        .tag("pool", labels.pool()).tag("model", labels.model())
                        .tag("route", labels.route().label()).tag("code", Integer.toString(index))
                        .register(registry);
                answeredByCode.set(index, counter);
            }
            return counter;
        }

        private Timer timer(String name, String description) {
            return Timer.builder(name)
                    .description(description)
                    .tag("pool", labels.pool()).tag("model", labels.model()).tag("route", labels.route().label())
                    .serviceLevelObjectives(LATENCY_BUCKETS)
                    .minimumExpectedValue(LATENCY_BUCKETS[0])
                    .maximumExpectedValue(LATENCY_BUCKETS[LATENCY_BUCKETS.length - 1])
                    .register(registry);
        }
    }
}
