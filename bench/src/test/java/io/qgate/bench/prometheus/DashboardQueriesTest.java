package io.qgate.bench.prometheus;

import io.qgate.bench.harness.Fleet;
import io.qgate.bench.load.LoadGenerator;
import io.qgate.bench.load.LoadOptions;
import io.qgate.bench.load.LoadResult;
import io.qgate.bench.prometheus.LocalPrometheus.Sample;
import io.qgate.bench.sim.SimOptions;
import io.qgate.fleet.workload.Workload;
import io.qgate.gateway.Gateway;
import io.qgate.gateway.config.GatewayConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every PromQL expression of the Grafana dashboard and of the PrometheusRule, as written in
 * {@code deploy/}, run by a real Prometheus that scrapes two gateway pods (as the gateway's
 * ServiceMonitor does) and three simulated replicas with DCGM-style GPU series (as the
 * litellm-vllm ServiceMonitor does), after load, refusals and timeouts have gone through.
 *
 * <p>Each expression must parse. A dashboard panel or a recording rule whose series all exist
 * here must return data; an alert must return data for each series it reads (its condition is
 * not expected to hold). The series that cannot exist here are listed in {@link #ABSENT_HERE}:
 * the expressions on them must parse, and return nothing.
 */
class DashboardQueriesTest {

    /**
     * Series of the kubelet's cAdvisor and of kube-state-metrics: no cluster here. Every other
     * series the dashboard and the rules read (qgate_, vllm:, DCGM_, jvm_, process_, system_, up)
     * is produced by this test's gateways and replicas.
     */
    private static final List<String> ABSENT_HERE = List.of("container_cpu_usage_seconds_total",
            "container_memory_working_set_bytes", "kube_deployment_", "kube_horizontalpodautoscaler_");
    /** A selector: a series name of the families the dashboard and rules read, and its matchers. */
    private static final Pattern SELECTOR = Pattern.compile(
            "(?<![\\w:])((?:qgate_|vllm:|DCGM_|jvm_|process_|system_|container_|kube_)[A-Za-z0-9_:]*|up(?=\\{))(\\{[^}]*})?");

    private static final int REPLICAS = 3;
    private static final Duration LOAD = Duration.ofSeconds(20);
    /** Longer than the upstream first-byte timeout of the refusing gateway, so its requests end in 504. */
    private static final int SLOW_TOKENS = 20_000;
    private static final int BURST = 6;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static Fleet replicas;
    private static final List<Gateway> gateways = new ArrayList<>();
    private static LocalPrometheus prometheus;
    private static String namespace;

    /** Without Prometheus nothing starts and the test skips itself (see PrometheusScalingQueriesTest). */
    @BeforeAll
    static void start() {
        if (!PrometheusTools.installed()) {
            return;
        }
        namespace = ScalingManifests.kubernetesNamespace();
        String service = ScalingManifests.gatewayService().path("metadata").path("name").asString();
        List<SimOptions> replicaOptions = new ArrayList<>();
        for (int i = 0; i < REPLICAS; i++) {
            long seed = 21 + i;
            replicaOptions.add(SimOptions.defaults().with(o -> {
                o.port = 0;
                o.seed = seed;
                o.timeScale = 0.1;
                o.maxNumSeqs = 4;
                o.gpuMetrics = true;
            }));
        }
        replicas = Fleet.start(replicaOptions);
        Map<String, String> common = Map.of("server.host", "127.0.0.1", "server.port", "0", "admin.port", "0",
                "endpoints", replicas.endpoints(), "shutdown.delay", "0s");
        gateways.add(Gateway.start(GatewayConfig.of(common)));
        // The second pod refuses (two requests at the replicas, one waiting) and times out, so
        // the 429 and 5xx series exist.
        Map<String, String> refusing = new LinkedHashMap<>(common);
        refusing.put("admission.max-inflight", "2");
        refusing.put("admission.queue-size", "1");
        refusing.put("upstream.first-byte-timeout", "2s");
        gateways.add(Gateway.start(GatewayConfig.of(refusing)));
        prometheus = LocalPrometheus.start(ServiceMonitorScrape.config("qgate-rules.yaml", List.of(
                        ServiceMonitorScrape.gatewayJob(namespace, service, ScalingManifests.gatewayMonitorEndpoint(),
                                gateways),
                        ServiceMonitorScrape.replicaJob(namespace, replicas.replicas()))),
                Map.of("qgate-rules.yaml", ScalingManifests.ruleFile()));
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
        gateways.forEach(Gateway::close);
        if (replicas != null) {
            replicas.close();
        }
    }

    @Test
    void everyExpressionParsesAndReturnsDataWhereItsSeriesExist() {
        PrometheusTools.assumeInstalled();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(prometheus.query("up == 1")).hasSize(gateways.size() + REPLICAS));

        CompletableFuture<LoadResult> load = CompletableFuture.supplyAsync(() -> LoadGenerator.run(
                LoadOptions.builder().url("http://127.0.0.1:" + gateways.get(0).port()).rate(20).duration(LOAD)
                        .workload(Workload.fixed(64, 8)).seed(5).threads(1).quiet(true).build()));
        List<Integer> burst = burst(gateways.get(1));
        assertThat(burst).as("answers of the refusing gateway").contains(429, 504);
        // The JVM's collectors report a pause only once one happened.
        System.gc();
        LoadResult result = load.join();
        assertThat(result.errorCount()).as(result.errors().toString()).isZero();

        Map<String, String> expressions = expressions();
        assertThat(expressions).hasSizeGreaterThan(60);
        Map<String, String> outcome = new TreeMap<>();
        // Prometheus scrapes every second: wait for the scrapes that follow the load.
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            outcome.clear();
            expressions.forEach((where, expr) -> outcome.put(where, evaluate(where, expr)));
        });
        outcome.forEach((where, what) -> System.out.printf("%-70s %s%n", where, what));
        // The list of what cannot exist here names only what the dashboard and rules really read.
        for (String absent : ABSENT_HERE) {
            assertThat(outcome.values()).as(absent).anyMatch(o -> o.startsWith("parses") && o.contains(absent));
        }
    }

    /**
     * Runs one expression and checks it as the class says; returns what it gave, for the report.
     *
     * @throws AssertionError when it does not parse, or gives no data where its series exist
     */
    private static String evaluate(String where, String expr) {
        String query = ScalingManifests.dashboardQuery(expr, namespace);
        List<Sample> result;
        try {
            result = prometheus.query(query);
        } catch (IllegalStateException e) {
            throw new AssertionError(where + " does not run: " + e.getMessage(), e);
        }
        Set<String> selectors = selectors(query);
        assertThat(selectors).as(where + ": " + query).isNotEmpty();
        List<String> absent = selectors.stream().filter(DashboardQueriesTest::absentHere).toList();
        if (!absent.isEmpty()) {
            assertThat(result).as(where + " reads series absent here, " + absent).isEmpty();
            return "parses; absent here: " + absent;
        }
        if (where.startsWith("alert ")) {
            for (String name : names(selectors)) {
                assertThat(prometheus.query(name + "{namespace=\"" + namespace + "\"}")).as(where + ": " + name)
                        .isNotEmpty();
            }
            return "every series present; " + result.size() + " firing";
        }
        assertThat(result).as(where + ": " + query).isNotEmpty();
        return result.size() + " series; " + result.get(0).labels() + " = " + result.get(0).value();
    }

    /** The dashboard's panel targets (title and refId) and the PrometheusRule's rules (name), with their expressions. */
    private static Map<String, String> expressions() {
        Map<String, String> expressions = new LinkedHashMap<>();
        JsonNode dashboard = JsonMapper.shared().readTree(ScalingManifests.read(ScalingManifests.DASHBOARD));
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                expressions.put("panel " + panel.path("title").asString() + " " + target.path("refId").asString(),
                        target.path("expr").asString());
            }
        }
        for (JsonNode group : ScalingManifests.yaml(ScalingManifests.PROMETHEUS_RULES).path("spec").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.has("alert") ? "alert " + rule.path("alert").asString()
                        : "record " + rule.path("record").asString();
                expressions.put(name, rule.path("expr").asString());
            }
        }
        return expressions;
    }

    private static Set<String> selectors(String query) {
        Set<String> selectors = new LinkedHashSet<>();
        Matcher matcher = SELECTOR.matcher(query);
        while (matcher.find()) {
            selectors.add(matcher.group());
        }
        return selectors;
    }

    private static Set<String> names(Set<String> selectors) {
        Set<String> names = new LinkedHashSet<>();
        for (String selector : selectors) {
            int brace = selector.indexOf('{');
            names.add(brace < 0 ? selector : selector.substring(0, brace));
        }
        return names;
    }

    private static boolean absentHere(String selector) {
        return ABSENT_HERE.stream().anyMatch(selector::startsWith);
    }

    /** Long completions at once: two reach the replicas and time out (504), one waits, the rest are refused (429). */
    private static List<Integer> burst(Gateway gateway) {
        String body = "{\"model\":\"" + SimOptions.defaults().model() + "\",\"prompt\":\"slow\",\"max_tokens\":"
                + SLOW_TOKENS + "}";
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            answers.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                            + "/v1/completions")).timeout(Duration.ofSeconds(30))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        return answers.stream().map(CompletableFuture::join).map(HttpResponse::statusCode).toList();
    }
}
