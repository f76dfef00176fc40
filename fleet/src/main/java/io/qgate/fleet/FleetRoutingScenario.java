package io.qgate.fleet;

import io.qgate.fleet.workload.Workload;
import io.qgate.routing.config.Units;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Routing at fleet scale: qgate's policies against the oracle on fleets of 4 to 1,000 replicas,
 * with 1 and 3 gateways and scrape intervals from 50 ms to 5 s; then the live routing bench's
 * configuration replayed in virtual time, as a check on the simulation; then one run at the scale
 * the simulator must sustain (1,000 replicas, 20,000 requests/s).
 *
 * <p>The replicas are the live routing bench's: the simulator's engine with max-num-seqs 8, so
 * that a replica queues at a few requests per second and the fleet's load is 85% of what it can
 * finish, as in that bench.
 */
public final class FleetRoutingScenario {

    public static final int MAX_NUM_SEQS = 8;
    public static final double LOAD = 0.85;
    static final int[] REPLICAS = {4, 16, 64, 256, 1000};
    public static final List<Duration> SCRAPE_INTERVALS = List.of(Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(5));
    public static final List<Integer> GATEWAYS = List.of(1, 3);
    public static final List<String> BASELINES = List.of("round-robin", "random", "least-inflight");
    /** Enough measured requests for a steady p99: at least this many, and at least two minutes. */
    static final double MEASURED_REQUESTS = 20_000;

    /** The live bench's rows, replayed: its policies on 4 replicas behind 3 gateways, for 120 s from a fresh fleet. */
    static final int LIVE_SEEDS = 20;
    static final int SCALE_REPLICAS = 1000;
    static final double SCALE_RATE = 20_000;
    static final double SCALE_SECONDS = 60;

    /** The live check's configurations: the policy and its scrape interval (null for none). */
    public record LiveCase(String policy, Duration scrapeInterval) {}

    public static final List<LiveCase> LIVE_CASES = List.of(new LiveCase("round-robin", null),
            new LiveCase("least-inflight", null), new LiveCase("queue", Duration.ofMillis(100)),
            new LiveCase("queue-uncorrected", Duration.ofMillis(100)), new LiveCase("queue", Duration.ofSeconds(1)),
            new LiveCase("queue-uncorrected", Duration.ofSeconds(1)));

    /** Loads of the replay: the live bench's nominal one, and a little less. */
    public static final List<Double> LIVE_LOADS = List.of(0.85, 0.80);

    /** The DES's p99 TTFT of one live-check configuration at one load over several seeds. */
    public record LiveCheck(LiveCase liveCase, double load, double[] p99Ms) {
        public double quantile(double q) {
            double[] sorted = p99Ms.clone();
            Arrays.sort(sorted);
            return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
        }
    }

    /**
     * @param replicaCapacity one replica's saturated throughput with max-num-seqs 8
     * @param defaultCapacity one replica's with the simulator's default engine
     * @param runs            every sweep run, oracle included
     * @param live            the live bench replayed
     * @param scale           the runs at 1,000 replicas and 20,000 requests/s
     */
    public record Report(boolean quick, long seed, Instant startedAt, double wallSeconds, double replicaCapacity,
                  double defaultCapacity, List<RoutingRun.Result> runs, List<LiveCheck> live,
                  List<RoutingRun.Result> scale) {

        public RoutingRun.Result oracle(int replicas) {
            return runs.stream().filter(r -> r.routingCase().oracle() && r.routingCase().replicas() == replicas)
                    .findFirst().orElseThrow();
        }

        /** p99 TTFT relative to the oracle's on the same fleet. */
        public double ratio(RoutingRun.Result run) {
            return run.ttft().p99Ms() / oracle(run.routingCase().replicas()).ttft().p99Ms();
        }

        public long events() {
            return all().stream().mapToLong(RoutingRun.Result::events).sum();
        }

        public double runWallSeconds() {
            return all().stream().mapToDouble(RoutingRun.Result::wallSeconds).sum();
        }

        private List<RoutingRun.Result> all() {
            List<RoutingRun.Result> all = new ArrayList<>(runs);
            all.addAll(scale);
            return all;
        }
    }

    private FleetRoutingScenario() {}

    public static Report run(boolean quick, long seed, PrintStream progress) {
        return run(quick, seed, null, progress);
    }

    /** As above, every multi-gateway run's gateways sharing their counts over {@code peers} (null: off). */
    public static Report run(boolean quick, long seed, PeerNetwork.Settings peers, PrintStream progress) {
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        EngineModel model = EngineModel.defaults().withMaxNumSeqs(MAX_NUM_SEQS);
        Workload workload = Workload.sharegpt();
        double capacity = EngineCapacity.requestsPerSecond(model, workload, seed, 3600);
        double defaultCapacity = EngineCapacity.requestsPerSecond(EngineModel.defaults(), workload, seed, 900);
        progress.printf(Locale.ROOT, "fleet-routing: one replica (max-num-seqs %d) finishes %.3f requests/s "
                + "saturated; offered load %.0f%% of the fleet's%n", MAX_NUM_SEQS, capacity, 100 * LOAD);

        int[] sizes = quick ? new int[] {4, 16} : REPLICAS;
        List<Duration> intervals = quick ? List.of(Duration.ofMillis(100), Duration.ofSeconds(1)) : SCRAPE_INTERVALS;
        double warmup = quick ? 30 : 60;
        List<RoutingRun.Result> runs = new ArrayList<>();
        progress.println("phase 1/3: every policy against the oracle");
        for (int replicas : sizes) {
            double rate = capacity * replicas * LOAD;
            double measure = quick ? 60 : Math.max(120, MEASURED_REQUESTS / rate);
            List<RoutingCase> cases = new ArrayList<>();
            cases.add(new RoutingCase(replicas, 1, "oracle", null));
            for (int gateways : GATEWAYS) {
                for (String baseline : BASELINES) {
                    cases.add(new RoutingCase(replicas, gateways, baseline, null));
                }
                for (Duration interval : intervals) {
                    cases.add(new RoutingCase(replicas, gateways, "queue", interval));
                    cases.add(new RoutingCase(replicas, gateways, "queue-uncorrected", interval));
                }
            }
            for (RoutingCase routingCase : cases) {
                RoutingRun.Result result = RoutingRun.run(routingCase, model, workload, capacity, LOAD, warmup,
                        measure, seed, peers);
                runs.add(result);
                progress.printf(Locale.ROOT, "  %-52s TTFT p99 %10s ms  %6.1fs wall, %.1fM events%n",
                        routingCase.label(), Format.millis(result.ttft().p99Ms()), result.wallSeconds(),
                        result.events() / 1e6);
            }
        }

        progress.printf(Locale.ROOT, "phase 2/3: the live routing bench replayed (4 replicas, 3 gateways, 120 s from "
                + "a fresh fleet, %d seeds)%n", quick ? 3 : LIVE_SEEDS);
        List<LiveCheck> live = new ArrayList<>();
        for (double load : LIVE_LOADS) {
            for (LiveCase liveCase : LIVE_CASES) {
                int seeds = quick ? 3 : LIVE_SEEDS;
                double[] p99 = new double[seeds];
                for (int s = 0; s < seeds; s++) {
                    RoutingCase routingCase = new RoutingCase(4, 3, liveCase.policy(), liveCase.scrapeInterval());
                    p99[s] = RoutingRun.run(routingCase, model, workload, capacity, load, 0, 120, seed + s, peers)
                            .ttft().p99Ms();
                }
                LiveCheck check = new LiveCheck(liveCase, load, p99);
                live.add(check);
                progress.printf(Locale.ROOT, "  %3.0f%% %-26s TTFT p99 median %s ms (quartiles %s-%s)%n", 100 * load,
                        liveLabel(liveCase), Format.millis(check.quantile(0.5)), Format.millis(check.quantile(0.25)),
                        Format.millis(check.quantile(0.75)));
            }
        }

        List<RoutingRun.Result> scale = new ArrayList<>();
        double scaleSeconds = quick ? 5 : SCALE_SECONDS;
        progress.printf(Locale.ROOT, "phase 3/3: %,d replicas (default engine), 3 gateways, %,.0f requests/s for %.0f "
                + "virtual s%n", SCALE_REPLICAS, SCALE_RATE, scaleSeconds);
        for (String policy : List.of("queue", "oracle")) {
            scale.add(scaleRun(policy, scaleSeconds, seed, peers, progress));
        }
        double wall = (System.nanoTime() - start) / 1e9;
        return new Report(quick, seed, startedAt, wall, capacity, defaultCapacity, runs, live, scale);
    }

    /**
     * The run at scale: {@value #SCALE_REPLICAS} replicas of the default engine, three gateways
     * scraping every 100 ms (for a policy that scrapes), {@value #SCALE_RATE} requests/s for
     * {@code seconds} of virtual time; {@code peers} null for none.
     */
    public static RoutingRun.Result scaleRun(String policy, double seconds, long seed, PeerNetwork.Settings peers,
                                             PrintStream progress) {
        RoutingCase routingCase = new RoutingCase(SCALE_REPLICAS, 3, policy,
                RoutingCase.scrapes(policy) ? Duration.ofMillis(100) : null);
        // A fixed rate rather than a share of capacity: the run offers capacity x replicas x load.
        RoutingRun.Result result = RoutingRun.run(routingCase, EngineModel.defaults(), Workload.sharegpt(),
                SCALE_RATE / SCALE_REPLICAS, 1.0, 0, seconds, seed, peers);
        progress.printf(Locale.ROOT, "  %-40s %,d requests, TTFT p99 %s ms, %.0f virtual s, %.1f s wall, %.1f s CPU, "
                + "%,d events%n", routingCase.label(), result.ttft().requests(), Format.millis(result.ttft().p99Ms()),
                result.virtualSeconds(), result.wallSeconds(), result.cpuSeconds(), result.events());
        return result;
    }

    public static String liveLabel(LiveCase liveCase) {
        return liveCase.policy() + (liveCase.scrapeInterval() == null ? ""
                : ", " + Units.format(liveCase.scrapeInterval()));
    }
}
