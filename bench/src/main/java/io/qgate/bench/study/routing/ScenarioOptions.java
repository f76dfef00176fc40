package io.qgate.bench.study.routing;

import static java.util.Objects.requireNonNull;

import io.qgate.bench.harness.LoopbackSettings;
import io.qgate.bench.sim.SimOptions;
import io.qgate.fleet.workload.Workload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Settings of the routing-quality scenario. Durations marked "modelled" are in the simulator's
 * time; on the wall clock they last {@code timeScale} times as long.
 *
 * @param replicas           simulated LiteLLM + vLLM replicas shared by every gateway
 * @param gateways           gateway instances, each given an equal share of the load
 * @param maxNumSeqs         each replica's batch size; small, so queues form at modest rates
 * @param prefixCacheBlocks  each replica's prefix cache (16-token blocks); smaller than all tenants' prompts together
 * @param timeScale          wall-clock seconds per modelled second
 * @param load               offered load as a fraction of the fleet capacity
 * @param fixedCapacity      the fleet capacity in modelled requests per second, or 0 to measure it; fixing it
 *                           makes the offered rate, and so every arrival time, the same from run to run
 * @param duration           modelled length of each configuration's measured run
 * @param capacityDuration   modelled length of the closed-loop saturation run that measures capacity
 * @param warmup             modelled length of the unmeasured run that warms the JIT first
 * @param workload           prompt and output lengths
 * @param tenants            tenants of the shared-prefix part, rounded up to a multiple of {@code gateways}
 * @param systemPromptTokens each tenant's system prompt in the shared-prefix part
 * @param seed               base of every seed: same seed, same arrivals and lengths in every configuration
 * @param out                directory for {@code results.json} and {@code report.md}
 * @param rows               all, load-aware, prefixes, or policies (each of {@code policies} on the workload)
 * @param policies           the strategies of the policies rows
 */
public record ScenarioOptions(
        int replicas,
        int gateways,
        int maxNumSeqs,
        int prefixCacheBlocks,
        double timeScale,
        double load,
        double fixedCapacity,
        Duration duration,
        Duration capacityDuration,
        Duration warmup,
        Workload workload,
        int tenants,
        int systemPromptTokens,
        long seed,
        boolean quick,
        Path out,
        String rows,
        List<String> policies) {

    /** Which rows run: all, only the load-aware comparison, or only the shared prefixes. */
    static final java.util.Set<String> ROW_SETS = java.util.Set.of("all", "load-aware", "prefixes", "policies");

    /** The policies rows' strategies unless told otherwise: today's default, llm-d's reimplemented, qgate's work-aware. */
    static final List<String> DEFAULT_POLICIES = List.of("queue", "llmd-default", "work", "predicted");

    public ScenarioOptions {
        requireNonNull(duration, "duration");
        requireNonNull(capacityDuration, "capacityDuration");
        requireNonNull(warmup, "warmup");
        requireNonNull(workload, "workload");
        requireNonNull(out, "out");
        policies = List.copyOf(policies);
        if (!ROW_SETS.contains(rows)) {
            throw new IllegalArgumentException("rows: " + rows + " (expected: one of " + ROW_SETS + ")");
        }
        requireAtLeast("replicas", replicas, 1);
        requireAtLeast("gateways", gateways, 1);
        requireAtLeast("maxNumSeqs", maxNumSeqs, 1);
        requireAtLeast("prefixCacheBlocks", prefixCacheBlocks, 0);
        requireAtLeast("tenants", tenants, 1);
        requireAtLeast("systemPromptTokens", systemPromptTokens, 1);
        if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
            throw new IllegalArgumentException("timeScale: " + timeScale + " (expected: > 0)");
        }
        if (!(load > 0) || load > 2) {
            throw new IllegalArgumentException("load: " + load + " (expected: in (0, 2])");
        }
        if (!(fixedCapacity >= 0) || Double.isInfinite(fixedCapacity)) {
            throw new IllegalArgumentException("fixedCapacity: " + fixedCapacity + " (expected: >= 0)");
        }
        requirePositive("duration", duration);
        requirePositive("capacityDuration", capacityDuration);
        if (warmup.isNegative()) {
            throw new IllegalArgumentException("warmup: " + warmup + " (expected: >= 0)");
        }
    }

    /**
     * The full run. Eight sequences per replica and a quarter time scale keep four replicas'
     * token streams (about 2,100 modelled tokens per second at saturation, 8,500 on the wall
     * clock) within what two cores relay without the gateway's own latency showing; two modelled
     * minutes give about a thousand requests per configuration, enough for a p99.
     */
    public static ScenarioOptions full(Path out) {
        return new ScenarioOptions(4, 3, 8, 1024, 0.25, 0.85, 0, Duration.ofSeconds(120), Duration.ofSeconds(60),
                Duration.ofSeconds(40), Workload.sharegpt(), 20, 2000, 42, false, out, "all", DEFAULT_POLICIES);
    }

    /**
     * A smoke run of every configuration in seconds: short fixed-length requests in real time, so
     * that few tokens flow (tests run with paranoid leak detection) and every queue drains fast.
     */
    /** The shared replicas' settings, one per replica; seeds differ so that their answers do. */
    List<SimOptions> simReplicas() {
        return simReplicas(SimOptions.defaults().model(), 0);
    }

    /** As {@link #simReplicas()}, serving {@code model}, seeds from {@code seed() + seedOffset}. */
    public List<SimOptions> simReplicas(String model, long seedOffset) {
        List<SimOptions> replicas = new ArrayList<>();
        for (int i = 0; i < replicas(); i++) {
            long replicaSeed = seed() + seedOffset + i;
            // One I/O thread each: on two cores, more threads only add context switches.
            replicas.add(SimOptions.defaults().with(o -> {
                o.model = model;
                o.host = "127.0.0.1";
                o.port = 0;
                o.seed = replicaSeed;
                o.timeScale = timeScale();
                o.maxNumSeqs = maxNumSeqs();
                o.prefixCacheBlocks = prefixCacheBlocks();
                o.ioThreads = 1;
            }));
        }
        return replicas;
    }

    public static ScenarioOptions quick(Path out) {
        return new ScenarioOptions(4, 3, 8, 64, 1.0, 0.85, 0, Duration.ofMillis(1500), Duration.ofMillis(1500),
                Duration.ofMillis(500), Workload.fixed(32, 8), 4, 200, 42, true, out, "all", DEFAULT_POLICIES);
    }

    /**
     * Tenants whose requests enter through each gateway. The load generator derives its system
     * prompts from its seed, and the generators need different seeds so that their arrivals are
     * independent; so each gateway gets tenants of its own, as when every tenant's client keeps
     * its keep-alive connections to one gateway pod.
     */
    public int tenantsPerGateway() {
        return (tenants + gateways - 1) / gateways;
    }

    /**
     * How long a generator waits for its last answers. The longest ShareGPT answer (2,048 tokens)
     * takes about 31 modelled seconds at a full batch, and may have queued before; three modelled
     * minutes bound that generously, and never less than the generator's own 30 s default.
     */
    public Duration drainTimeout() {
        Duration bound = wall(Duration.ofMinutes(3));
        return bound.compareTo(Duration.ofSeconds(30)) > 0 ? bound : Duration.ofSeconds(30);
    }

    /**
     * The settings of one in-process gateway in front of simulated replicas on this time scale:
     * loopback, ephemeral ports, one event loop, and a 100 ms modelled scrape interval.
     */
    public Map<String, String> inProcessGatewaySettings() {
        Duration interval = Duration.ofNanos(Math.max(1_000_000, Math.round(100_000_000 * timeScale)));
        Map<String, String> settings = LoopbackSettings.of();
        settings.put("scrape.interval", interval.toMillis() + "ms");
        settings.put("scrape.timeout", interval.multipliedBy(4).dividedBy(5).toMillis() + "ms");
        return settings;
    }

    /** A modelled duration on the wall clock. */
    public Duration wall(Duration modelled) {
        return Duration.ofNanos(Math.round(modelled.toNanos() * timeScale));
    }

    /** A copy with the changes {@code change} makes to a draft of this one, validated as any other. */
    public ScenarioOptions with(Consumer<Draft> change) {
        Draft draft = new Draft(this);
        change.accept(draft);
        return draft.build();
    }

    /** The fields of a {@link ScenarioOptions}, changed one by one inside {@link #with}. */
    public static final class Draft {
        public int replicas;
        public int gateways;
        public int maxNumSeqs;
        public int prefixCacheBlocks;
        public double timeScale;
        public double load;
        public double fixedCapacity;
        public Duration duration;
        public Duration capacityDuration;
        public Duration warmup;
        public Workload workload;
        public int tenants;
        public int systemPromptTokens;
        public long seed;
        public boolean quick;
        public Path out;
        public String rows;
        public List<String> policies;

        private Draft(ScenarioOptions o) {
            replicas = o.replicas;
            gateways = o.gateways;
            maxNumSeqs = o.maxNumSeqs;
            prefixCacheBlocks = o.prefixCacheBlocks;
            timeScale = o.timeScale;
            load = o.load;
            fixedCapacity = o.fixedCapacity;
            duration = o.duration;
            capacityDuration = o.capacityDuration;
            warmup = o.warmup;
            workload = o.workload;
            tenants = o.tenants;
            systemPromptTokens = o.systemPromptTokens;
            seed = o.seed;
            quick = o.quick;
            out = o.out;
            rows = o.rows;
            policies = o.policies;
        }

        private ScenarioOptions build() {
            return new ScenarioOptions(replicas, gateways, maxNumSeqs, prefixCacheBlocks, timeScale, load,
                    fixedCapacity, duration, capacityDuration, warmup, workload, tenants, systemPromptTokens, seed,
                    quick, out, rows, policies);
        }
    }

    private static void requireAtLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= " + min + ")");
        }
    }

    private static void requirePositive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }
}
