package io.qgate.fleet;

import static java.util.Objects.requireNonNull;

import io.qgate.fleet.workload.Workload;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Routing policies side by side on one workload, in virtual time: for each policy, Poisson load
 * rising step by step from half the fleet's capacity until time to first token p99 breaks the
 * objective; for each step, TTFT p50 and p99 and the output tokens per second the fleet produced
 * over the measured interval. A policy's figure at the objective is its last step that met it.
 * Every policy sees the same arrivals at each step (one seed).
 *
 * <p>The load unit is what one replica finishes saturated when no prompt is cached
 * ({@link EngineCapacity}), times the replicas: with shared prefixes a fleet can finish more.
 */
public final class RoutingComparison {

    /**
     * Offered load, as multiples of the fleet's capacity without cache hits, tried in order: from
     * half of it up by 10% a step, so a figure at the objective is within 10% of the breaking point.
     */
    static final double FIRST_LOAD = 0.5;
    static final double LOAD_STEP = 1.1;
    static final double LAST_LOAD = 30;
    private static final double DRAIN_SECONDS = 60;

    /**
     * @param scrapeInterval how often each gateway scrapes each engine
     * @param measureSeconds the measured interval of each step; a quarter of it runs first, unmeasured
     * @param objectiveMs    the TTFT p99 objective
     * @param maxNumSeqs     sequences each engine runs at once (the simulator's default engine otherwise)
     */
    public record Options(String workload, List<String> policies, int replicas, int gateways,
                          Duration scrapeInterval, double measureSeconds, long seed, double objectiveMs,
                          int maxNumSeqs) {
        public Options {
            requireNonNull(workload, "workload");
            requireNonNull(scrapeInterval, "scrapeInterval");
            policies = List.copyOf(policies);
            if (policies.isEmpty()) {
                throw new IllegalArgumentException("policies: none (expected: one or more of "
                        + RoutingCase.POLICIES + ")");
            }
            for (String policy : policies) {
                if (!RoutingCase.POLICIES.contains(policy)) {
                    throw new IllegalArgumentException("policy: " + policy + " (expected: one of "
                            + RoutingCase.POLICIES + ")");
                }
            }
            if (replicas < 1 || gateways < 1 || maxNumSeqs < 1) {
                throw new IllegalArgumentException("replicas: " + replicas + ", gateways: " + gateways
                        + ", max-num-seqs: " + maxNumSeqs + " (expected: > 0)");
            }
            if (!(measureSeconds > 0) || scrapeInterval.isNegative() || scrapeInterval.isZero()) {
                throw new IllegalArgumentException("duration: " + measureSeconds + " s, scrape interval: "
                        + scrapeInterval + " (expected: > 0)");
            }
        }
    }

    /**
     * One policy at one offered load.
     *
     * @param load                  offered load, a multiple of the fleet's capacity without cache hits
     * @param outputTokensPerSecond tokens all engines produced over the measured interval, per second
     * @param prefixHitRate         share of prompt tokens found in the prefix caches
     */
    public record Row(String policy, String workload, int replicas, int gateways, double load, double offeredRps,
                      TtftLog.Stats ttft, double outputTokensPerSecond, long preemptions, double prefixHitRate,
                      long failed) {}

    /**
     * A policy at the objective.
     *
     * @param met    its highest step that met the objective, or null when none did
     * @param broken its first step that broke it, or null when none did
     */
    public record AtObjective(String policy, Row met, Row broken) {}

    public record Result(Options options, double replicaCapacity, List<Row> rows, List<AtObjective> atObjective) {}

    private RoutingComparison() {}

    public static Result run(Options options, PrintStream progress) {
        Workload workload = Workload.named(options.workload());
        EngineModel model = EngineModel.defaults().withMaxNumSeqs(options.maxNumSeqs());
        double capacity = EngineCapacity.requestsPerSecond(model, workload, options.seed(), 300);
        progress.printf(Locale.ROOT, "%s: one replica (max-num-seqs %d) finishes %.2f requests/s saturated without "
                + "cache hits; %d replicas, %d gateway(s), TTFT p99 objective %.0f ms%n", workload.name(),
                options.maxNumSeqs(), capacity, options.replicas(), options.gateways(), options.objectiveMs());
        List<Row> rows = new ArrayList<>();
        List<AtObjective> best = new ArrayList<>();
        for (String policy : options.policies()) {
            Row met = null;
            Row broken = null;
            for (double load = FIRST_LOAD; load <= LAST_LOAD; load *= LOAD_STEP) {
                Row row = step(options, policy, model, workload, capacity, load);
                rows.add(row);
                progress.printf(Locale.ROOT, "  %-14s load %5.2f (%7.1f req/s): TTFT p50 %8s p99 %8s ms, %,9.0f "
                                + "output tokens/s, hits %3.0f%%, %d preemptions%n", policy, load, row.offeredRps(),
                        Format.millis(row.ttft().p50Ms()), Format.millis(row.ttft().p99Ms()),
                        row.outputTokensPerSecond(), 100 * row.prefixHitRate(), row.preemptions());
                if (row.ttft().p99Ms() <= options.objectiveMs()) {
                    met = row;
                } else {
                    broken = row;
                    break;
                }
            }
            best.add(new AtObjective(policy, met, broken));
        }
        return new Result(options, capacity, rows, best);
    }

    private static Row step(Options options, String policy, EngineModel model, Workload workload, double capacity,
                            double load) {
        boolean bound = RoutingCase.bound(policy);
        RoutingCase routingCase = new RoutingCase(options.replicas(), bound ? 1 : options.gateways(), policy,
                RoutingCase.scrapes(policy) ? options.scrapeInterval() : null);
        double warmup = options.measureSeconds() / 4;
        Simulation sim = new Simulation();
        long from = (long) (warmup * 1e9);
        long until = (long) ((warmup + options.measureSeconds()) * 1e9);
        TtftLog log = new TtftLog(from, until);
        FleetSim fleetSim = new FleetSim(sim, model, new Fleet.Settings(0, 0, 0), log, options.seed());
        fleetSim.fleet().startReady(options.replicas());
        fleetSim.routeAs(routingCase);
        double rate = capacity * options.replicas() * load;
        fleetSim.offer(Trace.constant(rate, warmup + options.measureSeconds()), workload);
        Counters[] at = new Counters[2];
        sim.at(from, () -> at[0] = Counters.of(fleetSim.fleet()));
        sim.at(until, () -> at[1] = Counters.of(fleetSim.fleet()));
        sim.runUntil(until + (long) (DRAIN_SECONDS * 1e9));
        Counters measured = at[1].minus(at[0]);
        return new Row(policy, workload.name(), options.replicas(), routingCase.gateways(), load, rate,
                log.measured(), measured.tokens() / options.measureSeconds(), measured.preemptions(),
                measured.queried() == 0 ? 0 : (double) measured.hits() / measured.queried(), fleetSim.failed());
    }

    /** What the engines have counted so far, summed over the fleet. */
    private record Counters(long tokens, long preemptions, long hits, long queried) {
        static Counters of(Fleet fleet) {
            long tokens = 0;
            long preemptions = 0;
            long hits = 0;
            long queried = 0;
            for (Replica pod : fleet.pods()) {
                tokens += pod.engine.tokensEmitted();
                preemptions += pod.engine.preemptions();
                hits += pod.engine.prefixCache().hitTokens();
                queried += pod.engine.prefixCache().queriedTokens();
            }
            return new Counters(tokens, preemptions, hits, queried);
        }

        Counters minus(Counters earlier) {
            return new Counters(tokens - earlier.tokens, preemptions - earlier.preemptions, hits - earlier.hits,
                    queried - earlier.queried);
        }
    }
}
