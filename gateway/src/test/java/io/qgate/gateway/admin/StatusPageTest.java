package io.qgate.gateway.admin;

import java.util.List;
import io.qgate.gateway.pool.ModelPools;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.qgate.gateway.config.GatewayConfig;
import io.qgate.gateway.metrics.BatchMeters;
import io.qgate.gateway.metrics.GatewayMetrics;
import io.qgate.gateway.proxy.Admission;
import io.qgate.routing.Router;
import io.qgate.routing.Strategies;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The page's bytes and headers; what its script does is for {@code StatusPageBrowserTest}, in a browser. */
class StatusPageTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Router router = new Router(Strategies.roundRobin());
    private final GatewayMetrics metrics = new GatewayMetrics(registry, 10, List.of(), System::nanoTime);
    private final GatewayConfig config = GatewayConfig.of(Map.of());
    private final ModelPools pools = ModelPools.ofRouter(config, router, metrics, new BatchMeters(registry));
    private final EmbeddedChannel channel = new EmbeddedChannel(new AdminHandler(registry, () -> true, pools,
            new StatusJson(pools, metrics, new BatchMeters(registry), config, () -> true, () -> false)));

    @AfterEach
    void noBufferLeftBehind() {
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    private FullHttpResponse send(FullHttpRequest request) {
        channel.writeInbound(request);
        return channel.readOutbound();
    }

    @Test
    void theRootIsOneSelfContainedHtmlPageThatRevalidates() {
        FullHttpResponse response = send(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
        try {
            assertThat(response.status()).isEqualTo(HttpResponseStatus.OK);
            assertThat(response.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/html; charset=utf-8");
            assertThat(response.headers().get(HttpHeaderNames.CACHE_CONTROL)).isEqualTo("no-cache");
            assertThat(response.headers().get(HttpHeaderNames.ETAG)).matches("\"[0-9a-f]{16}\"");
            assertThat(response.headers().get(HttpHeaderNames.CONTENT_SECURITY_POLICY))
                    .contains("default-src 'none'").contains("connect-src 'self'");
            assertThat(response.headers().get("x-content-type-options")).isEqualTo("nosniff");
            assertThat(response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH))
                    .isEqualTo(response.content().readableBytes());
            String html = response.content().toString(StandardCharsets.UTF_8);
            assertThat(html).startsWith("<!doctype html>").contains("fetch('status.json'")
                    .contains("<script>").contains("<style>")
                    // Self-contained: nothing is loaded from anywhere else.
                    .doesNotContain("<script src").doesNotContain("<link rel=\"stylesheet\"")
                    .doesNotContainPattern("https?://(?!www\\.w3\\.org/2000/svg)");
        } finally {
            response.release();
        }
    }

    @Test
    void aBrowserWithTheCurrentPageGetsABodiless304() {
        FullHttpResponse first = send(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
        String etag = first.headers().get(HttpHeaderNames.ETAG);
        first.release();

        FullHttpRequest again = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        again.headers().set(HttpHeaderNames.IF_NONE_MATCH, etag);
        FullHttpResponse response = send(again);
        try {
            assertThat(response.status()).isEqualTo(HttpResponseStatus.NOT_MODIFIED);
            assertThat(response.content().readableBytes()).isZero();
            assertThat(response.headers().get(HttpHeaderNames.ETAG)).isEqualTo(etag);
            assertThat(response.headers().contains(HttpHeaderNames.CONTENT_LENGTH)).isFalse();
        } finally {
            response.release();
        }

        FullHttpRequest stale = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        stale.headers().set(HttpHeaderNames.IF_NONE_MATCH, "\"0000000000000000\"");
        FullHttpResponse full = send(stale);
        assertThat(full.status()).isEqualTo(HttpResponseStatus.OK);
        full.release();
    }

    @Test
    void headAnswersLikeGetAndTheHintListsThePage() {
        FullHttpResponse head = send(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.HEAD, "/"));
        assertThat(head.status()).isEqualTo(HttpResponseStatus.OK);
        assertThat(head.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/html; charset=utf-8");
        head.release();

        FullHttpResponse notFound = send(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                "/index.html"));
        try {
            assertThat(notFound.status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
            assertThat(notFound.content().toString(StandardCharsets.UTF_8))
                    .contains("try / (the status page), /status.json, /metrics");
        } finally {
            notFound.release();
        }
    }
}
