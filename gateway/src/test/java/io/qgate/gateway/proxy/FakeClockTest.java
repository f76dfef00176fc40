package io.qgate.gateway.proxy;

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
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.qgate.gateway.Transport;
import io.qgate.gateway.config.GatewayConfig;
import io.qgate.gateway.metrics.BatchMeters;
import io.qgate.gateway.metrics.GatewayMetrics;
import io.qgate.routing.ApiRoute;
import io.qgate.routing.Strategies;
import io.qgate.routing.Router;
import io.qgate.routing.RoutingSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The gateway's waits on one fake clock: the client connection's event loop and the router (the
 * gateway's clock) read the same ticker, which the test moves; nothing sleeps. No replica is
 * known, so a request that goes on to a replica is answered 503 at once: that answer shows the
 * moment the wait ended.
 */
class FakeClockTest {

    private final MockTicker ticker = Ticker.newMockTicker();
    private final Router router = new Router(Strategies.roundRobin(), RoutingSettings.defaults(),
            ticker::nanoTime);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final GatewayMetrics metrics = new GatewayMetrics(registry, 10, List.of(), ticker::nanoTime);
    private final GatewayConfig config = GatewayConfig.of(Map.of("endpoints", "", "admission.max-inflight", "1",
            "admission.queue-size", "10", "admission.queue-timeout", "30s", "batching.max-wait", "50ms"));
    private final ModelPools pools = ModelPools.ofRouter(config, router, metrics, new BatchMeters(registry));
    private final Admission admission = pools.all().get(0).admission();
    private final EmbeddedChannel channel = EmbeddedChannel.builder().ticker(ticker)
            .handlers(new FrontendHandler(new ProxyContext(config, pools,
                    new UpstreamPools(Transport.nio(), config, new DefaultChannelGroup(GlobalEventExecutor.INSTANCE),
                            router::nowNanos),
                    metrics, () -> false, RequestBodyInspector.PrefixLimits.NONE, router::nowNanos),
                    new ClientResponseEncoder()))
            .build();

    @AfterEach
    void noMessageLeftBehind() {
        assertFalse(channel.finishAndReleaseAll());
    }

    private static FullHttpRequest post(String uri, String body) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, request.content().readableBytes());
        return request;
    }

    private static FullHttpRequest embeddings() {
        return post("/v1/embeddings", "{\"model\":\"m\",\"input\":\"hello\"}");
    }

    /** Another request open at the gateway and no idle replica: a batch waits for company. */
    private GatewayMetrics.RouteMeters anotherRequestOpen() {
        GatewayMetrics.RouteMeters other = pools.all().get(0).meters().meters(null, ApiRoute.EMBEDDINGS);
        other.received();
        return other;
    }

    private void advanceMillis(long millis) {
        ticker.advance(millis, TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
        channel.runScheduledPendingTasks();
    }

    /** The status of the answer written so far, or 0 when none was; the answer is released. */
    private int answered() {
        FullHttpResponse response = channel.readOutbound();
        if (response == null) {
            return 0;
        }
        try {
            return response.status().code();
        } finally {
            response.release();
        }
    }

    @Test
    void aRequestWaitsForAdmissionUntilTheQueueTimeoutOnTheGatewaysClock() {
        assertThat(admission.tryAcquire()).as("the one slot is taken").isTrue();
        FullHttpRequest request = post("/v1/chat/completions", "{\"model\":\"m\"}");

        channel.writeInbound(request);
        advanceMillis(29_999);
        assertThat(answered()).isZero();
        assertThat(admission.queued()).isOne();

        advanceMillis(1);
        FullHttpResponse refused = channel.readOutbound();
        assertThat(refused.status().code()).isEqualTo(429);
        assertThat(refused.headers().get(HttpHeaderNames.RETRY_AFTER)).isEqualTo("1");
        refused.release();
        assertThat(admission.queued()).isZero();
        assertThat(request.refCnt()).isZero();
        assertThat(registry.get("qgate.request.duration").timer().totalTime(TimeUnit.MILLISECONDS))
                .as("the wait, as the gateway's clock measured it").isEqualTo(30_000);
        admission.release();
    }

    @Test
    void aBatchLeavesAtTheEndOfItsWindowOnTheGatewaysClock() {
        GatewayMetrics.RouteMeters other = anotherRequestOpen();
        FullHttpRequest request = embeddings();

        channel.writeInbound(request);
        advanceMillis(49);
        assertThat(answered()).as("still waiting in its batch").isZero();
        assertThat(request.refCnt()).isOne();

        advanceMillis(1);
        assertThat(answered()).as("sent alone at the deadline; no replica is known").isEqualTo(503);
        assertThat(request.refCnt()).isZero();
        other.answered(200, 0, -1);
    }

    @Test
    void aClientThatLeavesWhileWaitingForASlotIsCountedOnceAndHoldsNothing() {
        assertThat(admission.tryAcquire()).isTrue();
        FullHttpRequest request = post("/v1/chat/completions", "{\"model\":\"m\"}");
        channel.writeInbound(request);

        channel.close();
        advanceMillis(30_000);

        assertThat(request.refCnt()).isZero();
        assertThat(admission.queued()).isZero();
        assertThat(metrics.inflight()).isZero();
        assertThat(registry.get("qgate.request.duration").timer().count()).isOne();
        admission.release();
        assertThat(admission.inflight()).as("no slot went to the request that left").isZero();
    }

    @Test
    void aClientThatLeavesWhileWaitingInABatchIsNotSentAtTheDeadline() {
        GatewayMetrics.RouteMeters other = anotherRequestOpen();
        FullHttpRequest request = embeddings();
        channel.writeInbound(request);
        channel.runPendingTasks();

        channel.close();
        advanceMillis(50);

        assertThat(request.refCnt()).isZero();
        assertThat(admission.inflight()).as("its slot is given back").isZero();
        assertThat(metrics.inflight()).isOne();
        other.answered(200, 0, -1);
    }
}
