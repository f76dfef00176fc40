package io.qgate.bench.study.soak;

import static java.util.Objects.requireNonNull;

import io.qgate.bench.cli.Flags;
import io.qgate.routing.config.Units;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Set;

/**
 * Everything one soak run needs. {@link #full(Path)} is the soak (10 minutes, a kill a
 * minute); {@link #quick(Path)} the CI smoke run (about 30 s, one kill). Flags override either.
 *
 * @param duration         how long the open-loop load runs
 * @param rate             requests per second to offer, or 0 to measure the set-up's maximum first
 * @param loadFraction     the share of the measured maximum to offer (ignored with a given rate)
 * @param probeDuration    the closed-loop run that measures the maximum
 * @param replicas         simulated replicas behind the gateway
 * @param maxNumSeqs       each replica's batch size
 * @param timeScale        wall-clock seconds per modelled second of the replicas
 * @param killEvery        one replica is killed at every multiple of this (round robin over the replicas)
 * @param restartAfter     how long a killed replica stays down before it comes back on its port
 * @param abortFraction    the share of clients that close their stream after its first few events
 * @param clientThreads    event loops of the load generator
 * @param sampleEvery      progress line and gateway heap sample (after a full GC) interval
 * @param heapWarmup       heap samples before this are left out of the trend (bounded caches filling)
 * @param heapSlopeLimitMb the largest heap trend, MB per minute, that still counts as flat
 * @param gatewayJar       the packaged gateway
 * @param gatewayHeap      the gateway's maximum heap ({@code -Xmx} value)
 * @param out              where results.json, report.md and the gateway's log go
 */
public record SoakOptions(
        Duration duration,
        double rate,
        double loadFraction,
        Duration probeDuration,
        int replicas,
        int maxNumSeqs,
        double timeScale,
        Duration killEvery,
        Duration restartAfter,
        double abortFraction,
        int clientThreads,
        Duration sampleEvery,
        Duration heapWarmup,
        double heapSlopeLimitMb,
        Path gatewayJar,
        String gatewayHeap,
        long seed,
        Path out) {

    /** Requests not answered within this are counted as timed out (none should come near it). */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** How long requests still open when the load stops may take to finish. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    public SoakOptions {
        requirePositive("duration", duration);
        requirePositive("probeDuration", probeDuration);
        requirePositive("killEvery", killEvery);
        requirePositive("restartAfter", restartAfter);
        requirePositive("sampleEvery", sampleEvery);
        requireNonNull(heapWarmup, "heapWarmup");
        requireNonNull(gatewayJar, "gatewayJar");
        requireNonNull(gatewayHeap, "gatewayHeap");
        requireNonNull(out, "out");
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("rate: " + rate + " (expected: >= 0; 0 measures the maximum)");
        }
        if (!(loadFraction > 0 && loadFraction <= 2)) {
            throw new IllegalArgumentException("loadFraction: " + loadFraction + " (expected: in (0, 2])");
        }
        if (replicas < 2) {
            throw new IllegalArgumentException("replicas: " + replicas + " (expected: >= 2, one is killed at a time)");
        }
        if (maxNumSeqs < 1 || clientThreads < 1) {
            throw new IllegalArgumentException("maxNumSeqs, clientThreads: " + maxNumSeqs + ", " + clientThreads
                    + " (expected: >= 1)");
        }
        if (!(timeScale > 0) || timeScale > 10) {
            throw new IllegalArgumentException("timeScale: " + timeScale + " (expected: in (0, 10])");
        }
        if (!(abortFraction >= 0 && abortFraction <= 1)) {
            throw new IllegalArgumentException("abortFraction: " + abortFraction + " (expected: in [0, 1])");
        }
        if (!(heapSlopeLimitMb > 0)) {
            throw new IllegalArgumentException("heapSlopeLimitMb: " + heapSlopeLimitMb + " (expected: > 0)");
        }
        if (!gatewayHeap.matches("\\d+[kmgKMG]?")) {
            throw new IllegalArgumentException("gatewayHeap: " + gatewayHeap + " (expected: an -Xmx value such as 256m)");
        }
    }

    /**
     * Ten minutes at 70% of the measured maximum, a replica killed every minute and back 5 s later.
     * The heap trend is fitted to the second half: the gateway's prefix-affinity cache (100,000
     * prompt-block hashes by default, some 15 MB when full) takes minutes to fill with distinct
     * prompts, and its filling is growth, but bounded growth.
     */
    public static SoakOptions full(Path out) {
        return new SoakOptions(Duration.ofMinutes(10), 0, 0.7, Duration.ofSeconds(20), 3, 16, 0.25,
                Duration.ofMinutes(1), Duration.ofSeconds(5), 0.01, 2, Duration.ofSeconds(10),
                Duration.ofMinutes(5), 0.5, defaultJar(), "256m", 42, out);
    }

    /**
     * About half a minute: a short probe, 20 s of load, one kill (at 10 s) and restart. For CI; too
     * short for a heap trend (the warm-up covers the whole load, so the heap is reported, not judged).
     */
    public static SoakOptions quick(Path out) {
        return new SoakOptions(Duration.ofSeconds(20), 0, 0.7, Duration.ofSeconds(4), 3, 16, 0.25,
                Duration.ofSeconds(10), Duration.ofSeconds(3), 0.01, 1, Duration.ofSeconds(5),
                Duration.ofSeconds(20), 0.5, defaultJar(), "256m", 42, out);
    }

    static Path defaultJar() {
        return Path.of("gateway", "target", "qgate-gateway.jar");
    }

    static Path defaultOut() {
        return Path.of("bench", "results", "soak-" + LocalDateTime.now().format(STAMP));
    }

    /** The offered rate: the given one, or {@link #loadFraction} of {@code measuredMax}. */
    double offeredRate(double measuredMax) {
        return rate > 0 ? rate : loadFraction * measuredMax;
    }

    /** Seconds after the start of the load at which a replica is killed: every {@link #killEvery} that leaves time to come back. */
    long[] killTimesMillis() {
        long every = killEvery.toMillis();
        long last = duration.toMillis() - restartAfter.toMillis() - 1_000;
        int count = last < every ? 0 : (int) (last / every);
        long[] times = new long[count];
        for (int i = 0; i < count; i++) {
            times[i] = every * (i + 1);
        }
        return times;
    }

    /** {@code --quick} picks the base wherever it appears; the other flags then override it. */
    public static SoakOptions parse(String[] args) {
        Flags flags = Flags.parse(args, Set.of("--duration", "--rate", "--load", "--probe", "--replicas",
                "--max-num-seqs", "--time-scale", "--kill-every", "--restart-after", "--abort-fraction",
                "--client-threads", "--sample-every", "--heap-warmup", "--heap-slope-limit", "--gateway-jar",
                "--gateway-heap", "--seed", "--out"), Set.of("--quick"));
        Draft d = new Draft(flags.on("--quick") ? quick(defaultOut()) : full(defaultOut()));
        d.duration = flags.duration("--duration", d.duration);
        d.rate = flags.number("--rate", d.rate);
        d.loadFraction = flags.number("--load", d.loadFraction);
        d.probeDuration = flags.duration("--probe", d.probeDuration);
        flags.ifGiven("--replicas", v -> d.replicas = Units.integer("--replicas", v, 2, 64));
        flags.ifGiven("--max-num-seqs", v -> d.maxNumSeqs = Units.integer("--max-num-seqs", v, 1, 4096));
        d.timeScale = flags.number("--time-scale", d.timeScale);
        d.killEvery = flags.duration("--kill-every", d.killEvery);
        d.restartAfter = flags.duration("--restart-after", d.restartAfter);
        d.abortFraction = flags.number("--abort-fraction", d.abortFraction);
        flags.ifGiven("--client-threads", v -> d.clientThreads = Units.integer("--client-threads", v, 1, 64));
        d.sampleEvery = flags.duration("--sample-every", d.sampleEvery);
        d.heapWarmup = flags.duration("--heap-warmup", d.heapWarmup);
        d.heapSlopeLimitMb = flags.number("--heap-slope-limit", d.heapSlopeLimitMb);
        flags.ifGiven("--gateway-jar", v -> d.gatewayJar = Path.of(v));
        d.gatewayHeap = flags.text("--gateway-heap", d.gatewayHeap);
        d.seed = (long) flags.number("--seed", d.seed);
        flags.ifGiven("--out", v -> d.out = Path.of(v));
        return d.build();
    }

    /** A copy to change field by field; {@link #build()} validates. */
    static final class Draft {
        Duration duration;
        double rate;
        double loadFraction;
        Duration probeDuration;
        int replicas;
        int maxNumSeqs;
        double timeScale;
        Duration killEvery;
        Duration restartAfter;
        double abortFraction;
        int clientThreads;
        Duration sampleEvery;
        Duration heapWarmup;
        double heapSlopeLimitMb;
        Path gatewayJar;
        String gatewayHeap;
        long seed;
        Path out;

        Draft(SoakOptions o) {
            duration = o.duration;
            rate = o.rate;
            loadFraction = o.loadFraction;
            probeDuration = o.probeDuration;
            replicas = o.replicas;
            maxNumSeqs = o.maxNumSeqs;
            timeScale = o.timeScale;
            killEvery = o.killEvery;
            restartAfter = o.restartAfter;
            abortFraction = o.abortFraction;
            clientThreads = o.clientThreads;
            sampleEvery = o.sampleEvery;
            heapWarmup = o.heapWarmup;
            heapSlopeLimitMb = o.heapSlopeLimitMb;
            gatewayJar = o.gatewayJar;
            gatewayHeap = o.gatewayHeap;
            seed = o.seed;
            out = o.out;
        }

        SoakOptions build() {
            return new SoakOptions(duration, rate, loadFraction, probeDuration, replicas, maxNumSeqs, timeScale,
                    killEvery, restartAfter, abortFraction, clientThreads, sampleEvery, heapWarmup,
                    heapSlopeLimitMb, gatewayJar, gatewayHeap, seed, out);
        }
    }

    private static void requirePositive(String name, Duration value) {
        requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }
}
