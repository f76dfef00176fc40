package io.qgate.bench.prometheus;

import io.qgate.bench.load.LoadGenerator;
import io.qgate.bench.load.LoadOptions;
import io.qgate.bench.load.LoadResult;
import io.qgate.bench.prometheus.LocalPrometheus.Sample;
import io.qgate.bench.prometheus.ScalingManifests.AdapterRule;
import io.qgate.bench.prometheus.ScalingManifests.HpaMetric;
import io.qgate.bench.prometheus.ScalingManifests.KedaTrigger;
import io.qgate.bench.sim.SimOptions;
import io.qgate.bench.sim.SimServer;
import io.qgate.fleet.workload.Workload;
import io.qgate.gateway.Gateway;
import io.qgate.gateway.config.ConfigLoader;
import io.qgate.gateway.config.GatewayConfig;
import io.qgate.gateway.config.PoolConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Each model's autoscaling queries in deploy/ read their own pool alone, in a real Prometheus
 * scraping a gateway that serves the pools of deploy/base/qgate.yaml (one simulated replica per
 * pool, serving the pool's model): every model's HPA (its Object and External metrics, expanded as
 * prometheus-adapter expands the rules for it) and every model's ScaledObject in both KEDA
 * overlays. The pools get different loads, so a query that read another pool, or all of them,
 * would give another pool's figure or their sum. Skipped without Prometheus, as
 * {@link PrometheusScalingQueriesTest}, which checks the same queries across two gateway pods.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrometheusPoolQueriesTest {

    private static final int MAX_NUM_SEQS = 2;
    private static final int HOLD_TOKENS = 20_000;
    /** Requests held in the first pool's engine beyond its slots; the other pools wait for nothing. */
    private static final int HELD_WAITING = 4;
    /** The first pool's open-loop rate; each further pool gets a third of the one before. */
    private static final double FIRST_RATE = 18;
    private static final Duration LOAD = Duration.ofSeconds(62);
    private static final double TOLERANCE = 0.20;

    private static final Map<String, String> modelByPool = new LinkedHashMap<>();
    private static final Map<String, SimServer> replicaByPool = new LinkedHashMap<>();
    private static final List<Socket> held = new ArrayList<>();
    private static Gateway gateway;
    private static LocalPrometheus prometheus;
    private static String namespace;
    private static String service;
    private static Instant windowEnd;

    @BeforeAll
    static void start() {
        if (!PrometheusTools.installed()) {
            return;
        }
        namespace = ScalingManifests.kubernetesNamespace();
        service = ScalingManifests.gatewayService().path("metadata").path("name").asString();
        String file = ScalingManifests.DEPLOY.resolve("base/qgate.yaml").toString();
        List<Map<String, String>> pools = new ArrayList<>();
        for (PoolConfig pool : ConfigLoader.load(new String[] {"--config", file}, Map.of()).pools().list()) {
            String model = pool.models().get(0);
            SimServer replica = SimServer.start(SimOptions.defaults().with(o -> {
                o.port = 0;
                o.seed = 7 + replicaByPool.size();
                o.timeScale = 0.1;
                o.maxNumSeqs = MAX_NUM_SEQS;
                o.model = model;
            }));
            modelByPool.put(pool.name(), model);
            replicaByPool.put(pool.name(), replica);
            pools.add(Map.of("name", pool.name(), "models", model, "endpoints", "http://127.0.0.1:" + replica.port()));
        }
        assertThat(pools).as("pools in deploy/base/qgate.yaml").hasSizeGreaterThanOrEqualTo(2);
        // The queue must form in the engine, where qgate_pool_queue_length reads it: not held at the gateway.
        gateway = Gateway.start(GatewayConfig.of(Map.of("server.host", "127.0.0.1", "server.port", "0",
                "admin.port", "0", "shutdown.delay", "0s", "admission.saturation", "false"), pools));
        Map<String, Object> labels = Map.of("namespace", namespace, "service", service, "pod", service + "-0");
        Map<String, Object> job = Map.of("job_name", service, "static_configs",
                List.of(Map.of("targets", List.of("127.0.0.1:" + gateway.adminPort()), "labels", labels)));
        String config = ScalingManifests.toYaml(Map.of(
                "global", Map.of("scrape_interval", "1s", "scrape_timeout", "900ms", "evaluation_interval", "1s"),
                "scrape_configs", List.of(job)));
        prometheus = LocalPrometheus.start(config, Map.of());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(prometheus.query("up{namespace=\"" + namespace + "\"} == 1")).hasSize(1));
    }

    @BeforeEach
    void needsPrometheus() {
        PrometheusTools.assumeInstalled();
    }

    @AfterAll
    static void stop() {
        if (gateway == null) {
            return;
        }
        try {
            for (Socket socket : held) {
                socket.close();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> gateway.metrics().inflight() == 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            prometheus.close();
            gateway.close();
            replicaByPool.values().forEach(SimServer::close);
        }
    }

    @Test
    @Order(1)
    void eachRequestRateQueryReadsItsOwnPool() {
        Map<String, Double> rates = new LinkedHashMap<>();
        double rate = FIRST_RATE;
        for (String pool : modelByPool.keySet()) {
            rates.put(pool, rate);
            rate /= 3;
        }
        Map<String, CompletableFuture<LoadResult>> loads = new LinkedHashMap<>();
        rates.forEach((pool, r) -> loads.put(pool, CompletableFuture.supplyAsync(() -> LoadGenerator.run(
                LoadOptions.builder().url("http://127.0.0.1:" + gateway.port()).model(modelByPool.get(pool))
                        .rate(r).duration(LOAD).workload(Workload.fixed(16, 4)).seed(rates.size()).threads(1)
                        .quiet(true).build()))));
        Map<String, Double> offered = new LinkedHashMap<>();
        Instant lastStart = Instant.MIN;
        Instant firstEnd = Instant.MAX;
        for (var load : loads.entrySet()) {
            LoadResult result = load.getValue().join();
            assertThat(result.errorCount()).as(load.getKey() + " " + result.errors()).isZero();
            offered.put(load.getKey(), result.requests() / (LOAD.toMillis() / 1000.0));
            lastStart = result.startedAt().isAfter(lastStart) ? result.startedAt() : lastStart;
            Instant end = result.startedAt().plus(LOAD);
            firstEnd = end.isBefore(firstEnd) ? end : firstEnd;
        }
        windowEnd = firstEnd.minusMillis(500);
        assertThat(windowEnd.minus(Duration.ofMinutes(1))).as("window inside every load").isAfter(lastStart);

        Map<String, String> queries = queriesOf("qgate_request_rate_per_second", "request-rate");
        Map<String, Double> observed = new TreeMap<>();
        queries.forEach((where, query) -> {
            List<Sample> result = prometheus.query(query, windowEnd);
            assertThat(result).as(query).hasSize(1);
            observed.put(where + ": " + query, result.get(0).value());
            double expected = offered.get(poolOf(where));
            assertThat(result.get(0).value()).as(where + ": " + query).isCloseTo(expected, within(expected * TOLERANCE));
        });
        System.out.printf("offered %s; observed %s%n", offered, observed);
    }

    @Test
    @Order(2)
    void eachPoolQueueQueryReadsItsOwnPool() {
        String first = modelByPool.keySet().iterator().next();
        for (int i = 0; i < MAX_NUM_SEQS + HELD_WAITING; i++) {
            hold(modelByPool.get(first), i);
        }
        SimServer busy = replicaByPool.get(first);
        await().atMost(Duration.ofSeconds(10)).until(() -> busy.waiting() == HELD_WAITING);
        Map<String, String> queries = queriesOf("qgate_pool_queue_length", "pool-queue");
        Map<String, Double> observed = new TreeMap<>();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            observed.clear();
            queries.forEach((where, query) -> {
                List<Sample> result = prometheus.query(query);
                assertThat(result).as(query).hasSize(1);
                observed.put(where + ": " + query, result.get(0).value());
                assertThat(result.get(0).value()).as(where + ": " + query)
                        .isEqualTo(replicaByPool.get(poolOf(where)).waiting());
            });
        });
        System.out.printf("waiting in %s: %d, elsewhere 0; observed %s%n", first, HELD_WAITING, observed);
    }

    /**
     * Every model's query for one signal, keyed "pool NAME, FILE": each HPA's metric expanded by
     * the adapter rule that serves it, and each ScaledObject's trigger of that name.
     */
    private static Map<String, String> queriesOf(String hpaMetric, String trigger) {
        Map<String, String> queries = new LinkedHashMap<>();
        for (String file : ScalingManifests.files("base", "-hpa.yaml", "HorizontalPodAutoscaler")) {
            for (HpaMetric metric : ScalingManifests.hpaMetrics(file)) {
                if (metric.name().equals(hpaMetric) && metric.selector().containsKey("pool")) {
                    queries.put("pool " + metric.selector().get("pool") + ", " + file, adapterQuery(metric));
                }
            }
        }
        for (String file : ScalingManifests.files("overlays", ".yaml", "ScaledObject")) {
            for (KedaTrigger keda : ScalingManifests.kedaTriggers(file)) {
                if (keda.name().equals(trigger)) {
                    String pool = keda.query().replaceAll(".*pool=\"([^\"]+)\".*", "$1");
                    queries.put("pool " + pool + ", " + file, keda.query());
                }
            }
        }
        assertThat(queries.keySet().stream().map(PrometheusPoolQueriesTest::poolOf))
                .as("every pool has its queries").containsAll(modelByPool.keySet());
        return queries;
    }

    /** prometheus-adapter's query for an HPA metric: the serving rule with the HPA's label matchers. */
    private static String adapterQuery(HpaMetric metric) {
        boolean external = metric.type().equals("External");
        AdapterRule rule = ScalingManifests.adapterRules().stream().filter(r -> r.external() == external)
                .filter(r -> prometheus.series(r.seriesQuery()).stream()
                        .anyMatch(s -> metric.name().equals(r.metricNameFor(s.get("__name__")))))
                .findFirst().orElseThrow(() -> new AssertionError("no adapter rule serves " + metric.name()));
        String series = prometheus.series(rule.seriesQuery()).stream().map(s -> s.get("__name__"))
                .filter(name -> metric.name().equals(rule.metricNameFor(name))).findFirst().orElseThrow();
        List<String> matchers = new ArrayList<>();
        metric.selector().forEach((label, value) -> matchers.add(label + "=\"" + value + "\""));
        matchers.add(rule.labelFor("namespace") + "=\"" + namespace + "\"");
        String groupBy = "";
        if (!external) {
            groupBy = rule.labelFor("service");
            matchers.add(groupBy + "=\"" + metric.describedName() + "\"");
        }
        return rule.expand(series, String.join(",", matchers), groupBy);
    }

    private static String poolOf(String where) {
        return where.substring("pool ".length(), where.indexOf(','));
    }

    /** A completion that runs for minutes, on a connection of its own that the test closes at the end. */
    private static void hold(String model, int i) {
        held.add(HeldRequest.send(gateway.port(), model, "held " + i, HOLD_TOKENS));
    }
}
