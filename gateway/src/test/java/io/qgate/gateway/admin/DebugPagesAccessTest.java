package io.qgate.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.qgate.gateway.config.DebugPages;
import io.qgate.gateway.config.GatewayConfig;
import io.qgate.gateway.metrics.BatchMeters;
import io.qgate.gateway.metrics.GatewayMetrics;
import io.qgate.gateway.pool.ModelPools;
import io.qgate.routing.Router;
import io.qgate.routing.RoutingSettings;
import io.qgate.routing.Strategies;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code admin.debug}: the {@code /debug/*} pages on, off, or for loopback clients only; the rest
 * of the admin port answers whatever the setting. An embedded channel's peer is not a loopback
 * address, so it stands for a client from elsewhere; the gateway's own test on real sockets shows
 * a loopback client served.
 */
class DebugPagesAccessTest {

    private static final String DEBUG = "/debug/endpoints";

    private record Answer(int status, String body) {}

    @Test
    void onServesThePages() {
        assertThat(get(DebugPages.ON, DEBUG).status()).isEqualTo(200);
    }

    @Test
    void offAnswers404InPlainWordsAndLeavesTheRestOfThePortAlone() {
        Answer debug = get(DebugPages.OFF, DEBUG);
        assertThat(debug.status()).isEqualTo(404);
        assertThat(debug.body()).contains("\"code\":\"not_found\"").contains("admin.debug: off");
        assertThat(get(DebugPages.OFF, "/metrics").status()).isEqualTo(200);
        assertThat(get(DebugPages.OFF, "/healthz").status()).isEqualTo(200);
    }

    @Test
    void loopbackAnswers403ToAClientFromElsewhere() {
        Answer debug = get(DebugPages.LOOPBACK, DEBUG);
        assertThat(debug.status()).isEqualTo(403);
        assertThat(debug.body()).contains("\"code\":\"forbidden\"").contains("loopback clients only");
        assertThat(get(DebugPages.LOOPBACK, "/readyz").status()).isEqualTo(200);
    }

    private static Answer get(DebugPages debug, String path) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        GatewayMetrics metrics = new GatewayMetrics(registry, 10, List.of(), () -> 0L);
        GatewayConfig config = GatewayConfig.of(Map.of());
        Router router = new Router(Strategies.roundRobin(), RoutingSettings.defaults(), () -> 0L);
        ModelPools pools = ModelPools.ofRouter(config, router, metrics, new BatchMeters(registry));
        StatusJson status = new StatusJson(pools, metrics, new BatchMeters(registry), config, () -> true, () -> false);
        EmbeddedChannel channel = new EmbeddedChannel(new AdminHandler(registry, () -> true, pools, status, debug));
        channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path));
        FullHttpResponse response = channel.readOutbound();
        try {
            return new Answer(response.status().code(), response.content().toString(StandardCharsets.UTF_8));
        } finally {
            response.release();
            assertThat(channel.finishAndReleaseAll()).isFalse();
        }
    }
}
