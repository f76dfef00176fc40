package io.qgate.gateway.admin;

import io.qgate.gateway.pool.ModelPools;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
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
import io.qgate.routing.metrics.LoraAdapters;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class DebugEndpointsTest {

    private static final Endpoint A = Endpoint.of("10.0.0.1", 8000);
    private static final Endpoint B = Endpoint.of("10.0.0.2", 8000);

    private long now = 5_000_000_000L;

    private String debugEndpoints(Router router) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        GatewayMetrics metrics = new GatewayMetrics(registry, 10, List.of(), () -> now);
        GatewayConfig config = GatewayConfig.of(Map.of());
        ModelPools pools = ModelPools.ofRouter(config, router, metrics, new BatchMeters(registry));
        StatusJson status = new StatusJson(pools, metrics, new BatchMeters(registry), config, () -> true, () -> false);
        EmbeddedChannel channel = new EmbeddedChannel(new AdminHandler(registry, () -> true, pools, status));
        channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/debug/endpoints"));
        FullHttpResponse response = channel.readOutbound();
        try {
            return response.content().toString(StandardCharsets.UTF_8);
        } finally {
            response.release();
            assertThat(channel.finishAndReleaseAll()).isFalse();
        }
    }

    @Test
    void eachReplicaShowsTheScoresOfTheLastDecisionThatConsideredIt() {
        RoutingSettings settings = RoutingSettings.defaults().withPrefixAffinity(false);
        Random random = new Random(1);
        Router router = new Router(Strategies.queue(settings, () -> random), settings, () -> now);
        router.update(EndpointSnapshot.of(List.of(A, B)));
        router.load(A).scraped(0, 1, 0.5, Set.of(), now);
        router.load(B).scraped(0, 4, 0.0, Set.of(), now);

        router.dispatch(new RouteRequest(ApiRoute.CHAT, "m", false), Set.of()).finish();
        now += 7_000_000;
        String json = debugEndpoints(router);

        // A: queue 1/(1+1-1) = 1, kv 0.5, total 1.05; B: queue 1/(1+4-1) = 0.25, kv 1, total 0.35.
        assertThat(json).contains("\"strategy\":\"queue\"")
                .contains("\"address\":\"10.0.0.1:8000\"")
                .contains("\"scores\":{\"queue\":1,\"kv-cache\":0.5,\"lora\":0,\"total\":1.05,\"ageMs\":7}")
                .contains("\"scores\":{\"queue\":0.25,\"kv-cache\":1,\"lora\":0,\"total\":0.35,\"ageMs\":7}");
    }

    @Test
    void aRequestForAnAdapterShowsTheLoraScores() {
        RoutingSettings settings = RoutingSettings.defaults().withPrefixAffinity(false);
        Random random = new Random(1);
        Router router = new Router(Strategies.queue(settings, () -> random), settings, () -> now);
        router.update(EndpointSnapshot.of(List.of(A, B)));
        router.load(A).scraped(0, 1, 0.5, Set.of(), new LoraAdapters(Set.of("sql-lora"), 2, 1), now);
        router.load(B).scraped(0, 2, 0.0, Set.of(), new LoraAdapters(Set.of("b"), 2, 1), now);

        router.dispatch(new RouteRequest(ApiRoute.CHAT, "sql-lora", false), Set.of()).finish();
        String json = debugEndpoints(router);

        // No demand is known yet, so neither is the adapter's home: A runs it (0.9, weighted 2); B, one
        // request longer and within the margin, has a free slot (0.4).
        assertThat(json).contains("\"scores\":{\"queue\":1,\"kv-cache\":0.5,\"lora\":0.9,\"total\":2.85,")
                .contains("\"scores\":{\"queue\":0.5,\"kv-cache\":1,\"lora\":0.4,\"total\":1.4,");
    }

    @Test
    void aReplicaNoScoringDecisionConsideredShowsNoScores() {
        Router router = new Router(Strategies.roundRobin(), RoutingSettings.defaults(), () -> now);
        router.update(EndpointSnapshot.of(List.of(A, B)));
        router.dispatch(new RouteRequest(ApiRoute.CHAT, "m", false), Set.of()).finish();

        assertThat(debugEndpoints(router)).contains("\"strategy\":\"round-robin\"")
                .doesNotContain("\"scores\":{").contains("\"scores\":null");
    }
}
