package io.qgate.gateway.admin;

import io.qgate.gateway.pool.ModelPools;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.qgate.gateway.config.GatewayConfig;
import io.qgate.gateway.metrics.BatchMeters;
import io.qgate.gateway.metrics.GatewayMetrics;
import io.qgate.gateway.proxy.Admission;
import io.qgate.routing.ApiRoute;
import io.qgate.routing.Endpoint;
import io.qgate.routing.EndpointSnapshot;
import io.qgate.routing.RouteRequest;
import io.qgate.routing.Router;
import io.qgate.routing.RoutingSettings;
import io.qgate.routing.Strategies;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code /status.json} on the admin handler, with the gateway's parts built around a clock the test moves. */
class StatusJsonTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Endpoint A = Endpoint.of("10.0.0.1", 8000);
    private static final Endpoint B = Endpoint.of("10.0.0.2", 8000);
    private static final Endpoint STARTING = new Endpoint("10.0.0.3", 8000, false, false);
    private static final Endpoint LEAVING = new Endpoint("10.0.0.4", 8000, true, true);

    private long now = 5_000_000_000L;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final GatewayConfig config = GatewayConfig.of(Map.of("batching.routes", "embeddings",
            "admission.max-inflight", "0", "admission.max-inflight-per-replica", "3", "admission.queue-size", "7"));
    private final RoutingSettings settings = RoutingSettings.defaults().withEjection(1, Duration.ofSeconds(30),
            Duration.ofSeconds(30));
    private final Router router = new Router(Strategies.roundRobin(), settings, () -> now);
    private final GatewayMetrics metrics = new GatewayMetrics(registry, 10, List.of("m"), () -> now);
    private final BatchMeters batches = new BatchMeters(registry);
    private final ModelPools pools = ModelPools.ofRouter(config, router, metrics, batches);
    private final Admission admission = pools.all().get(0).admission();
    private final EmbeddedChannel channel = new EmbeddedChannel(new AdminHandler(registry, () -> true, pools,
            new StatusJson(pools, metrics, batches, config, () -> true, () -> false)));

    @AfterEach
    void noBufferLeftBehind() {
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    private FullHttpResponse get(HttpMethod method, String path) {
        channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, path));
        return channel.readOutbound();
    }

    private String body(HttpMethod method, String path, HttpResponseStatus expected, String contentType,
                        String cacheControl) {
        FullHttpResponse response = get(method, path);
        try {
            assertThat(response.status()).isEqualTo(expected);
            assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo(contentType);
            assertThat(response.headers().get(HttpHeaderNames.CACHE_CONTROL)).isEqualTo(cacheControl);
            return response.content().toString(StandardCharsets.UTF_8);
        } finally {
            response.release();
        }
    }

    private JsonNode status() {
        return JSON.readTree(body(HttpMethod.GET, "/status.json", HttpResponseStatus.OK, "application/json",
                "no-store"));
    }

    @Test
    void everyReplicaOfThePoolWithItsStateAndLoad() {
        router.update(EndpointSnapshot.of(List.of(A, B, STARTING, LEAVING)));
        router.load(A).scraped(2, 5, 0.25, Set.of("m"), now);
        // B fails once and is ejected (one failure ejects, in this test's settings).
        router.dispatch(new RouteRequest(ApiRoute.CHAT, "m", false), Set.of(A)).finish(true);
        now += Duration.ofMillis(500).toNanos();

        JsonNode pools = status().get("pools");
        assertThat(pools).hasSize(1);
        JsonNode pool = pools.get(0);
        assertThat(pool.get("name").asString()).isEqualTo("default");
        assertThat(pool.get("strategy").asString()).isEqualTo("round-robin");
        assertThat(pool.get("readyReplicas").asInt()).isEqualTo(2);
        assertThat(pool.get("queue").asDouble()).isEqualTo(2);
        JsonNode replicas = pool.get("replicas");
        assertThat(replicas).hasSize(4);
        assertThat(replicas.findValuesAsString("address"))
                .containsExactly("10.0.0.1:8000", "10.0.0.2:8000", "10.0.0.3:8000", "10.0.0.4:8000");
        assertThat(replicas.findValuesAsString("state")).containsExactly("ready", "ejected", "not-ready", "terminating");

        JsonNode a = replicas.get(0);
        assertThat(a.get("waiting").asDouble()).isEqualTo(2);
        assertThat(a.get("running").asDouble()).isEqualTo(5);
        assertThat(a.get("kvCacheUsage").asDouble()).isEqualTo(0.25);
        assertThat(a.get("scrapeAgeMs").asLong()).isEqualTo(500);
        assertThat(a.get("fresh").asBoolean()).isTrue();
        assertThat(a.get("models").get(0).asString()).isEqualTo("m");
        assertThat(a.get("estimatedLoad").isNumber()).isTrue();

        // Never scraped: the figures are unknown, which is not zero.
        JsonNode b = replicas.get(1);
        assertThat(b.get("waiting").isNull()).isTrue();
        assertThat(b.get("kvCacheUsage").isNull()).isTrue();
        assertThat(b.get("scrapeAgeMs").isNull()).isTrue();
        assertThat(b.get("ejectedForMs").asLong()).isEqualTo(29_500);
    }

    @Test
    void requestRatesAndPercentilesOverTheLastSeconds() {
        GatewayMetrics.RouteMeters meters = metrics.meters("m", ApiRoute.CHAT);
        now += Duration.ofSeconds(20).toNanos();
        for (int second = 0; second < 10; second++) {
            for (int i = 0; i < 4; i++) {
                meters.received();
                meters.answered(200, Duration.ofMillis(100).toNanos(), Duration.ofMillis(20).toNanos());
            }
            meters.received();
            meters.answered(429, 1_000, -1);
            now += Duration.ofSeconds(1).toNanos();
        }
        meters.received();

        JsonNode requests = status().get("requests");
        assertThat(requests.get("windowSeconds").asInt()).isEqualTo(10);
        assertThat(requests.get("receivedPerSecond").asDouble()).isCloseTo(5, within(1e-9));
        assertThat(requests.get("rejectedPerSecond").asDouble()).isCloseTo(1, within(1e-9));
        assertThat(requests.get("errorsPerSecond").asDouble()).isZero();
        assertThat(requests.get("inflight").asInt()).isEqualTo(1);
        assertThat(requests.get("latencySeconds").get("count").asLong()).isEqualTo(40);
        assertThat(requests.get("latencySeconds").get("p50").asDouble()).isCloseTo(0.1, within(0.025));
        assertThat(requests.get("latencySeconds").get("p99").asDouble()).isCloseTo(0.1, within(0.025));
        assertThat(requests.get("ttftSeconds").get("p50").asDouble()).isCloseTo(0.02, within(0.005));
    }

    @Test
    void beforeAnyRequestThePercentilesAreNull() {
        JsonNode requests = status().get("requests");
        assertThat(requests.get("latencySeconds").get("count").asLong()).isZero();
        assertThat(requests.get("latencySeconds").get("p50").isNull()).isTrue();
        assertThat(requests.get("ttftSeconds").get("p99").isNull()).isTrue();
    }

    @Test
    void admissionAndBatchingAsConfiguredAndCounted() {
        router.update(EndpointSnapshot.of(List.of(A, B)));
        batches.sent(ApiRoute.EMBEDDINGS, 4);
        batches.sent(ApiRoute.EMBEDDINGS, 1);
        batches.fellBack(ApiRoute.EMBEDDINGS);

        JsonNode status = status();
        assertThat(status.get("ready").asBoolean()).isTrue();
        assertThat(status.get("draining").asBoolean()).isFalse();
        JsonNode admissionNode = status.get("admission");
        assertThat(admissionNode.get("queued").asInt()).isZero();
        assertThat(admissionNode.get("queueCapacity").asInt()).isEqualTo(7);
        assertThat(admissionNode.get("limit").asInt()).isEqualTo(6);
        assertThat(admissionNode.get("inflight").asInt()).isZero();

        JsonNode batching = status.get("batching");
        assertThat(batching.get("maxItems").asInt()).isEqualTo(config.batching().policy().maxItems());
        assertThat(batching.get("routes").findValuesAsString("route")).containsExactly("completions", "embeddings");
        JsonNode embeddings = batching.get("routes").get(1);
        assertThat(embeddings.get("enabled").asBoolean()).isTrue();
        assertThat(embeddings.get("upstreamCalls").asLong()).isEqualTo(2);
        assertThat(embeddings.get("requests").asLong()).isEqualTo(5);
        assertThat(embeddings.get("batchedRequests").asLong()).isEqualTo(4);
        assertThat(embeddings.get("callsSaved").asLong()).isEqualTo(3);
        assertThat(embeddings.get("fallbacks").asLong()).isEqualTo(1);
        assertThat(batching.get("routes").get(0).get("enabled").asBoolean()).isFalse();
    }

    @Test
    void withoutAnyLimitTheAdmissionLimitIsNull() {
        GatewayConfig unlimited = GatewayConfig.of(Map.of("admission.max-inflight", "0"));
        StatusJson status = new StatusJson(ModelPools.ofRouter(unlimited, router, metrics, batches), metrics, batches,
                unlimited, () -> false, () -> true);

        JsonNode json = JSON.readTree(status.render());
        assertThat(json.get("admission").get("limit").isNull()).isTrue();
        assertThat(json.get("draining").asBoolean()).isTrue();
    }

    @Test
    void unknownPathsAndOtherMethodsKeepTheirJsonErrors() {
        String notFound = body(HttpMethod.GET, "/status", HttpResponseStatus.NOT_FOUND, "application/json", null);
        assertThat(notFound).contains("/status.json");
        assertThat(body(HttpMethod.POST, "/status.json", HttpResponseStatus.METHOD_NOT_ALLOWED, "application/json",
                null)).contains("GET only");
    }
}
