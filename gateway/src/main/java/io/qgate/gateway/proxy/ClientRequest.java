package io.qgate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.qgate.gateway.config.GatewayConfig;
import io.qgate.gateway.metrics.AdmissionMeters;
import io.qgate.gateway.metrics.GatewayMetrics;
import io.qgate.gateway.pool.ModelPool;
import io.qgate.routing.ApiRoute;
import io.qgate.routing.RouteRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * One client request, from the moment its head is read to the last byte of its answer. It goes
 * through {@link Stage}s, each replacing the one before; what they share lives here: the
 * request's bytes (released once), keep-alive, the meters and the answer's accounting, the
 * admission slot, and completion, exactly once. {@link FrontendHandler} starts it and passes the
 * client's close and writability on; it tells the handler when it is over.
 *
 * <p>Once the answer's last write is under way, that write's outcome ends the request: a client
 * that leaves meanwhile changes nothing.
 */
final class ClientRequest implements ChannelFutureListener {

    private static final Logger log = LoggerFactory.getLogger(ClientRequest.class);
    /** The status recorded for a request whose client left before its answer (nginx's convention). */
    static final int CLIENT_CLOSED = 499;
    /** Output assumed for a request that sets no {@code max_tokens}: about a ShareGPT answer's. */
    private static final int TYPICAL_OUTPUT_TOKENS = 256;

    final FrontendHandler frontend;
    final ProxyContext context;
    final Channel client;
    final HttpVersion version;
    /** The request as read; null for one refused before it was whole ({@link RejectedRequest}). */
    private final FullHttpRequest http;
    private boolean released;
    private boolean keepAliveRequested;
    RouteRequest routeRequest;
    /** The body's priority (or the configured header's), null when neither gives one. */
    private Integer priority;
    private int maxTokens = -1;
    /** The model pool that serves the request; null until chosen, and for one answered here. */
    ModelPool pool;
    private GatewayMetrics.RouteMeters meters;
    long startNanos;
    private Stage stage = LocalAnswer.INSTANCE;
    private boolean holdsSlot;
    /** The answer's last write is under way. */
    private boolean answering;
    private boolean done;
    private int status;
    private boolean keepAliveAfter;
    private long firstByteNanos = -1;

    /** @param msg a {@link FullHttpRequest} or a {@link RejectedRequest} */
    ClientRequest(FrontendHandler frontend, ProxyContext context, Channel client, Object msg) {
        this.frontend = frontend;
        this.context = context;
        this.client = client;
        if (msg instanceof FullHttpRequest request) {
            this.http = request;
            boolean parsed = request.decoderResult().isSuccess();
            this.version = parsed ? request.protocolVersion() : HttpVersion.HTTP_1_1;
            this.keepAliveRequested = parsed && HttpUtil.isKeepAlive(request);
        } else {
            this.http = null;
            this.version = ((RejectedRequest) msg).version();
        }
    }

    /** Answers the request or sends it on; {@code msg} is the one given to the constructor. */
    void start(Object msg) {
        if (msg instanceof RejectedRequest rejected) {
            answerLocally(rejected.error(), rejected.message(), ApiRoute.OTHER, null);
            return;
        }
        try {
            InspectedBody inspected = RequestCheck.check(http, context.prefixLimits());
            routeRequest = inspected.request();
            priority = inspected.priority();
            maxTokens = inspected.maxTokens();
        } catch (RequestCheck.Refused refused) {
            if (refused.close) {
                log.debug("malformed request from {}: {}", client.remoteAddress(), refused.getCause().toString());
                keepAliveRequested = false;
            }
            release();
            answerLocally(refused.error, refused.getMessage(), refused.route, refused.allow);
            return;
        }
        // One pool: its replicas answer, as LiteLLM filters the list by the caller's key. Several: the union here.
        if (routeRequest.route() == ApiRoute.MODELS && context.pools().all().size() > 1) {
            answerModels();
            return;
        }
        pool = context.pools().forModel(routeRequest.model());
        if (pool == null) {
            release();
            answerLocally(ErrorResponses.MODEL_NOT_FOUND, "The model '" + routeRequest.model()
                    + "' is not served here; available models: " + context.pools().availableModels() + ".",
                    routeRequest.route(), null);
            return;
        }
        startNanos = context.nowNanos();
        meters = pool.meters().meters(routeRequest.model(), routeRequest.route());
        meters.received();
        Admission admission = pool.admission();
        if (admission.tryAcquire()) {
            admitted();
            return;
        }
        boolean forReplica = admission.holding();
        GatewayConfig.Ordering ordering = pool.config().admission().ordering();
        AdmissionWait wait = new AdmissionWait(this, forReplica, TenantKey.of(http.headers(), ordering.tenantHeader()),
                priority(ordering), work());
        stage = wait;
        switch (admission.acquireOrQueue(wait)) {
            case ADMITTED -> admitted();
            case QUEUED -> wait.armTimeout((forReplica ? pool.config().scaleFromZero().timeout()
                    : pool.config().admission().queueTimeout()).toNanos());
            case REJECTED -> {
                if (forReplica) {
                    pool.admissionMeters().refused(AdmissionMeters.Refusal.NO_REPLICA_QUEUE_FULL);
                    refuseWaking();
                } else {
                    pool.admissionMeters().refused(AdmissionMeters.Refusal.QUEUE_FULL);
                    refuseOverloaded();
                }
            }
        }
    }

    /** The body's priority, else the configured header's (an integer), else 0. */
    private int priority(GatewayConfig.Ordering ordering) {
        if (priority != null) {
            return priority;
        }
        if (!ordering.priorityHeader().isEmpty()) {
            String header = http.headers().get(ordering.priorityHeader());
            if (header != null) {
                try {
                    return Integer.parseInt(header.trim());
                } catch (NumberFormatException e) {
                    return 0; // a header is advice; a malformed one is not worth refusing the request
                }
            }
        }
        return 0;
    }

    /**
     * The work the request asks for, in estimated tokens: its prompt, as the inspector estimated
     * it for routing, and what it may generate ({@code max_tokens}, else a typical chat answer).
     */
    private long work() {
        return 1 + routeRequest.promptTokens() + (maxTokens >= 0 ? maxTokens : TYPICAL_OUTPUT_TOKENS);
    }

    /** The request holds a slot now, until it is over: into a batch, or relayed on its own. */
    void admitted() {
        holdsSlot = true;
        if (pool.config().batching().enabled(routeRequest.route()) && !routeRequest.stream()) {
            BatchWait wait = pool.batchers().forLoop(client.eventLoop(), context, pool).admit(this);
            if (wait != null) {
                stage = wait;
                return;
            }
        }
        relay();
    }

    /** Relays the request to a replica of its own. */
    void relay() {
        Relay relay = new Relay(this);
        stage = relay;
        relay.start();
    }

    /** Answers 429 to a request that found the queue full or waited too long for a slot. */
    void refuseOverloaded() {
        refuseForNow(ErrorResponses.OVERLOADED, "The gateway is at its limit of requests in flight and its queue is"
                + " full or the wait was too long");
    }

    /** Answers 503 to a request held for a replica that did not wake in time, or that found the hold full. */
    void refuseWaking() {
        refuseForNow(ErrorResponses.NO_REPLICA, "No replica of this model is ready yet (it is starting from zero)"
                + " and the wait was too long or the queue is full");
    }

    /** A refusal the client should retry, after the pool's {@code Retry-After}. */
    private void refuseForNow(ErrorResponses error, String why) {
        long retryAfter = pool.config().admission().retryAfterSeconds();
        boolean keepAlive = keepAlive();
        FullHttpResponse response = error.response(client.alloc(), version,
                why + "; retry after " + retryAfter + " s.", keepAlive);
        response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfter);
        respond(response, keepAlive);
    }

    private void answerLocally(ErrorResponses error, String message, ApiRoute route, HttpMethod allow) {
        startNanos = context.nowNanos();
        meters = context.metrics().meters(null, route);
        meters.received();
        stage = LocalAnswer.INSTANCE;
        boolean keepAlive = keepAlive();
        FullHttpResponse response = error.response(client.alloc(), version, message, keepAlive);
        if (allow != null) {
            response.headers().set(HttpHeaderNames.ALLOW, allow.name());
        }
        respond(response, keepAlive);
    }

    /**
     * Answers {@code GET /v1/models} from every pool's models, and {@code GET /v1/models/{id}}
     * with one of them (the id may hold slashes, as Hugging Face names do).
     */
    private void answerModels() {
        release();
        String path = http.uri();
        int query = path.indexOf('?');
        path = query >= 0 ? path.substring(0, query) : path;
        String id = path.length() > "/v1/models/".length()
                ? QueryStringDecoder.decodeComponent(path.substring("/v1/models/".length())) : null;
        String body = id == null ? context.pools().modelList() : context.pools().model(id);
        if (body == null) {
            answerLocally(ErrorResponses.MODEL_NOT_FOUND, "The model '" + id + "' is not served here; available"
                    + " models: " + context.pools().availableModels() + ".", ApiRoute.MODELS, null);
            return;
        }
        startNanos = context.nowNanos();
        meters = context.metrics().meters(null, ApiRoute.MODELS);
        meters.received();
        boolean keepAlive = keepAlive();
        ByteBuf content = client.alloc().buffer(body.length());
        content.writeCharSequence(body, StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(version, HttpResponseStatus.OK, content);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        HttpUtil.setKeepAlive(response, keepAlive);
        respond(response, keepAlive);
    }

    /** Answers with the gateway's own error. */
    void answerError(ErrorResponses error, String message) {
        boolean keepAlive = keepAlive();
        respond(error.response(client.alloc(), version, message, keepAlive), keepAlive);
    }

    /** Writes the whole answer; the request is over when the write is. */
    void respond(FullHttpResponse response, boolean keepAlive) {
        int code = response.status().code();
        lastWrite(client.writeAndFlush(response), code, keepAlive);
    }

    /** The answer's last write is under way: its outcome ends the request. */
    void lastWrite(ChannelFuture write, int status, boolean keepAlive) {
        answering = true;
        this.status = status;
        this.keepAliveAfter = keepAlive;
        write.addListener(this);
    }

    @Override
    public void operationComplete(ChannelFuture write) {
        complete(status, keepAliveAfter && write.isSuccess());
    }

    /** Whether the answer may keep the connection open: the client asked, and nothing closes it. */
    boolean keepAlive() {
        return keepAliveRequested && !frontend.closing() && !context.draining().getAsBoolean();
    }

    /** The connection closes after this answer (e.g. an HTTP/1.0 body that runs until the close). */
    void closeAfter() {
        frontend.forceClose();
    }

    /**
     * The request as read. Its head stays readable after the request is over (a batch writes its
     * first member's headers even when that client has left); its body only until then.
     */
    FullHttpRequest http() {
        return http;
    }

    boolean http11() {
        return version.equals(HttpVersion.HTTP_1_1);
    }

    boolean headRequest() {
        return http.method().equals(HttpMethod.HEAD);
    }

    /** The first byte of the answer goes out now, unless one did already. */
    void firstByte() {
        if (firstByteNanos < 0) {
            firstByteNanos = context.nowNanos() - startNanos;
        }
    }

    /** The client went away; ignored once the answer's last write is under way. */
    void clientClosed() {
        if (!done && !answering) {
            stage.clientClosed();
            complete(CLIENT_CLOSED, false);
        }
    }

    void clientWritable() {
        stage.clientWritable();
    }

    /** The request is over: everything it holds is given back, once. */
    void complete(int code, boolean keepAlive) {
        if (done) {
            return;
        }
        done = true;
        stage.ended();
        release();
        if (code / 100 == 2 && pool != null) {
            context.metrics().modelServed(routeRequest.model());
        }
        meters.answered(code, context.nowNanos() - startNanos, firstByteNanos);
        if (holdsSlot) {
            holdsSlot = false;
            pool.admission().release();
        }
        frontend.requestDone(this, keepAlive);
    }

    private void release() {
        if (!released && http != null) {
            released = true;
            http.release();
        }
    }
}
