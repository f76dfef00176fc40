package io.qgate.fleet;

import static java.util.Objects.requireNonNull;

import io.qgate.fleet.workload.Workload;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The scale-from-zero study: a pool on an office-hours trace, with one replica always up (the HPA
 * alone) against KEDA scaling it to zero at night with qgate holding the requests that arrive
 * while it wakes, and, as the baseline of what holding buys, scaled to zero without holding (those
 * requests get 503 until a replica is ready); last, holding with the release cap at the engine's
 * batch limit (max-num-seqs) rather than the gateway's default. The same arrivals for all four.
 */
public final class ZeroScenario {

    /** The HPA above one replica: the recommended rate and queue targets with deploy/'s behavior. */
    public static final double RATE_TARGET = 60;
    public static final double QUEUE_TARGET = 20;

    /**
     * @param quick           two weekdays, 48 times faster than real time (seconds of wall time)
     * @param baseRate        the busy hours' rate, requests/s
     * @param compression     how many times faster than real time the week runs
     * @param cooldown        the ScaledObject's cooldownPeriod
     * @param pollingInterval KEDA's pollingInterval
     * @param seed            the seed of every run
     * @param out             where the report and results go
     */
    public record Options(boolean quick, double baseRate, double compression, Duration cooldown,
                          Duration pollingInterval, long seed, Path out) {
        public Options {
            requireNonNull(cooldown, "cooldown");
            requireNonNull(pollingInterval, "pollingInterval");
            requireNonNull(out, "out");
            if (!(baseRate > 0) || Double.isInfinite(baseRate)) {
                throw new IllegalArgumentException("base rate: " + baseRate + " (expected: > 0)");
            }
            if (pollingInterval.isNegative() || pollingInterval.isZero() || cooldown.isNegative()) {
                throw new IllegalArgumentException("polling interval " + pollingInterval + ", cooldown " + cooldown
                        + " (expected: a polling interval > 0, a cooldown >= 0)");
            }
            // Fails on a bad compression now rather than after the first run.
            trace(quick, baseRate, compression);
        }

        public Trace trace() {
            return trace(quick, baseRate, compression);
        }

        private static Trace trace(boolean quick, double baseRate, double compression) {
            return Trace.officeHours(baseRate, compression, quick ? 2 : 7);
        }
    }

    public record Report(Options options, Instant startedAt, double wallSeconds, List<ZeroRun.Result> runs) {

        public long events() {
            return runs.stream().mapToLong(ZeroRun.Result::events).sum();
        }
    }

    private ZeroScenario() {}

    public static Report run(Options options, PrintStream progress) {
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        Trace trace = options.trace();
        progress.printf(Locale.ROOT, "autoscale-zero: office hours at %s req/s, %s days %s times faster than real "
                        + "time (%.1f h simulated), cooldown %s, polling every %s%n", Format.number(options.baseRate()),
                options.quick() ? "2" : "7", Format.plain(options.compression()), trace.durationSeconds() / 3600,
                options.cooldown(), options.pollingInterval());
        ScaledObject toZero = ScaledObject.toZero(options.pollingInterval(), options.cooldown());
        HoldingTier.Settings defaults = HoldingTier.Settings.gatewayDefaults(true);
        int maxNumSeqs = EngineModel.defaults().maxNumSeqs();
        List<ZeroRun.Setup> setups = List.of(
                new ZeroRun.Setup("min 1 (HPA alone)", base(trace, options.seed()), ScaledObject.minOne(),
                        HoldingTier.Settings.gatewayDefaults(false)),
                new ZeroRun.Setup("min 0, qgate holds", base(trace, options.seed()), toZero,
                        HoldingTier.Settings.gatewayDefaults(true)),
                new ZeroRun.Setup("min 0, no holding (503)", base(trace, options.seed()), toZero,
                        HoldingTier.Settings.gatewayDefaults(false)),
                // The release cap at the engine's batch limit instead of the gateway's default 16.
                new ZeroRun.Setup("min 0, qgate holds, release " + maxNumSeqs, base(trace, options.seed()), toZero,
                        new HoldingTier.Settings(true, defaults.timeoutNanos(), defaults.queueSize(), maxNumSeqs)));
        List<ZeroRun.Result> runs = new ArrayList<>();
        for (ZeroRun.Setup setup : setups) {
            ZeroRun.Result result = ZeroRun.run(setup);
            runs.add(result);
            progress.printf(Locale.ROOT, "  %-36s %8.1f replica-min  busy minutes meeting the objective %5.1f%%  "
                            + "held %d (p50 %.0f s, max %.0f s)  503 %d  wake-ups %d  %.1fs, %.1fM events%n",
                    setup.name(), result.replicaMinutes(), 100 * result.busyAttainment(), result.held().count(),
                    result.held().p50(), result.held().max(), result.failed(), result.wakeUps(), result.wallSeconds(),
                    result.events() / 1e6);
        }
        return new Report(options, startedAt, (System.nanoTime() - start) / 1e9, runs);
    }

    /**
     * The HPA KEDA creates above one replica: rate 60 + queue 20 per replica with deploy/'s
     * behavior; pods load for 60–120 s; three gateways; a 2 s TTFT p99 objective.
     */
    static AutoscaleSetup base(Trace trace, long seed) {
        return new AutoscaleSetup(trace, ScalingSignal.rateAndQueue(RATE_TARGET, QUEUE_TARGET), 1, 100, 1,
                AutoscaleSetup.deployScaleUp(), AutoscaleSetup.deployScaleDown(), AutoscaleSetup.DEPLOY_BEHAVIOR, 3,
                Duration.ofMillis(100), EngineModel.defaults(), Workload.sharegpt(),
                new Fleet.Settings(60_000_000_000L, 120_000_000_000L, 1_000_000_000L), Monitoring.Settings.defaults(),
                CpuModel.defaults(), MemoryModel.defaults(), 2000, seed);
    }
}
