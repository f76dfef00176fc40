package io.qgate.gateway.admin;

import static java.util.Objects.requireNonNull;

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
import io.netty.handler.codec.http.QueryStringDecoder;
import io.qgate.gateway.config.DebugPages;
import io.qgate.gateway.pool.ModelPool;
import io.qgate.gateway.pool.ModelPools;
import io.qgate.gateway.proxy.ErrorResponses;
import io.qgate.routing.Endpoint;
import io.qgate.routing.EndpointLoad;
import io.qgate.routing.PoolQueue;
import io.qgate.routing.Router;
import io.qgate.routing.ScoreCard;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BooleanSupplier;

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
    private static final String DEBUG_PAGES = "/debug/";
    static final String UNKNOWN_PATH = "Unknown admin path; try / (the status page), /status.json, /metrics, "
            + "/healthz, /readyz, /scaling or /debug/endpoints.";

    private final PrometheusMeterRegistry registry;
    private final BooleanSupplier ready;
    private final ModelPools pools;
    private final StatusJson status;
    private final StatusPage page = new StatusPage();
    private final DebugPages debug;

    public AdminHandler(PrometheusMeterRegistry registry, BooleanSupplier ready, ModelPools pools,
                        StatusJson status) {
        this(registry, ready, pools, status, DebugPages.ON);
    }

    /** @param debug who may read the {@code /debug/*} pages ({@code admin.debug}) */
    public AdminHandler(PrometheusMeterRegistry registry, BooleanSupplier ready, ModelPools pools,
                        StatusJson status, DebugPages debug) {
        this.registry = registry;
        this.ready = ready;
        this.pools = pools;
        this.status = status;
        this.debug = requireNonNull(debug, "debug");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            send(ctx, request, HttpResponseStatus.BAD_REQUEST, "application/json",
                    ErrorResponses.BAD_REQUEST.body("Malformed HTTP request."), false);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
            send(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "application/json",
                    ErrorResponses.METHOD_NOT_ALLOWED.body("The admin port answers GET only."), true);
            return;
        }
        if (path.startsWith(DEBUG_PAGES) && !debugAllowed(ctx)) {
            refuseDebug(ctx, request);
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
            case "/scaling" -> scaling(ctx, request, uri.parameters().get("pool"));
            default -> send(ctx, request, HttpResponseStatus.NOT_FOUND, "application/json",
                    ErrorResponses.NOT_FOUND.body(UNKNOWN_PATH), true);
        }
    }

    /** {@code admin.debug: off} hides the pages; {@code loopback} shows them to loopback clients alone. */
    private boolean debugAllowed(ChannelHandlerContext ctx) {
        return switch (debug) {
            case ON -> true;
            case OFF -> false;
            case LOOPBACK -> ctx.channel().remoteAddress() instanceof InetSocketAddress remote
                    && remote.getAddress() != null && remote.getAddress().isLoopbackAddress();
        };
    }

    private void refuseDebug(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (debug == DebugPages.OFF) {
            send(ctx, request, HttpResponseStatus.NOT_FOUND, "application/json",
                    ErrorResponses.NOT_FOUND.body("The debug pages are turned off (admin.debug: off)."), true);
        } else {
            send(ctx, request, HttpResponseStatus.FORBIDDEN, "application/json", ErrorResponses.FORBIDDEN.body(
                    "The debug pages answer loopback clients only (admin.debug: loopback)."), true);
        }
    }

    /** Every pool's replicas and what routing thinks of them, pool by pool. */
    private String endpointsJson() {
        StringBuilder json = new StringBuilder("{\"pools\":[");
        for (ModelPool pool : pools.all()) {
            json.append(pool == pools.all().get(0) ? "" : ",");
            poolEndpointsJson(json, pool);
        }
        return json.append("]}\n").toString();
    }

    private static void poolEndpointsJson(StringBuilder json, ModelPool pool) {
        Router router = pool.router();
        long now = router.nowNanos();
        long staleAfter = router.settings().staleAfter().toNanos();
        boolean correction = router.settings().queueCorrection();
        List<String> scorers = router.strategy().scorerNames();
        json.append("{\"pool\":\"").append(pool.name())
                .append("\",\"strategy\":\"").append(router.strategy().name())
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
        json.append("]}");
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
     * The scaling signals as JSON, for KEDA's metrics-api scaler and anything else without
     * PromQL: {@code ?pool=NAME} answers one pool's, else every pool's under {@code pools} with
     * their sums beside (so a single-pool gateway reads as before).
     */
    private void scaling(ChannelHandlerContext ctx, FullHttpRequest request, List<String> poolParameter) {
        if (poolParameter != null && !poolParameter.isEmpty()) {
            ModelPool pool = pools.byName(poolParameter.get(0));
            if (pool == null) {
                send(ctx, request, HttpResponseStatus.NOT_FOUND, "application/json", ErrorResponses.NOT_FOUND.body(
                        "No pool named '" + poolParameter.get(0) + "'; GET /scaling lists every pool."), true);
                return;
            }
            send(ctx, request, HttpResponseStatus.OK, "application/json", scalingJson(List.of(pool)) + "\n", true);
            return;
        }
        StringBuilder json = new StringBuilder(scalingJson(pools.all()));
        json.setLength(json.length() - 1);
        json.append(",\"pools\":{");
        for (ModelPool pool : pools.all()) {
            json.append(pool == pools.all().get(0) ? "" : ",").append('"').append(pool.name()).append("\":")
                .append(scalingJson(List.of(pool)));
        }
        send(ctx, request, HttpResponseStatus.OK, "application/json", json.append("}}\n").toString(), true);
    }

    /**
     * The signals of some pools, summed: request rate and mean latency over the last 60 s (the
     * mean weighted by rate), the engines' queue, the gateway's queue, ready replicas, open requests
     * (also as {@code demand}: what wakes a pool scaled to zero) and those held for a replica to wake.
     */
    private static String scalingJson(List<ModelPool> some) {
        double rate = 0;
        double latencyTimesRate = 0;
        double engineQueue = 0;
        int gatewayQueue = 0;
        int ready = 0;
        int inflight = 0;
        int waitingForReplica = 0;
        for (ModelPool pool : some) {
            double poolRate = pool.meters().requestRate();
            rate += poolRate;
            double latency = pool.meters().averageLatencySeconds();
            latencyTimesRate += Double.isNaN(latency) ? 0 : latency * poolRate;
            engineQueue += PoolQueue.length(pool.router());
            gatewayQueue += pool.admission().queued();
            ready += pool.router().snapshot().accepting().size();
            inflight += pool.meters().inflight();
            waitingForReplica += pool.admission().waitingForReplica();
        }
        double latency = some.size() == 1 ? some.get(0).meters().averageLatencySeconds()
                : rate > 0 ? latencyTimesRate / rate : Double.NaN;
        return "{\"requestRate\":" + number(rate)
                + ",\"averageLatencySeconds\":" + number(latency)
                + ",\"poolQueueLength\":" + number(engineQueue)
                + ",\"gatewayQueueLength\":" + gatewayQueue
                + ",\"readyReplicas\":" + ready
                + ",\"inflight\":" + inflight
                + ",\"demand\":" + inflight
                + ",\"waitingForReplica\":" + waitingForReplica + "}";
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
