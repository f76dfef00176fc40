package io.qgate.gateway.proxy;

import java.util.List;
import io.qgate.gateway.pool.ModelPools;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.qgate.gateway.Transport;
import io.qgate.gateway.config.GatewayConfig;
import io.qgate.gateway.metrics.BatchMeters;
import io.qgate.gateway.metrics.GatewayMetrics;
import io.qgate.routing.Strategies;
import io.qgate.routing.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The client-facing handler on an {@link EmbeddedChannel}: every request it answers itself is
 * released, and the answers come back in order. No replica is known, so nothing leaves the
 * channel.
 */
class FrontendHandlerTest {

    private final GatewayConfig config = GatewayConfig.of(Map.of("endpoints", ""));
    private final Router router = new Router(Strategies.roundRobin());
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final GatewayMetrics metrics = new GatewayMetrics(registry, 10, List.of(), router::nowNanos);
    private final EmbeddedChannel channel = new EmbeddedChannel(new FrontendHandler(new ProxyContext(config,
            ModelPools.ofRouter(config, router, metrics, new BatchMeters(registry)),
            new UpstreamPools(Transport.nio(), config, new DefaultChannelGroup(GlobalEventExecutor.INSTANCE),
                    router::nowNanos),
            metrics, () -> false, RequestBodyInspector.PrefixLimits.NONE, router::nowNanos),
            new ClientResponseEncoder()));

    @AfterEach
    void noMessageLeftBehind() {
        assertFalse(channel.finishAndReleaseAll());
    }

    private static FullHttpRequest request(HttpMethod method, String uri, String body) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, request.content().readableBytes());
        return request;
    }

    private FullHttpResponse answer() {
        FullHttpResponse response = channel.readOutbound();
        assertThat(response).isNotNull();
        return response;
    }

    /** The next answer's status; the answer is released. */
    private int nextStatus() {
        FullHttpResponse response = answer();
        try {
            return response.status().code();
        } finally {
            response.release();
        }
    }

    private static String body(FullHttpResponse response) {
        try {
            return response.content().toString(StandardCharsets.UTF_8);
        } finally {
            response.release();
        }
    }

    @Test
    void requestsAnsweredByTheGatewayAreReleasedAndAnsweredInOrder() {
        FullHttpRequest badJson = request(HttpMethod.POST, "/v1/chat/completions", "{oops");
        FullHttpRequest unknown = request(HttpMethod.GET, "/health", "");
        FullHttpRequest wrongMethod = request(HttpMethod.GET, "/v1/embeddings", "");
        FullHttpRequest noReplica = request(HttpMethod.POST, "/v1/chat/completions", "{\"model\":\"m\"}");

        channel.writeInbound(badJson, unknown, wrongMethod, noReplica);

        FullHttpResponse first = answer();
        assertThat(first.status().code()).isEqualTo(400);
        assertThat(body(first)).contains("invalid_json");
        assertThat(nextStatus()).isEqualTo(404);
        assertThat(nextStatus()).isEqualTo(405);
        FullHttpResponse last = answer();
        assertThat(last.status().code()).isEqualTo(503);
        assertThat(body(last)).contains("no_ready_replica");
        for (FullHttpRequest request : new FullHttpRequest[] {badJson, unknown, wrongMethod, noReplica}) {
            assertThat(request.refCnt()).isZero();
        }
        assertThat(metrics.inflight()).isZero();
    }

    @Test
    void anOversizedBodyIsAnsweredThenTheConnectionCloses() {
        channel.writeInbound(new RejectedRequest(ErrorResponses.TOO_LARGE, "too large", HttpVersion.HTTP_1_1));

        FullHttpResponse response = answer();
        assertThat(response.status().code()).isEqualTo(413);
        assertThat(response.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
        response.release();
        channel.runPendingTasks();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void requestsQueuedBehindAClosingConnectionAreReleased() {
        FullHttpRequest closing = request(HttpMethod.GET, "/nope", "");
        closing.headers().set(HttpHeaderNames.CONNECTION, "close");
        FullHttpRequest behind = request(HttpMethod.GET, "/v1/models", "");

        channel.writeInbound(closing, behind);

        assertThat(nextStatus()).isEqualTo(404);
        assertThat(behind.refCnt()).isZero();
    }
}
