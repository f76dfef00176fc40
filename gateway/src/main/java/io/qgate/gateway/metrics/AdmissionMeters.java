package io.qgate.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One pool's admission queue as it is lived: how long requests waited at the gateway before they
 * went on, and why the gateway refused the ones it refused.
 */
public final class AdmissionMeters {

    /** Why a request was refused without reaching a replica; the {@code reason} label. */
    public enum Refusal {
        QUEUE_FULL("queue_full"),
        QUEUE_TIMEOUT("queue_timeout"),
        SHED("shed"),
        NO_REPLICA_TIMEOUT("no_replica_timeout"),
        NO_REPLICA_QUEUE_FULL("no_replica_queue_full"),
        DRAINING("draining");

        private final String label;

        Refusal(String label) {
            this.label = label;
        }
    }

    private static final Duration[] WAIT_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(10),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(300)};

    private final Timer waited;
    private final Map<Refusal, Counter> refusals = new EnumMap<>(Refusal.class);

    public AdmissionMeters(MeterRegistry registry, String pool) {
        this.waited = Timer.builder("qgate.queue.wait")
                .description("Time requests waited at the gateway for an admission slot, of those that got one")
                .tag("pool", pool)
                .serviceLevelObjectives(WAIT_BUCKETS)
                .minimumExpectedValue(WAIT_BUCKETS[0])
                .maximumExpectedValue(WAIT_BUCKETS[WAIT_BUCKETS.length - 1])
                .register(registry);
        for (Refusal refusal : Refusal.values()) {
            refusals.put(refusal, Counter.builder("qgate.admission.refusals")
                    .description("Requests the gateway refused before any replica saw them, by reason")
                    .tag("pool", pool).tag("reason", refusal.label)
                    .register(registry));
        }
    }

    /** A request that waited got its slot after {@code nanos}. */
    public void waited(long nanos) {
        waited.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void refused(Refusal reason) {
        refusals.get(reason).increment();
    }
}
