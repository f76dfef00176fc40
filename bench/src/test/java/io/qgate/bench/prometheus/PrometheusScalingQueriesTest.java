package io.qgate.bench.prometheus;

import io.qgate.bench.load.LoadGenerator;
import io.qgate.bench.load.LoadOptions;
import io.qgate.bench.load.LoadResult;
import io.qgate.fleet.workload.Workload;
import io.qgate.bench.prometheus.LocalPrometheus.Sample;
import io.qgate.bench.prometheus.ScalingManifests.AdapterRule;
import io.qgate.bench.prometheus.ScalingManifests.HpaMetric;
import io.qgate.bench.prometheus.ScalingManifests.KedaTrigger;
import io.qgate.bench.prometheus.ScalingManifests.MonitorEndpoint;
import io.qgate.bench.sim.SimOptions;
import io.qgate.bench.sim.SimServer;
import io.qgate.gateway.Gateway;
import io.qgate.gateway.config.GatewayConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * The autoscaling PromQL of {@code deploy/}, exactly as written there, evaluated by a real
 * Prometheus that scrapes two gateway instances (two pods behind the gateway Service) carrying
 * load from the load generator in front of simulated replicas.
 *
 * <p>The scrape stands in for the Prometheus Operator's ServiceMonitor ({@link ServiceMonitorScrape}),
 * with the ServiceMonitor's own {@code honorLabels} and {@code metricRelabelings}. So the namespace
 * and object matchers that prometheus-adapter puts into {@code <<.LabelMatchers>>} hold, and the
 * label clashes of a real cluster happen here too.
 *
 * <p>The adapter rules are expanded as prometheus-adapter does for the LiteLLM HPA's metrics
 * (deploy/base/litellm-hpa.yaml): {@code <<.Series>>} is the series name found by the rule's
 * {@code seriesQuery} (through {@code /api/v1/series}, as the adapter discovers it) whose name
 * maps to the HPA's metric name; {@code <<.LabelMatchers>>} is the HPA's metric selector, then
 * {@code namespace="<ns>"}, then for an Object metric the described object's label
 * ({@code service="qgate"}); {@code <<.GroupBy>>} is that object label (empty for External).
 *
 * <p>The queries use {@code rate(...[1m])}, so the load runs a little over a minute and the
 * rate queries are evaluated at the end of it, on a window the load fills; this makes the class
 * take about 70 s.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrometheusScalingQueriesTest {

    private static final int REPLICAS = 3;
    private static final int MAX_NUM_SEQS = 2;
    /** Requests held in the engines beyond their slots: the waiting queue of the queue test. */
    private static final int HELD_WAITING = 5;
    private static final int HOLD_TOKENS = 20_000;
    /** The open-loop rates sent to the first and the second gateway pod. */
    private static final double RATE_0 = 15;
    private static final double RATE_1 = 10;
    /** Longer than the queries' 1 m window, so that an evaluation time has a window full of load. */
    private static final Duration LOAD = Duration.ofSeconds(62);
    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final double TOLERANCE = 0.20;

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static final List<SimServer> replicas = new ArrayList<>();
    private static final List<Gateway> gateways = new ArrayList<>();
    /** Client connections of the requests held in the engines; closing them ends the requests. */
    private static final List<Socket> held = new ArrayList<>();
    private static LocalPrometheus prometheus;
    private static String namespace;
    private static String service;
    private static MonitorEndpoint monitor;
    /** Requests per second the load generators achieved together, and when their load filled the window. */
    private static double offeredRate = Double.NaN;
    private static Instant fullWindowEnd;

    /**
     * Without Prometheus nothing is started and each test skips itself: an assumption that fails in
     * {@code @BeforeAll} makes Surefire report the class as "Tests run: 0", as if it did not exist.
     */
    @BeforeAll
    static void start() {
        if (!PrometheusTools.installed()) {
            return;
        }
        namespace = ScalingManifests.kubernetesNamespace();
        service = ScalingManifests.gatewayService().path("metadata").path("name").asString();
        monitor = ScalingManifests.gatewayMonitorEndpoint();
        assertThat(namespace).isNotBlank();
        assertThat(service).isNotBlank();

        StringJoiner endpoints = new StringJoiner(",");
        for (int i = 0; i < REPLICAS; i++) {
            long seed = 11 + i;
            SimServer sim = SimServer.start(SimOptions.defaults().with(o -> {
                o.port = 0;
                o.seed = seed;
                o.timeScale = 0.1;
                o.maxNumSeqs = MAX_NUM_SEQS;
            }));
            replicas.add(sim);
            endpoints.add("http://127.0.0.1:" + sim.port());
        }
        for (int i = 0; i < 2; i++) {
            // Queues must form in the engines, where the scaling queries read them, not at the gateways.
            gateways.add(Gateway.start(GatewayConfig.of(Map.of("server.host", "127.0.0.1", "server.port", "0",
                    "admin.port", "0", "endpoints", endpoints.toString(), "shutdown.delay", "0s",
                    "admission.saturation", "false"))));
        }
        prometheus = LocalPrometheus.start(ServiceMonitorScrape.config("qgate-rules.yaml",
                        List.of(ServiceMonitorScrape.gatewayJob(namespace, service, monitor, gateways))),
                Map.of("qgate-rules.yaml", ScalingManifests.ruleFile()));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(prometheus.query("up{namespace=\"" + namespace + "\"} == 1")).hasSize(gateways.size()));
    }

    @BeforeEach
    void needsPrometheus() {
        PrometheusTools.assumeInstalled();
    }

    @AfterAll
    static void stop() {
        if (prometheus == null && gateways.isEmpty()) {
            return;
        }
        try {
            // The held requests end as a client going away does: the gateways drop them and the
            // replicas abort them, so nothing is open when the gateways close.
            for (Socket socket : held) {
                socket.close();
            }
            for (Gateway gateway : gateways) {
                await().atMost(Duration.ofSeconds(10)).until(() -> gateway.metrics().inflight() == 0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (prometheus != null) {
                prometheus.close();
            }
            gateways.forEach(Gateway::close);
            replicas.forEach(SimServer::close);
        }
    }

    // ---- the request rate -------------------------------------------------------------------

    @Test
    @Order(1)
    void theRequestRateQueriesReturnTheOfferedRate() {
        CompletableFuture<LoadResult> first = CompletableFuture.supplyAsync(() -> load(0, RATE_0, 1));
        CompletableFuture<LoadResult> second = CompletableFuture.supplyAsync(() -> load(1, RATE_1, 2));
        LoadResult a = first.join();
        LoadResult b = second.join();
        assertThat(a.errorCount() + b.errorCount()).as(a.errors() + " " + b.errors()).isZero();
        offeredRate = a.requests() / seconds(LOAD) + b.requests() / seconds(LOAD);
        assertThat(offeredRate).isCloseTo(RATE_0 + RATE_1, within((RATE_0 + RATE_1) * 0.1));

        // The latest time whose 1 m window both loads filled (scraped once a second).
        Instant latestStart = a.startedAt().isAfter(b.startedAt()) ? a.startedAt() : b.startedAt();
        Instant earliestEnd = (a.startedAt().isBefore(b.startedAt()) ? a.startedAt() : b.startedAt()).plus(LOAD);
        fullWindowEnd = earliestEnd.minusMillis(500);
        assertThat(fullWindowEnd.minus(WINDOW)).as("window inside the load").isAfter(latestStart);

        Map<String, Double> observed = new TreeMap<>();
        // prometheus-adapter, for the HPA's Object metric on the gateway Service.
        HpaMetric object = hpaMetric("Object");
        AdapterRule rule = adapterRuleFor(object, false);
        String series = seriesFor(rule, object.name());
        String query = rule.expand(series, labelMatchers(rule, object), rule.labelFor(resource(object.describedKind())));
        List<Sample> result = prometheus.query(query, fullWindowEnd);
        assertThat(result).as(query).hasSize(1);
        assertThat(result.get(0).labels()).as(query)
                .isEqualTo(Map.of(rule.labelFor(resource(object.describedKind())), object.describedName()));
        observed.put("adapter " + object.name() + ": " + query, result.get(0).value());

        // KEDA, both overlays.
        for (KedaTrigger trigger : kedaTriggers("qgate_requests_received_total")) {
            List<Sample> keda = prometheus.query(trigger.query(), fullWindowEnd);
            assertThat(keda).as(trigger.query()).hasSize(1);
            observed.put("KEDA " + trigger.file() + " " + trigger.name() + ": " + trigger.query(), keda.get(0).value());
        }

        System.out.printf("offered %.3f/s; observed %s%n", offeredRate, observed);
        assertThat(observed).hasSizeGreaterThanOrEqualTo(3).allSatisfy((q, value) ->
                assertThat(value).as(q).isCloseTo(offeredRate, within(offeredRate * TOLERANCE)));
    }

    private static LoadResult load(int gateway, double rate, long seed) {
        return LoadGenerator.run(LoadOptions.builder().url("http://127.0.0.1:" + gateways.get(gateway).port())
                .rate(rate).duration(LOAD).workload(Workload.fixed(16, 4)).seed(seed).threads(1)
                .quiet(true).build());
    }

    // ---- the pool queue ---------------------------------------------------------------------

    @Test
    @Order(2)
    void thePoolQueueQueriesReturnTheReplicasWaitingQueues() {
        int total = REPLICAS * MAX_NUM_SEQS + HELD_WAITING;
        for (int i = 0; i < total; i++) {
            hold(gateways.get(i % gateways.size()), i);
        }
        // Every request is in an engine; each takes tens of seconds, so the queues stay as they are.
        await().atMost(Duration.ofSeconds(10)).until(() ->
                replicas.stream().mapToInt(r -> r.running() + r.waiting()).sum() == total);
        double waiting = enginesWaiting();
        assertThat(waiting).isPositive();

        HpaMetric external = hpaMetric("External");
        AdapterRule rule = adapterRuleFor(external, true);
        String adapterQuery = rule.expand(seriesFor(rule, external.name()), labelMatchers(rule, external), "");
        Map<String, String> queries = new LinkedHashMap<>();
        queries.put("adapter " + external.name(), adapterQuery);
        for (KedaTrigger trigger : kedaTriggers("qgate_pool_queue_length")) {
            queries.put("KEDA " + trigger.file() + " " + trigger.name(), trigger.query());
        }
        assertThat(queries).hasSizeGreaterThanOrEqualTo(3);

        // Once Prometheus has scraped the gateways after their engine scrapes, every query says the same.
        Map<String, Double> observed = new TreeMap<>();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            observed.clear();
            queries.forEach((what, query) -> {
                List<Sample> result = prometheus.query(query);
                assertThat(result).as(query).hasSize(1);
                observed.put(what + ": " + query, result.get(0).value());
            });
            assertThat(observed).allSatisfy((q, value) -> assertThat(value).as(q).isEqualTo(waiting));
            // Both gateway pods report the whole pool, which is why the queries take max and not sum.
            assertThat(prometheus.query("qgate_pool_queue_length{namespace=\"" + namespace + "\"}"))
                    .hasSize(gateways.size()).allSatisfy(s -> assertThat(s.value()).isEqualTo(waiting));
        });
        System.out.printf("engines waiting %.0f; observed %s%n", waiting, observed);
        assertThat(enginesWaiting()).as("queues held steady").isEqualTo(waiting);
    }

    /** Sends a completion that takes tens of seconds, on a connection of its own that the test closes at the end. */
    private static void hold(Gateway gateway, int i) {
        held.add(HeldRequest.send(gateway.port(), SimOptions.defaults().model(), "hold " + i, HOLD_TOKENS));
    }

    /** The replicas' own {@code vllm:num_requests_waiting}, summed over replicas (and engines). */
    private static double enginesWaiting() {
        double sum = 0;
        for (SimServer replica : replicas) {
            String text = get("http://127.0.0.1:" + replica.metricsPort() + "/metrics");
            sum += Exposition.parse(text).samples("vllm:num_requests_waiting").stream()
                    .mapToDouble(Exposition.Sample::value).sum();
        }
        return sum;
    }

    // ---- recording rules --------------------------------------------------------------------

    @Test
    @Order(0)
    void theRuleFilePassesPromtool() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("qgate-rules", ".yaml");
        try {
            java.nio.file.Files.writeString(file, ScalingManifests.ruleFile());
            PrometheusTools.Result check = PrometheusTools.checkRules(file);
            assertThat(check.exitCode()).as(check.output()).isZero();
            assertThat(check.output()).contains("SUCCESS");
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    @Test
    @Order(3)
    void theRecordingRulesAreLoadedAndRecord() {
        Map<String, String> records = ScalingManifests.recordingRules();
        assertThat(records).isNotEmpty();
        JsonNode groups = prometheus.ruleGroups();
        List<String> loaded = new ArrayList<>();
        for (JsonNode group : groups) {
            for (JsonNode rule : group.path("rules")) {
                assertThat(rule.path("health").asString()).as(rule.path("name").asString() + ": "
                        + rule.path("lastError").asString()).isIn("ok", "unknown");
                loaded.add(rule.path("name").asString());
            }
        }
        assertThat(loaded).containsAll(records.keySet());

        // Each record, once its group has run, holds what its expression gives at that moment.
        String rate = "namespace_service:qgate_requests_received:rate1m";
        String ready = "namespace_service:qgate_pool_ready_endpoints:max";
        String queue = "namespace_service:qgate_pool_queue_length:max";
        assertThat(records).containsKeys(rate, ready, queue);
        Map<String, String> gatewayLabels = Map.of("__name__", "", "namespace", namespace, "service", service);
        await().atMost(Duration.ofSeconds(35)).untilAsserted(() -> {
            for (String record : List.of(rate, ready, queue)) {
                List<Sample> recorded = prometheus.query(record);
                assertThat(recorded).as(record).hasSize(1);
                assertThat(recorded.get(0).labels().keySet()).as(record).isEqualTo(gatewayLabels.keySet());
            }
        });
        for (String record : List.of(rate, ready, queue)) {
            Sample recorded = prometheus.query(record).get(0);
            assertThat(recorded.labels()).containsEntry("namespace", namespace).containsEntry("service", service);
            double at = prometheus.query("timestamp(" + record + ")").get(0).value();
            List<Sample> direct = prometheus.query(records.get(record), Instant.ofEpochMilli(Math.round(at * 1000)));
            assertThat(direct).as(records.get(record)).hasSize(1);
            assertThat(recorded.value()).as(record + " vs its expression at " + at).isEqualTo(direct.get(0).value());
            System.out.printf("recorded %s = %s%n", record, recorded.value());
        }
        assertThat(prometheus.query(ready).get(0).value()).isEqualTo(REPLICAS);
        double recordedRate = prometheus.query(rate).get(0).value();
        assertThat(recordedRate).isPositive().isLessThanOrEqualTo(offeredRate * (1 + TOLERANCE));
    }

    // ---- the per-replica queue ----------------------------------------------------------------

    @Test
    @Order(4)
    void thePerReplicaQueueKeepsItsEndpointLabelThroughTheServiceMonitor() {
        Set<String> authorities = replicas.stream().map(r -> "127.0.0.1:" + r.port())
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        List<String> panels = ScalingManifests.dashboardExpressions("qgate_endpoint_queue_length");
        assertThat(panels).as("dashboard panels on qgate_endpoint_queue_length").isNotEmpty();
        for (String panel : panels) {
            String query = ScalingManifests.dashboardQuery(panel, namespace);
            List<Sample> result = prometheus.query(query);
            // The operator labels every target with endpoint=<port name>; the gateway's own
            // `endpoint` label (docs/design.md: qgate_endpoint_queue_length{endpoint}) must survive it.
            assertThat(result.stream().map(s -> s.labels().get("endpoint")).collect(Collectors.toSet()))
                    .as(query + " -> " + result).isEqualTo(authorities);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static HpaMetric hpaMetric(String type) {
        return ScalingManifests.litellmHpaMetrics().stream().filter(m -> m.type().equals(type)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " metric in deploy/" + ScalingManifests.LITELLM_HPA));
    }

    /** The adapter rule (custom or external) that serves an HPA metric, found by the name it gives a discovered series. */
    private static AdapterRule adapterRuleFor(HpaMetric metric, boolean external) {
        List<AdapterRule> serving = ScalingManifests.adapterRules().stream()
                .filter(r -> r.external() == external)
                .filter(r -> discoveredNames(r).stream().anyMatch(n -> metric.name().equals(r.metricNameFor(n))))
                .toList();
        assertThat(serving).as((external ? "externalRules" : "rules") + " serving " + metric.name()).hasSize(1);
        return serving.get(0);
    }

    private static String seriesFor(AdapterRule rule, String metricName) {
        return discoveredNames(rule).stream().filter(n -> metricName.equals(rule.metricNameFor(n))).findFirst()
                .orElseThrow();
    }

    /** The series names the adapter's discovery finds for a rule: its seriesQuery against Prometheus. */
    private static Set<String> discoveredNames(AdapterRule rule) {
        return prometheus.series(rule.seriesQuery()).stream().map(s -> s.get("__name__"))
                .collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    /** {@code <<.LabelMatchers>>} as prometheus-adapter builds it for the HPA in the overlay's namespace. */
    private static String labelMatchers(AdapterRule rule, HpaMetric metric) {
        List<String> matchers = new ArrayList<>();
        metric.selector().forEach((label, value) -> matchers.add(label + "=\"" + value + "\""));
        if (rule.namespaced()) {
            matchers.add(rule.labelFor("namespace") + "=\"" + namespace + "\"");
        }
        if (metric.describedKind() != null) {
            matchers.add(rule.labelFor(resource(metric.describedKind())) + "=\"" + metric.describedName() + "\"");
        }
        return String.join(",", matchers);
    }

    /** The resource of a kind as the adapter's overrides name it (Service: service). */
    private static String resource(String kind) {
        return kind.toLowerCase(java.util.Locale.ROOT);
    }

    private static List<KedaTrigger> kedaTriggers(String metric) {
        List<KedaTrigger> triggers = ScalingManifests.kedaTriggers().stream()
                .filter(t -> t.query().contains(metric)).toList();
        assertThat(triggers).as("KEDA prometheus triggers on " + metric).hasSize(ScalingManifests.KEDA_SCALED_OBJECTS.size());
        return triggers;
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    private static String get(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new IllegalStateException(url, e);
        }
    }
}
