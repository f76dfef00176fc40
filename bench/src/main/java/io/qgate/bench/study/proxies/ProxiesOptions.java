package io.qgate.bench.study.proxies;

import io.qgate.bench.cli.Flags;
import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Settings of the proxy-overhead benchmark.
 *
 * @param modes       {@code pinned} (the proxy on a core of its own) and/or {@code shared} (all on all cores)
 * @param targets     {@code direct}, {@code qgate}, {@code nginx}, {@code haproxy}
 * @param duration    each maximum-throughput run
 * @param rateDuration each fixed-rate run
 * @param warmup      unmeasured load before each maximum-throughput run: the proxies' JITs warm up
 *                    here (a JVM on one core needs several seconds), the fixed-rate runs come after
 * @param rateWarmup  unmeasured load at the same rate, on the same connections, before each fixed-rate
 *                    run: the load generator's JIT warms up, and so do the proxies' paths that
 *                    closed-loop runs on 64 connections never take (a Poisson load at thousands of
 *                    requests a second opens hundreds of connections in its first second; a JVM
 *                    proxy that meets that cold needed more than 3 s to recover, 2026-11-28)
 * @param connections closed-loop connections
 * @param fractions   the fixed rates, as fractions of the lowest proxy maximum
 * @param events      content events per stream
 * @param tool        {@code wrk} or {@code load}: what measures maximum throughput
 * @param maxLoad     before each mode, wait (at most {@link #MODE_WAIT}) for the 1-minute load average to
 *                    fall below this; 0: do not wait
 */
public record ProxiesOptions(Path out, List<String> modes, List<String> targets, Duration duration,
                             Duration rateDuration, Duration warmup, Duration rateWarmup, int connections, List<Double> fractions,
                             int events, String tool, double maxLoad, boolean quick) {

    static final Set<String> MODES = Set.of("pinned", "shared");
    static final Duration MODE_WAIT = Duration.ofMinutes(5);
    static final List<String> TARGETS = List.of("direct", "qgate", "nginx", "haproxy");

    public ProxiesOptions {
        requireNonNull(out, "out");
        modes = List.copyOf(modes);
        targets = List.copyOf(targets);
        fractions = List.copyOf(fractions);
        for (String mode : modes) {
            if (!MODES.contains(mode)) {
                throw new IllegalArgumentException("modes: " + mode + " (expected: pinned or shared)");
            }
        }
        for (String target : targets) {
            if (!TARGETS.contains(target)) {
                throw new IllegalArgumentException("targets: " + target + " (expected: one of " + TARGETS + ")");
            }
        }
        if (!targets.contains("direct")) {
            throw new IllegalArgumentException("targets: " + targets + " (expected: direct among them, the baseline)");
        }
        for (double fraction : fractions) {
            if (!(fraction > 0) || fraction > 1) {
                throw new IllegalArgumentException("rates: " + fraction + " (expected: in (0, 1])");
            }
        }
        if (connections < 1 || events < 1) {
            throw new IllegalArgumentException("connections, events: " + connections + ", " + events
                    + " (expected: > 0)");
        }
        if (!tool.equals("wrk") && !tool.equals("load")) {
            throw new IllegalArgumentException("tool: " + tool + " (expected: wrk or load)");
        }
    }

    public static ProxiesOptions parse(String[] args, Path defaultOut) {
        Flags flags = Flags.parse(args, Set.of("--out", "--modes", "--targets", "--duration", "--rate-duration",
                "--warmup", "--connections", "--rates", "--events", "--tool", "--max-load"), Set.of("--quick"));
        boolean quick = flags.has("--quick");
        boolean canPin = Runtime.getRuntime().availableProcessors() >= 2 && Path.of("/usr/bin/taskset").toFile()
                .canExecute();
        return new ProxiesOptions(
                Path.of(flags.text("--out", defaultOut.toString())),
                flags.words("--modes", canPin ? List.of("pinned", "shared") : List.of("shared")),
                flags.words("--targets", TARGETS),
                flags.duration("--duration", quick ? Duration.ofSeconds(2) : Duration.ofSeconds(10)),
                flags.duration("--rate-duration", quick ? Duration.ofSeconds(2) : Duration.ofSeconds(10)),
                flags.duration("--warmup", quick ? Duration.ofSeconds(2) : Duration.ofSeconds(15)),
                quick ? Duration.ofSeconds(1) : Duration.ofSeconds(10),
                flags.whole("--connections", quick ? 16 : 64),
                flags.numbers("--rates", List.of(0.25, 0.5)),
                flags.whole("--events", 200),
                flags.text("--tool", Wrk.binary().isPresent() ? "wrk" : "load"),
                flags.number("--max-load", 0),
                quick);
    }
}
