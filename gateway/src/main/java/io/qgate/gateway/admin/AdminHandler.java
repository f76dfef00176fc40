package io.qgate.gateway.admin;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.qgate.gateway.metrics.GatewayMetrics;
import io.qgate.gateway.proxy.ErrorResponses;
import io.qgate.routing.Endpoint;
import io.qgate.routing.EndpointLoad;
import io.qgate.routing.PoolQueue;
import io.qgate.routing.Router;
import io.qgate.routing.ScoreCard;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * The admin port: {@code /} (the status page), {@code /status.json} (what it shows),
 * {@code /metrics} (Prometheus text), {@code /healthz} (the process serves), {@code /readyz} (it
 * should get traffic: at least one replica known, discovery synced, not draining),
 * {@code /scaling} (the autoscaling signals as JSON) and {@code /debug/endpoints}. Kept off the
 * API port so that a NetworkPolicy can restrict it to the monitoring namespace.
 */
@ChannelHandler.Sharable
public final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String UNKNOWN_PATH = "Unknown admin path; try / (the status page), /status.json, /metrics, "
            + "/healthz, /readyz, /scaling or /debug/endpoints.";

    private final PrometheusMeterRegistry registry;
    private final BooleanSupplier ready;
    private final Router router;
    private final GatewayMetrics metrics;
    private final IntSupplier gatewayQueue;
    private final StatusJson status;
    private final StatusPage page = new StatusPage();

    /** @param gatewayQueue requests waiting in the gateway's own admission queue */
    public AdminHandler(PrometheusMeterRegistry registry, BooleanSupplier ready, Router router,
                        GatewayMetrics metrics, IntSupplier gatewayQueue, StatusJson status) {
        this.registry = registry;
        this.ready = ready;
        this.router = router;
        this.metrics = metrics;
        this.gatewayQueue = gatewayQueue;
        this.status = status;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            send(ctx, request, HttpResponseStatus.BAD_REQUEST, "application/json",
                    ErrorResponses.BAD_REQUEST.body("Malformed HTTP request."), false);
            return;
        }
        String path = request.uri();
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
            send(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "application/json",
                    ErrorResponses.METHOD_NOT_ALLOWED.body("The admin port answers GET only."), true);
            return;
        }
        switch (path) {
            case "/" -> write(ctx, request, page.response(request, ctx.alloc()), true);
            case "/status.json" -> {
                FullHttpResponse response = response(ctx, request, HttpResponseStatus.OK, "application/json",
                        status.render());
                // A reading of now: never to be reused, by the browser or anything between.
                response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
                write(ctx, request, response, true);
            }
            case "/metrics" -> send(ctx, request, HttpResponseStatus.OK, PROMETHEUS_TEXT, registry.scrape(), true);
            case "/healthz" -> send(ctx, request, HttpResponseStatus.OK, "text/plain; charset=utf-8", "ok\n", true);
            case "/readyz" -> {
                boolean isReady = ready.getAsBoolean();
                send(ctx, request, isReady ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                        "text/plain; charset=utf-8", isReady ? "ready\n" : "not ready\n", true);
            }
            case "/debug/endpoints" -> send(ctx, request, HttpResponseStatus.OK, "application/json",
                    endpointsJson(), true);
            case "/scaling" -> send(ctx, request, HttpResponseStatus.OK, "application/json", scalingJson(), true);
            default -> send(ctx, request, HttpResponseStatus.NOT_FOUND, "application/json",
                    ErrorResponses.NOT_FOUND.body(UNKNOWN_PATH), true);
        }
    }

    private String endpointsJson() {
        long now = router.nowNanos();
        long staleAfter = router.settings().staleAfter().toNanos();
        boolean correction = router.settings().queueCorrection();
        List<String> scorers = router.strategy().scorerNames();
        StringBuilder json = new StringBuilder("{\"strategy\":\"").append(router.strategy().name())
                .append("\",\"staleAfterMs\":").append(staleAfter / 1_000_000)
                .append(",\"endpoints\":[");
        boolean first = true;
        for (Endpoint endpoint : router.snapshot().endpoints()) {
            EndpointLoad load = router.load(endpoint);
            long age = load.scrapeAgeNanos(now);
            String state = StatusJson.state(router, endpoint);
            json.append(first ? "" : ",")
                .append("{\"address\":\"").append(endpoint.authority())
                .append("\",\"pod\":\"").append(endpoint.details().podName())
                .append("\",\"node\":\"").append(endpoint.details().nodeName())
                .append("\",\"zone\":\"").append(endpoint.details().zone())
                .append("\",\"state\":\"").append(state)
                .append("\",\"ready\":").append(endpoint.ready())
                .append(",\"terminating\":").append(endpoint.terminating())
                .append(",\"ejectedForMs\":").append(router.ejectionRemainingMillis(endpoint))
                .append(",\"inflight\":").append(load.inflight())
                .append(",\"scraped\":{\"waiting\":").append(number(load.scrapedWaiting(now, Long.MAX_VALUE)))
                .append(",\"running\":").append(number(load.scrapedRunning(now, Long.MAX_VALUE)))
                .append(",\"kvCacheUsage\":").append(number(load.kvCacheUsage(now, Long.MAX_VALUE)))
                .append(",\"ageMs\":").append(age < 0 ? "null" : Long.toString(age / 1_000_000))
                .append(",\"fresh\":").append(load.fresh(now, staleAfter))
                .append(",\"lastScrapeFailed\":").append(load.lastScrapeFailed())
                .append("},\"estimatedLoad\":").append(number(load.estimatedLoad(now, staleAfter, correction)))
                .append(",\"scores\":");
            appendScores(json, scorers, load.scoreCard(), now);
            json.append('}');
            first = false;
        }
        return json.append("]}\n").toString();
    }

    /**
     * The scores of the last decision that considered the replica, by scorer, its weighted total
     * and its age; null when none has (a single candidate, or a strategy without scorers).
     */
    private static void appendScores(StringBuilder json, List<String> scorers, ScoreCard card, long now) {
        if (!card.recorded()) {
            json.append("null");
            return;
        }
        json.append('{');
        for (int k = 0; k < Math.min(scorers.size(), ScoreCard.SCORERS); k++) {
            json.append('"').append(scorers.get(k)).append("\":").append(number(card.score(k))).append(',');
        }
        json.append("\"total\":").append(number(card.total()))
            .append(",\"ageMs\":").append((now - card.atNanos()) / 1_000_000).append('}');
    }

    /**
     * The scaling signals as one JSON object, for KEDA's metrics-api scaler and anything else
     * without PromQL: request rate and mean latency over the last 60 s, the pool's queue, ready
     * replicas and this gateway's open requests.
     */
    private String scalingJson() {
        return "{\"requestRate\":" + number(metrics.requestRate())
                + ",\"averageLatencySeconds\":" + number(metrics.averageLatencySeconds())
                + ",\"poolQueueLength\":" + number(PoolQueue.length(router))
                + ",\"gatewayQueueLength\":" + gatewayQueue.getAsInt()
                + ",\"readyReplicas\":" + router.snapshot().accepting().size()
                + ",\"inflight\":" + metrics.inflight() + "}\n";
    }

    /** A JSON number, or null for NaN (JSON has no NaN). */
    private static String number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "null";
        }
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : Double.toString(value);
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
                             String contentType, String body, boolean keepAliveAllowed) {
        write(ctx, request, response(ctx, request, status, contentType, body), keepAliveAllowed);
    }

    private static FullHttpResponse response(ChannelHandlerContext ctx, FullHttpRequest request,
                                             HttpResponseStatus status, String contentType, String body) {
        ByteBuf content = ctx.alloc().buffer(body.length());
        content.writeCharSequence(body, StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), status, content);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        return response;
    }

    private static void write(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response,
                              boolean keepAliveAllowed) {
        boolean keepAlive = keepAliveAllowed && HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
