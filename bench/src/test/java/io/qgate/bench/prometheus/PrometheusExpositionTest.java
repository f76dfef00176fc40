package io.qgate.bench.prometheus;

import io.qgate.bench.sim.SimOptions;
import io.qgate.bench.sim.SimServer;
import io.qgate.gateway.Gateway;
import io.qgate.gateway.config.GatewayConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway's {@code /metrics} after it has carried every kind of traffic (all routes, streams,
 * errors of its own and of the replicas, several models, model names no replica serves)
 * in front of simulated replicas whose engine metrics it scrapes: the metrics contract of docs/design.md is there
 * with exactly its names and label sets, the label values stay bounded, and {@code promtool check
 * metrics} (when installed) accepts the text without a single lint.
 */
class PrometheusExpositionTest {

    private static final String MODEL_A = "model-a";
    private static final String MODEL_B = "model-b";
    /** Model names that no replica serves: the replicas answer 404, and the names stay {@code other}. */
    private static final int GHOSTS = 6;
    private static final Set<String> ROUTES = Set.of("chat", "completions", "embeddings", "models", "other");

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<SimServer> replicas = new ArrayList<>();
    private static Gateway gateway;
    private static HttpResponse<String> metricsResponse;
    private static Exposition metrics;

    @BeforeAll
    static void startAndCarryTraffic() throws Exception {
        StringJoiner endpoints = new StringJoiner(",");
        for (String model : List.of(MODEL_A, MODEL_A, MODEL_B)) {
            SimServer sim = SimServer.start(SimOptions.defaults().with(o -> {
                o.port = 0;
                o.model = model;
                o.seed = 5;
                o.timeScale = 0.05;
            }));
            replicas.add(sim);
            endpoints.add("http://127.0.0.1:" + sim.port());
        }
        gateway = Gateway.start(GatewayConfig.of(Map.of("server.host", "127.0.0.1", "server.port", "0",
                "admin.port", "0", "endpoints", endpoints.toString(), "shutdown.delay", "0s",
                "metrics.models", MODEL_A)));
        // Every replica scraped (its model known to routing) before the traffic.
        await().atMost(Duration.ofSeconds(5)).until(() -> gateway.router().snapshot().endpoints().stream()
                .allMatch(e -> gateway.router().load(e).fresh(System.nanoTime(), Duration.ofSeconds(1).toNanos())));

        // model-a is configured; model-b is learnt from this first answer (the request itself is `other`).
        expect(200, post("/v1/chat/completions", chat(MODEL_B, false)));
        for (String model : List.of(MODEL_A, MODEL_B)) {
            expect(200, post("/v1/chat/completions", chat(model, false)));
            expect(200, post("/v1/chat/completions", chat(model, true)));
            expect(200, post("/v1/completions", "{\"model\":\"" + model + "\",\"prompt\":\"once\",\"max_tokens\":4}"));
            expect(200, post("/v1/completions", "{\"model\":\"" + model
                    + "\",\"prompt\":\"once\",\"max_tokens\":4,\"stream\":true}"));
            expect(200, post("/v1/embeddings", "{\"model\":\"" + model + "\",\"input\":[\"a\",\"b\"]}"));
        }
        expect(200, get("/v1/models"));
        expect(400, post("/v1/chat/completions", "{\"model\":"));
        expect(405, get("/v1/embeddings"));
        expect(404, get("/metrics-of-something-else"));
        expect(404, get("/v1/files/" + "x".repeat(40)));
        expect(404, post("/v1/assistants", "{}"));
        // Model names no replica serves: the replicas answer 404 and the names must not grow the metrics.
        for (int i = 0; i < GHOSTS; i++) {
            expect(404, post("/v1/chat/completions", chat("ghost-" + i, false)));
        }
        metricsResponse = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.adminPort()
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        metrics = Exposition.parse(metricsResponse.body());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        replicas.forEach(SimServer::close);
    }

    private static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":4,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .header("content-type", "application/json").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(int status, HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.request().method() + " " + response.uri() + ": "
                + response.body()).isEqualTo(status);
    }

    @Test
    void promtoolAcceptsTheTextWithoutLints() {
        assumeThat(PrometheusTools.promtool()).as("promtool on the PATH (Debian package prometheus)").isPresent();

        PrometheusTools.Result check = PrometheusTools.checkMetrics(metricsResponse.body());

        // Exit 0 and nothing printed: no errors and no lint findings at all.
        assertThat(check.output()).as("promtool check metrics output").isEmpty();
        assertThat(check.exitCode()).isZero();
    }

    @Test
    void servedAsTheTextFormat() {
        assertThat(metricsResponse.statusCode()).isEqualTo(200);
        assertThat(metricsResponse.headers().firstValue("content-type").orElse(""))
                .startsWith("text/plain").contains("version=0.0.4");
    }

    @Test
    void theContractNamesCarryExactlyTheirLabels() {
        Map<String, Set<String>> contract = new HashMap<>();
        contract.put("qgate_requests_received_total", Set.of("pool", "model", "route"));
        contract.put("qgate_requests_total", Set.of("pool", "model", "route", "code"));
        contract.put("qgate_request_duration_seconds_bucket", Set.of("pool", "model", "route", "le"));
        contract.put("qgate_request_duration_seconds_count", Set.of("pool", "model", "route"));
        contract.put("qgate_request_duration_seconds_sum", Set.of("pool", "model", "route"));
        contract.put("qgate_time_to_first_byte_seconds_bucket", Set.of("pool", "model", "route", "le"));
        contract.put("qgate_time_to_first_byte_seconds_count", Set.of("pool", "model", "route"));
        contract.put("qgate_time_to_first_byte_seconds_sum", Set.of("pool", "model", "route"));
        contract.put("qgate_inflight_requests", Set.of("pool"));
        contract.put("qgate_request_rate", Set.of("pool"));
        contract.put("qgate_request_latency_average_seconds", Set.of("pool"));
        contract.put("qgate_pool_queue_length", Set.of("pool"));
        contract.put("qgate_pool_ready_endpoints", Set.of("pool"));
        contract.put("qgate_queue_length", Set.of("pool", "priority"));
        contract.put("qgate_endpoint_queue_length", Set.of("pool", "endpoint"));
        contract.forEach((name, labels) -> assertThat(metrics.labelSets(name)).as(name).containsExactly(labels));
    }

    @Test
    void theContractTypes() {
        assertThat(metrics.type("qgate_requests_received_total")).isEqualTo("counter");
        assertThat(metrics.type("qgate_requests_total")).isEqualTo("counter");
        assertThat(metrics.type("qgate_request_duration_seconds")).isEqualTo("histogram");
        assertThat(metrics.type("qgate_time_to_first_byte_seconds")).isEqualTo("histogram");
        for (String gauge : List.of("qgate_inflight_requests", "qgate_request_rate",
                "qgate_request_latency_average_seconds", "qgate_pool_queue_length", "qgate_pool_ready_endpoints",
                "qgate_endpoint_queue_length")) {
            assertThat(metrics.type(gauge)).as(gauge).isEqualTo("gauge");
        }
    }

    @Test
    void bucketsResolveTenMillisecondsAndOneMinute() {
        for (String histogram : List.of("qgate_request_duration_seconds", "qgate_time_to_first_byte_seconds")) {
            Set<Double> bounds = metrics.samples(histogram + "_bucket").stream()
                    .map(s -> Double.parseDouble(s.labels().get("le").replace("+Inf", "Infinity")))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(bounds).as(histogram + " bounds")
                    .anyMatch(le -> le <= 0.01)
                    .anyMatch(le -> le >= 60 && le < Double.POSITIVE_INFINITY)
                    .contains(Double.POSITIVE_INFINITY);
            // At least one bound between them per decade, so neither end is one coarse bucket.
            assertThat(bounds.stream().filter(le -> le > 0.01 && le < 60).count()).isGreaterThanOrEqualTo(4);
        }
    }

    @Test
    void everyHistogramIsCumulativeAndEndsAtItsCount() {
        for (String histogram : List.of("qgate_request_duration_seconds", "qgate_time_to_first_byte_seconds")) {
            Map<Map<String, String>, List<Exposition.Sample>> bySeries = metrics.samples(histogram + "_bucket")
                    .stream().collect(Collectors.groupingBy(s -> withoutLe(s.labels())));
            assertThat(bySeries).isNotEmpty();
            bySeries.forEach((labels, buckets) -> {
                List<Exposition.Sample> sorted = new ArrayList<>(buckets);
                sorted.sort((x, y) -> Double.compare(le(x), le(y)));
                for (int i = 1; i < sorted.size(); i++) {
                    assertThat(sorted.get(i).value()).as(histogram + labels).isGreaterThanOrEqualTo(sorted.get(i - 1).value());
                }
                double count = metrics.samples(histogram + "_count").stream()
                        .filter(s -> s.labels().equals(labels)).findFirst().orElseThrow().value();
                assertThat(sorted.get(sorted.size() - 1).value()).as(histogram + labels + " +Inf").isEqualTo(count);
            });
        }
    }

    private static Map<String, String> withoutLe(Map<String, String> labels) {
        Map<String, String> copy = new java.util.LinkedHashMap<>(labels);
        copy.remove("le");
        return copy;
    }

    private static double le(Exposition.Sample bucket) {
        return Double.parseDouble(bucket.labels().get("le").replace("+Inf", "Infinity"));
    }

    @Test
    void routesComeFromTheFixedSetAndEveryOneWasCounted() {
        for (String name : List.of("qgate_requests_received_total", "qgate_requests_total",
                "qgate_request_duration_seconds_count")) {
            assertThat(metrics.labelValues(name, "route")).as(name).isEqualTo(ROUTES);
        }
        assertThat(metrics.labelValues("qgate_requests_total", "code")).contains("200", "400", "404", "405");
    }

    @Test
    void onlyConfiguredAndServedModelsAreLabelValues() {
        for (String name : List.of("qgate_requests_received_total", "qgate_requests_total",
                "qgate_request_duration_seconds_count", "qgate_time_to_first_byte_seconds_count")) {
            assertThat(metrics.labelValues(name, "model")).as(name).isSubsetOf(MODEL_A, MODEL_B, "other", "none");
        }
        assertThat(metrics.labelValues("qgate_requests_received_total", "model"))
                .containsExactlyInAnyOrder(MODEL_A, MODEL_B, "other", "none");
        // The ghosts, and model-b's first request (before any replica had served it), are `other`.
        double other = metrics.samples("qgate_requests_received_total").stream()
                .filter(s -> s.labels().get("model").equals("other")).mapToDouble(Exposition.Sample::value).sum();
        assertThat(other).isEqualTo(GHOSTS + 1);
    }

    @Test
    void everyRequestWasCountedOnArrivalAndAnswered() {
        double received = sum("qgate_requests_received_total");
        assertThat(received).isEqualTo(1 + 2 * 5 + 6 + GHOSTS);
        assertThat(sum("qgate_requests_total")).isEqualTo(received);
        assertThat(sum("qgate_request_duration_seconds_count")).isEqualTo(received);
        assertThat(value("qgate_inflight_requests")).isZero();
        // Relayed answers, streamed or not, have a time to first byte.
        assertThat(metrics.samples("qgate_time_to_first_byte_seconds_count").stream()
                .filter(s -> s.labels().equals(Map.of("pool", "default", "model", MODEL_A, "route", "chat")))
                .mapToDouble(Exposition.Sample::value).sum()).isEqualTo(2);
    }

    @Test
    void poolAndEndpointGaugesFollowTheScrapedReplicas() {
        Set<String> authorities = replicas.stream().map(r -> "127.0.0.1:" + r.port())
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(metrics.labelValues("qgate_endpoint_queue_length", "endpoint")).isEqualTo(authorities);
        assertThat(metrics.samples("qgate_endpoint_queue_length")).allSatisfy(s -> assertThat(s.value()).isZero());
        assertThat(value("qgate_pool_ready_endpoints")).isEqualTo(3);
        assertThat(value("qgate_pool_queue_length")).isZero();
        assertThat(value("qgate_request_rate")).isPositive();
        assertThat(value("qgate_request_latency_average_seconds")).isPositive();
    }

    private static double sum(String name) {
        return metrics.samples(name).stream().mapToDouble(Exposition.Sample::value).sum();
    }

    private static double value(String name) {
        List<Exposition.Sample> samples = metrics.samples(name);
        assertThat(samples).as(name).hasSize(1);
        return samples.get(0).value();
    }
}
