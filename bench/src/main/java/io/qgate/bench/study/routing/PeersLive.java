package io.qgate.bench.study.routing;

import io.qgate.bench.harness.Fleet;
import io.qgate.bench.harness.GatewayTier;
import io.qgate.bench.harness.PeerSettings;
import io.qgate.bench.harness.ProcessTier;
import io.qgate.bench.harness.RoutingTier;
import io.qgate.bench.harness.Sleep;
import io.qgate.bench.harness.StudyCli;
import io.qgate.bench.sim.SimOptions;
import io.qgate.bench.sim.SimServer;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Gateways that route as one, live: the routing bench's fleet and tier (three gateways sharing
 * four simulated replicas), queue routing with 1 s scrapes, with and without peers. Two
 * measurements each: p99 time to first token under the bench's Poisson load, and where a burst
 * sent at once to all three gateways lands when every gateway's last scrape shows one replica idle
 * and the others full.
 */
final class PeersLive {

    /** Requests each gateway gets in the burst. */
    static final int BURST_PER_GATEWAY = 24;
    /** The modelled peers.interval, scaled to the wall clock like the scrapes. */
    private static final Duration PEERS_INTERVAL = Duration.ofMillis(10);
    private static final Duration SCRAPE = Duration.ofSeconds(1);

    /**
     * Where one burst landed.
     *
     * @param preloaded requests each replica had running before the burst (directly, not through a gateway)
     * @param landed    burst requests each replica received
     */
    record Burst(String name, int[] preloaded, int[] landed) {
        /** The busiest replica's requests after the burst over the mean: 1.0 is perfectly even. */
        double imbalance() {
            double most = 0;
            double sum = 0;
            for (int i = 0; i < landed.length; i++) {
                most = Math.max(most, preloaded[i] + landed[i]);
                sum += preloaded[i] + landed[i];
            }
            return most / (sum / landed.length);
        }
    }

    record Report(ScenarioOptions options, double offered, List<RowResult> rows, List<Burst> bursts)
            implements StudyCli.Report {

        @Override
        public String toJson() {
            JsonMapper json = JsonMapper.shared();
            ObjectNode root = json.createObjectNode();
            root.put("scenario", "routing-peers");
            root.put("replicas", options.replicas());
            root.put("gateways", options.gateways());
            root.put("timeScale", options.timeScale());
            root.put("load", options.load());
            root.put("offeredRps", offered);
            ArrayNode rowsNode = root.putArray("rows");
            for (RowResult row : rows) {
                ObjectNode node = rowsNode.addObject();
                node.put("name", row.name());
                node.put("requests", row.requests());
                node.put("errors", row.errors());
                node.put("ttftP50Ms", row.ttft().p50());
                node.put("ttftP99Ms", row.ttft().p99());
                node.put("e2eP99Ms", row.e2e().p99());
            }
            ArrayNode burstsNode = root.putArray("bursts");
            for (Burst burst : bursts) {
                ObjectNode node = burstsNode.addObject();
                node.put("name", burst.name());
                Arrays.stream(burst.preloaded()).forEach(node.putArray("preloaded")::add);
                Arrays.stream(burst.landed()).forEach(node.putArray("landed")::add);
                node.put("imbalance", burst.imbalance());
            }
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        }

        @Override
        public String toMarkdown() {
            StringBuilder md = new StringBuilder();
            md.append(String.format(Locale.ROOT, "%d gateways, %d replicas (max-num-seqs %d), time scale %s, "
                    + "%.0f%% load (%.2f requests per modelled second); modelled milliseconds.%n%n",
                    options.gateways(), options.replicas(), options.maxNumSeqs(), options.timeScale(),
                    100 * options.load(), offered));
            md.append("| routing | requests | errors | TTFT p50 ms | TTFT p99 ms | E2E p99 ms |\n");
            md.append("|---|---:|---:|---:|---:|---:|\n");
            for (RowResult row : rows) {
                md.append(String.format(Locale.ROOT, "| %s | %d | %d | %.0f | %.0f | %.0f |%n", row.name(),
                        row.requests(), row.errors(), row.ttft().p50(), row.ttft().p99(), row.e2e().p99()));
            }
            md.append(String.format(Locale.ROOT, "%nA burst of %d requests to each gateway at once; before it, "
                    + "every replica but the first runs a full batch sent to it directly, and every gateway has "
                    + "scraped that. Even would be the same total on every replica (imbalance 1.00).%n%n",
                    BURST_PER_GATEWAY));
            md.append("| routing | running before | burst landed | imbalance |\n|---|---|---|---:|\n");
            for (Burst burst : bursts) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.2f |%n", burst.name(),
                        join(burst.preloaded()), join(burst.landed()), burst.imbalance()));
            }
            return md.toString();
        }

        private static String join(int[] values) {
            return Arrays.stream(values).mapToObj(Integer::toString).collect(Collectors.joining(" / "));
        }
    }

    private PeersLive() {}

    static Report run(ScenarioOptions options, PrintStream progress) {
        return run(options, progress, false);
    }

    /** As above; with {@code processes}, each gateway is a JVM of its own ({@link ProcessTier}). */
    static Report run(ScenarioOptions options, PrintStream progress, boolean processes) {
        progress.println(processes ? "gateways: one JVM each" : "gateways: in this JVM");
        Capacity capacity = options.fixedCapacity() > 0 ? Capacity.given(options.fixedCapacity())
                : CapacityProbe.measure(options, progress);
        double offered = capacity.modelledRps() * options.load();
        progress.printf(Locale.ROOT, "offered load: %.2f requests per modelled second%n", offered);
        if (!options.warmup().isZero()) {
            RoutingScenario.runConfiguration(Configurations.warmup(), options, offered, options.warmup(), progress);
        }
        Configuration alone = new Configuration("queue, 1 s", "queue", true, false, SCRAPE, false);
        Configuration peers = new Configuration("queue, 1 s, peers", "queue", true, false, SCRAPE, false);
        List<RowResult> rows = new ArrayList<>();
        for (Configuration configuration : List.of(alone, peers)) {
            boolean shared = configuration == peers;
            TierRun run = RoutingScenario.runConfiguration(configuration, options, offered, options.duration(),
                    progress, fleet -> tier(configuration, fleet, options, shared, processes));
            RowResult row = RowResult.of(configuration, run, offered, options.timeScale());
            rows.add(row);
            progress.printf(Locale.ROOT, "  %-24s TTFT p50 %7.1f p99 %8.1f ms, %d requests, %d errors%n", row.name(),
                    row.ttft().p50(), row.ttft().p99(), row.requests(), row.errors());
        }
        List<Burst> bursts = new ArrayList<>();
        for (Configuration configuration : List.of(alone, peers)) {
            Burst burst = burst(configuration, options, configuration == peers, processes, progress);
            bursts.add(burst);
            progress.printf(Locale.ROOT, "  burst, %-17s landed %s, imbalance %.2f%n", configuration.name(),
                    Arrays.toString(burst.landed()), burst.imbalance());
        }
        return new Report(options, offered, rows, bursts);
    }

    /** The gateways of {@code configuration}, each told the others' peers port when {@code shared}. */
    private static RoutingTier tier(Configuration configuration, Fleet fleet, ScenarioOptions options, boolean shared,
                                    boolean processes) {
        Map<String, String> settings = configuration.gatewaySettings(fleet.endpoints(), options.timeScale());
        if (!shared) {
            List<Map<String, String>> same = Collections.nCopies(options.gateways(), settings);
            return processes ? ProcessTier.start(same) : GatewayTier.start(same);
        }
        List<Map<String, String>> each = PeerSettings.each(settings, options.gateways(), options.wall(PEERS_INTERVAL));
        return processes ? ProcessTier.start(each) : GatewayTier.start(each);
    }

    /** Every replica but the first runs a full batch; once every gateway has scraped that, the burst. */
    private static Burst burst(Configuration configuration, ScenarioOptions options, boolean shared,
                               boolean processes, PrintStream progress) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (Fleet fleet = Fleet.start(options.simReplicas());
             RoutingTier tier = tier(configuration, fleet, options, shared, processes)) {
            List<SimServer> replicas = fleet.replicas();
            int[] preloaded = new int[replicas.size()];
            for (int r = 1; r < replicas.size(); r++) {
                for (int k = 0; k < options.maxNumSeqs(); k++) {
                    http.sendAsync(chat(Fleet.url(replicas.get(r)), 1500), HttpResponse.BodyHandlers.discarding());
                }
                preloaded[r] = options.maxNumSeqs();
            }
            int preloadTotal = Arrays.stream(preloaded).sum();
            awaitReceived(fleet, preloadTotal);
            // Three scrape intervals: every gateway has scraped the full batches at least twice.
            Sleep.millis(options.wall(SCRAPE.multipliedBy(3)).toMillis());
            long[] before = replicas.stream().mapToLong(SimServer::apiRequests).toArray();
            for (String url : tier.urls()) {
                for (int k = 0; k < BURST_PER_GATEWAY; k++) {
                    http.sendAsync(chat(url, 8), HttpResponse.BodyHandlers.discarding());
                }
            }
            awaitReceived(fleet, preloadTotal + BURST_PER_GATEWAY * tier.urls().size());
            int[] landed = new int[replicas.size()];
            for (int r = 0; r < landed.length; r++) {
                landed[r] = (int) (replicas.get(r).apiRequests() - before[r]);
            }
            if (tier instanceof ProcessTier processTier && shared) {
                processTier.peerMessages().forEach(line -> progress.println("  peers, gateway " + line));
            }
            return new Burst(configuration.name(), preloaded, landed);
        }
    }

    private static HttpRequest chat(String base, int maxTokens) {
        return HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + SimOptions.defaults().model()
                        + "\",\"max_tokens\":" + maxTokens + ",\"messages\":[{\"role\":\"user\",\"content\":"
                        + "\"where does this land?\"}]}"))
                .build();
    }

    private static void awaitReceived(Fleet fleet, long requests) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (fleet.apiRequests() < requests) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the replicas received " + fleet.apiRequests() + " of " + requests
                        + " requests in 30 s");
            }
            Sleep.millis(5);
        }
    }
}
