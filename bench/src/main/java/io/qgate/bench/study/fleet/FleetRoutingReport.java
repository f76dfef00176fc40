package io.qgate.bench.study.fleet;

import io.qgate.bench.harness.Charts;
import io.qgate.fleet.FleetRoutingScenario;
import io.qgate.fleet.Format;
import io.qgate.fleet.RoutingCase;
import io.qgate.fleet.RoutingRun;
import io.qgate.routing.config.Units;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code fleet-routing.md}, {@code fleet-routing.json} and the plots of the fleet-scale routing study. */
final class FleetRoutingReport {

    static final String MARKDOWN_FILE = "fleet-routing.md";
    static final String JSON_FILE = "fleet-routing.json";

    /**
     * TTFT p99 (ms) of the live routing bench on real sockets, from
     * {@code bench/results/routing-2026-11-28/report.md}: the figures the replay is checked against.
     */
    static final Map<String, Double> LIVE_P99_MS = Map.of("round-robin", 2347.0, "least-inflight", 1173.5,
            "queue, 100ms", 590.8, "queue-uncorrected, 100ms", 744.4, "queue, 1s", 1204.2,
            "queue-uncorrected, 1s", 1988.6);

    private FleetRoutingReport() {}

    static List<Path> write(FleetRoutingScenario.Report report, Path dir) {
        return ReportFiles.write(dir, MARKDOWN_FILE, JSON_FILE, d -> plots(report, d), p -> markdown(report, p),
                () -> json(report));
    }

    static String markdown(FleetRoutingScenario.Report report, List<Path> plots) {
        StringBuilder md = new StringBuilder();
        md.append("# Routing at fleet scale: qgate's policies against an oracle, in virtual time\n\n");
        md.append(String.format(Locale.ROOT, "- Replicas: the simulator's engine with max-num-seqs %d (the live "
                        + "routing bench's), ShareGPT-like streaming requests; saturated, one replica finishes %.3f "
                        + "requests/s (the live bench measured 9.86 for four, %.3f each). Offered load: %.0f%% of the "
                        + "fleet's, Poisson.%n", FleetRoutingScenario.MAX_NUM_SEQS, report.replicaCapacity(), 9.86 / 4,
                100 * FleetRoutingScenario.LOAD));
        md.append("- Routing: the production router (`io.qgate.routing.Router`) with the simulation's clock, one per "
                + "gateway; each request lands on a gateway at random. `queue` scrapes every engine at the interval "
                + "(the staleness limit is max(1 s, 2 x interval)); `queue-uncorrected` is the same without the "
                + "dispatched-since-scrape correction; `least-inflight`, `round-robin` and `random` read no scrapes. "
                + "The **oracle** sends each request to a replica with the fewest requests in it at that instant "
                + "(in its engine or on the way in), ties at random.\n");
        md.append("- Figures: TTFT p99 over the measured interval (after a warm-up; at least two minutes and 20,000 "
                + "requests), relative to the oracle's on the same fleet; below 1 is noise or the KV-cache "
                + "tie-break, not a router that beats the truth. ∞: more than 1% of the measured requests still had "
                + "no first token 60 s after the interval ended (the queues grew without bound).\n");
        md.append(String.format(Locale.ROOT, "- Seed %d (the same arrivals for every policy on a fleet). Wall time "
                        + "%.0f s; %,d events at %,.0f events/s overall%s.%n%n", report.seed(), report.wallSeconds(),
                report.events(), report.events() / Math.max(1e-9, report.runWallSeconds()),
                report.quick() ? "; **quick run**" : ""));

        List<Integer> sizes = report.runs().stream().map(r -> r.routingCase().replicas()).distinct().toList();
        md.append("## TTFT p99 of the oracle\n\n| replicas |");
        sizes.forEach(n -> md.append(' ').append(n).append(" |"));
        md.append("\n|---|");
        sizes.forEach(n -> md.append("---:|"));
        md.append("\n| oracle p99 ms |");
        sizes.forEach(n -> md.append(' ').append(Format.millis(report.oracle(n).ttft().p99Ms())).append(" |"));
        md.append("\n\n");

        for (int gateways : FleetRoutingScenario.GATEWAYS) {
            md.append(String.format(Locale.ROOT, "## p99 TTFT relative to the oracle, %d gateway%s%n%n", gateways,
                    gateways > 1 ? "s" : ""));
            md.append("| policy |");
            sizes.forEach(n -> md.append(' ').append(n).append(" replicas |"));
            md.append("\n|---|");
            sizes.forEach(n -> md.append("---:|"));
            md.append('\n');
            for (String label : policyLabels(report)) {
                md.append("| ").append(label).append(" |");
                for (int n : sizes) {
                    RoutingRun.Result run = find(report, n, gateways, label);
                    md.append(' ').append(run == null ? "—" : Format.ratio(report.ratio(run))).append(" |");
                }
                md.append('\n');
            }
            md.append('\n');
        }

        md.append("## The live routing bench replayed\n\n");
        md.append(String.format(Locale.ROOT, "The live bench's rows: 4 replicas behind 3 gateways at a nominal 85%% "
                        + "load, each row 120 s from a fresh fleet (its queues still building), run once each. The "
                        + "simulation replays each row with %d seeds, at 85%% and at 80%% of its capacity; the live "
                        + "p99 is one draw from such a spread. Absolute p99s depend steeply on the load near "
                        + "saturation, so the policies are also compared relative to round-robin.%n%n",
                report.live().isEmpty() ? 0 : report.live().get(0).p99Ms().length));
        md.append("| configuration | live p99 ms | live / round-robin |");
        for (double load : FleetRoutingScenario.LIVE_LOADS) {
            md.append(String.format(Locale.ROOT, " simulated %.0f%%: median p99 ms (quartiles) | / round-robin |",
                    100 * load));
        }
        md.append("\n|---|---:|---:|");
        for (double ignored : FleetRoutingScenario.LIVE_LOADS) {
            md.append("---:|---:|");
        }
        md.append('\n');
        Double liveRoundRobin = LIVE_P99_MS.get("round-robin");
        for (FleetRoutingScenario.LiveCase liveCase : FleetRoutingScenario.LIVE_CASES) {
            String label = FleetRoutingScenario.liveLabel(liveCase);
            Double live = LIVE_P99_MS.get(label);
            md.append(String.format(Locale.ROOT, "| %s | %s | %s |", label, live == null ? "—" : Format.millis(live),
                    live == null ? "—" : Format.ratio(live / liveRoundRobin)));
            for (double load : FleetRoutingScenario.LIVE_LOADS) {
                FleetRoutingScenario.LiveCheck check = liveCheck(report, liveCase, load);
                FleetRoutingScenario.LiveCheck roundRobin = liveCheck(report, FleetRoutingScenario.LIVE_CASES.get(0), load);
                if (check == null || roundRobin == null) {
                    md.append(" — | — |");
                    continue;
                }
                md.append(String.format(Locale.ROOT, " %s (%s–%s) | %s |", Format.millis(check.quantile(0.5)),
                        Format.millis(check.quantile(0.25)), Format.millis(check.quantile(0.75)),
                        Format.ratio(check.quantile(0.5) / roundRobin.quantile(0.5))));
            }
            md.append('\n');
        }
        md.append('\n');

        md.append("## Scale\n\n| run | requests | TTFT p99 ms | virtual s | wall s | events | events/s |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (RoutingRun.Result run : report.scale()) {
            md.append(String.format(Locale.ROOT, "| %s, %,.0f req/s, default engine | %,d | %s | %.0f | %.1f | %,d | "
                            + "%,.0f |%n", run.routingCase().label(), run.offeredRps(), run.ttft().requests(),
                    Format.millis(run.ttft().p99Ms()), run.virtualSeconds(), run.wallSeconds(), run.events(),
                    run.eventsPerSecond()));
        }
        md.append("\nThe virtual time includes 60 s without arrivals at the end, so that every request of the "
                + "measured interval gets its first token.\n\n");

        md.append("## Plots\n\n");
        for (Path plot : plots) {
            md.append("![").append(plot.getFileName()).append("](").append(plot.getFileName()).append(")\n\n");
        }
        return md.toString();
    }

    private static FleetRoutingScenario.LiveCheck liveCheck(FleetRoutingScenario.Report report,
                                                            FleetRoutingScenario.LiveCase liveCase, double load) {
        return report.live().stream().filter(c -> c.liveCase().equals(liveCase) && c.load() == load).findFirst()
                .orElse(null);
    }

    /** The non-oracle policies in table order: baselines, then queue and queue-uncorrected by interval. */
    private static List<String> policyLabels(FleetRoutingScenario.Report report) {
        List<String> labels = new ArrayList<>();
        for (RoutingRun.Result run : report.runs()) {
            if (!run.routingCase().oracle()) {
                String label = policyLabel(run.routingCase());
                if (!labels.contains(label)) {
                    labels.add(label);
                }
            }
        }
        labels.sort((a, b) -> Integer.compare(order(report, a), order(report, b)));
        return labels;
    }

    private static int order(FleetRoutingScenario.Report report, String label) {
        for (int i = 0; i < FleetRoutingScenario.BASELINES.size(); i++) {
            if (label.equals(FleetRoutingScenario.BASELINES.get(i))) {
                return i;
            }
        }
        int base = label.startsWith("queue-uncorrected") ? 200 : 100;
        for (int i = 0; i < FleetRoutingScenario.SCRAPE_INTERVALS.size(); i++) {
            if (label.endsWith(" @" + Units.format(FleetRoutingScenario.SCRAPE_INTERVALS.get(i)))) {
                return base + i;
            }
        }
        return 1000;
    }

    static String policyLabel(RoutingCase routingCase) {
        return routingCase.policy()
                + (routingCase.scrapeInterval() == null ? "" : " @" + Units.format(routingCase.scrapeInterval()));
    }

    private static RoutingRun.Result find(FleetRoutingScenario.Report report, int replicas, int gateways, String label) {
        return report.runs().stream().filter(r -> !r.routingCase().oracle() && r.routingCase().replicas() == replicas
                && r.routingCase().gateways() == gateways && policyLabel(r.routingCase()).equals(label))
                .findFirst().orElse(null);
    }

    private static List<Path> plots(FleetRoutingScenario.Report report, Path dir) {
        List<Path> files = new ArrayList<>();
        List<Integer> sizes = report.runs().stream().map(r -> r.routingCase().replicas()).distinct().toList();
        Duration reference = Duration.ofMillis(100);
        for (int gateways : FleetRoutingScenario.GATEWAYS) {
            List<Charts.Line> lines = new ArrayList<>();
            for (String label : policyLabels(report)) {
                boolean baseline = FleetRoutingScenario.BASELINES.contains(label);
                if (!baseline && !label.endsWith(" @" + Units.format(reference))) {
                    continue;
                }
                lines.add(ratioLine(report, label, gateways, sizes));
            }
            Path file = dir.resolve("fleet-routing-replicas-" + gateways + "gw.png");
            Charts.lines(file, String.format(Locale.ROOT, "p99 TTFT / oracle's, %d gateway%s, queue scraping every "
                            + "100 ms", gateways, gateways > 1 ? "s" : ""), "replicas", "p99 TTFT relative to the oracle",
                    lines, true, true, 1.0);
            files.add(file);
        }
        int largest = sizes.get(sizes.size() - 1);
        for (int gateways : FleetRoutingScenario.GATEWAYS) {
            List<Charts.Line> lines = new ArrayList<>();
            for (String policy : List.of("queue", "queue-uncorrected")) {
                List<double[]> points = new ArrayList<>();
                for (RoutingRun.Result run : report.runs()) {
                    RoutingCase c = run.routingCase();
                    if (c.policy().equals(policy) && c.gateways() == gateways && c.replicas() == largest) {
                        points.add(new double[] {c.scrapeInterval().toMillis(), report.ratio(run)});
                    }
                }
                lines.add(new Charts.Line(policy, points.stream().mapToDouble(p -> p[0]).toArray(),
                        points.stream().mapToDouble(p -> p[1]).toArray()));
            }
            for (String baseline : FleetRoutingScenario.BASELINES) {
                RoutingRun.Result run = find(report, largest, gateways, baseline);
                if (run != null) {
                    lines.add(new Charts.Line(baseline + " (no scrapes)", new double[] {50, 5000},
                            new double[] {report.ratio(run), report.ratio(run)}, Charts.Style.DASHED));
                }
            }
            Path file = dir.resolve("fleet-routing-scrape-" + gateways + "gw.png");
            Charts.lines(file, String.format(Locale.ROOT, "p99 TTFT / oracle's on %,d replicas, %d gateway%s", largest,
                            gateways, gateways > 1 ? "s" : ""), "scrape interval (ms)", "p99 TTFT relative to the oracle",
                    lines, true, true, 1.0);
            files.add(file);
        }
        return files;
    }

    private static Charts.Line ratioLine(FleetRoutingScenario.Report report, String label, int gateways,
                                         List<Integer> sizes) {
        List<double[]> points = new ArrayList<>();
        for (int n : sizes) {
            RoutingRun.Result run = find(report, n, gateways, label);
            if (run != null) {
                points.add(new double[] {n, report.ratio(run)});
            }
        }
        return new Charts.Line(label, points.stream().mapToDouble(p -> p[0]).toArray(),
                points.stream().mapToDouble(p -> p[1]).toArray());
    }

    static String json(FleetRoutingScenario.Report report) {
        JsonMapper json = JsonMapper.shared();
        ObjectNode root = json.createObjectNode();
        root.put("scenario", "fleet-routing");
        root.put("startedAt", report.startedAt().toString());
        root.put("quick", report.quick());
        root.put("seed", report.seed());
        root.put("wallSeconds", ReportFiles.round(report.wallSeconds()));
        root.put("events", report.events());
        root.put("eventsPerSecond", Math.round(report.events() / Math.max(1e-9, report.runWallSeconds())));
        root.put("maxNumSeqs", FleetRoutingScenario.MAX_NUM_SEQS);
        root.put("load", FleetRoutingScenario.LOAD);
        root.put("replicaCapacityRps", ReportFiles.round(report.replicaCapacity()));
        root.put("defaultEngineReplicaCapacityRps", ReportFiles.round(report.defaultCapacity()));
        ArrayNode runs = root.putArray("runs");
        for (RoutingRun.Result run : report.runs()) {
            ObjectNode node = runs.addObject();
            putRun(node, run);
            ReportFiles.put(node, "p99RelativeToOracle", report.ratio(run));
        }
        ArrayNode live = root.putArray("liveCheck");
        for (FleetRoutingScenario.LiveCheck check : report.live()) {
            ObjectNode node = live.addObject();
            String label = FleetRoutingScenario.liveLabel(check.liveCase());
            node.put("configuration", label);
            node.put("load", check.load());
            Double measured = LIVE_P99_MS.get(label);
            if (measured == null) {
                node.putNull("liveP99Ms");
            } else {
                node.put("liveP99Ms", measured);
            }
            ArrayNode seeds = node.putArray("simulatedP99Ms");
            for (double p99 : check.p99Ms()) {
                ReportFiles.add(seeds, p99);
            }
            ReportFiles.put(node, "simulatedMedianP99Ms", check.quantile(0.5));
        }
        ArrayNode scale = root.putArray("scale");
        for (RoutingRun.Result run : report.scale()) {
            putRun(scale.addObject(), run);
        }
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    private static void putRun(ObjectNode node, RoutingRun.Result run) {
        RoutingCase c = run.routingCase();
        node.put("policy", c.policy());
        node.put("replicas", c.replicas());
        node.put("gateways", c.oracle() ? 0 : c.gateways());
        if (c.scrapeInterval() == null) {
            node.putNull("scrapeIntervalMs");
        } else {
            node.put("scrapeIntervalMs", c.scrapeInterval().toMillis());
        }
        node.put("offeredRps", ReportFiles.round(run.offeredRps()));
        node.put("requests", run.ttft().requests());
        ReportFiles.put(node, "ttftP50Ms", run.ttft().p50Ms());
        ReportFiles.put(node, "ttftP99Ms", run.ttft().p99Ms());
        ReportFiles.put(node, "ttftMeanMs", run.ttft().meanMs());
        node.put("events", run.events());
        node.put("wallSeconds", ReportFiles.round(run.wallSeconds()));
        node.put("virtualSeconds", ReportFiles.round(run.virtualSeconds()));
    }
}
