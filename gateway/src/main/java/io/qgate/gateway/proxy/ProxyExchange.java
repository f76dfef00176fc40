package io.qgate.gateway.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.qgate.gateway.metrics.GatewayMetrics;
import io.qgate.routing.Endpoint;
import io.qgate.routing.RouteRequest;
import io.qgate.routing.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One client request relayed to one replica and its response relayed back, on the event loop of
 * the client connection (the upstream connection lives on the same loop).
 *
 * <p>Backpressure: after each batch read from the replica the gateway flushes to the client; when
 * the client connection stops being writable, reading from the replica pauses (auto-read off)
 * until it drains, so a slow client slows the read from the replica and nothing piles up in
 * between. Toggling only then, rather than asking for every read, saves two system calls per
 * request on the fast path.
 *
 * <p>Retries: a replica that cannot be connected to, or a reused keep-alive connection that
 * turns out closed before any response byte arrived, is retried on another replica up to
 * {@code upstream.connect-attempts}. Nothing is retried once response bytes have reached the
 * client, so a client never gets two answers.
 */
final class ProxyExchange extends TimeoutSweeper.Watched
        implements UpstreamPool.Acquirer, UpstreamListener, ClientExchange {

    private static final Logger log = LoggerFactory.getLogger(ProxyExchange.class);
    /** The status recorded for a request whose client left before its answer (nginx's convention). */
    static final int CLIENT_CLOSED = 499;

    private final FrontendHandler frontend;
    private final Channel client;
    private final ProxyContext context;
    private final FullHttpRequest request;
    private final RouteRequest routeRequest;
    private final GatewayMetrics.RouteMeters meters;
    private final boolean clientKeepAlive;
    private final long startNanos;
    private final List<Endpoint> failedEndpoints = new ArrayList<>(1);

    private int attempts;
    private int statusRetries;
    private boolean headersPrepared;
    /** Set when the replica, not the client or the gateway, made this request fail. */
    private boolean replicaFailed;
    private Router.Dispatch dispatch;
    private UpstreamPool pool;
    private Channel upstream;
    private boolean upstreamReused;
    private boolean responseStarted;
    private boolean responseBodyless;
    private boolean eventStream;
    private boolean upstreamKeepAlive;
    private boolean done;
    private int status;
    private long firstByteNanos = -1;
    private long requestSentNanos;
    private long lastUpstreamActivityNanos;
    private boolean readPaused;
    /** Set once a reused connection failed before answering: later attempts open fresh connections. */
    private boolean freshConnection;

    ProxyExchange(FrontendHandler frontend, Channel client, ProxyContext context, FullHttpRequest request,
                  RouteRequest routeRequest, GatewayMetrics.RouteMeters meters, long startNanos) {
        this.frontend = frontend;
        this.client = client;
        this.context = context;
        this.request = request;
        this.routeRequest = routeRequest;
        this.meters = meters;
        this.clientKeepAlive = HttpUtil.isKeepAlive(request);
        this.startNanos = startNanos;
    }

    void start() {
        attempt();
    }

    private void attempt() {
        dispatch = context.router().dispatch(routeRequest, failedEndpoints);
        if (dispatch == null) {
            if (attempts == 0) {
                fail(ErrorResponses.NO_REPLICA, "No ready replica is available for this request.");
            } else {
                fail(ErrorResponses.UPSTREAM_FAILED, "No replica could be reached after " + attempts
                        + " attempt(s).");
            }
            return;
        }
        attempts++;
        pool = context.pools().forLoop(client.eventLoop());
        pool.acquire(dispatch.endpoint(), this, !freshConnection);
    }

    @Override
    public void acquired(Channel channel, boolean reused) {
        if (done) {
            pool.release(dispatch.endpoint(), channel, true);
            return;
        }
        upstream = channel;
        upstreamReused = reused;
        UpstreamChannelInitializer.handlerOf(channel).attach(this);
        requestSentNanos = System.nanoTime();
        pool.timeouts().watch(this);
        // A failed write (often a reused connection the replica just closed) may be reported
        // at once, retrying on another connection before this method returns.
        channel.writeAndFlush(upstreamRequest()).addListener(f -> {
            if (!f.isSuccess() && channel == upstream) {
                onUpstreamClosed(f.cause());
            }
        });
    }

    @Override
    public void acquireFailed(Throwable cause) {
        if (done) {
            return;
        }
        log.debug("connecting to {} failed: {}", dispatch.endpoint(), cause.toString());
        retryOrFail(cause, true);
    }

    /**
     * The request as the replica gets it. The client's headers are rewritten in place once (the
     * exchange owns the request) and shared by every attempt; only {@code Host} differs.
     */
    private FullHttpRequest upstreamRequest() {
        if (!headersPrepared) {
            headersPrepared = true;
            HttpHeaders headers = request.headers();
            ForwardedHeaders.stripHopByHop(headers);
            headers.remove(HttpHeaderNames.EXPECT);
            ForwardedHeaders.addForwarded(headers, frontend.forwardedFor(), frontend.forwardedProto());
            headers.setInt(HttpHeaderNames.CONTENT_LENGTH, request.content().readableBytes());
        }
        request.headers().set(HttpHeaderNames.HOST, dispatch.endpoint().authority());
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, request.method(), request.uri(),
                request.content().retainedDuplicate(), request.headers(), request.trailingHeaders());
    }

    @Override
    public void onUpstreamMessage(Object msg) {
        if (done) {
            ReferenceCountUtil.release(msg);
            return;
        }
        lastUpstreamActivityNanos = System.nanoTime();
        if (msg instanceof HttpResponse head) {
            if (head.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL) {
                // An interim 1xx answer precedes the real response; the client never asked for it.
                ReferenceCountUtil.release(msg);
                return;
            }
            if (retriedElsewhere(head)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            startResponse(head);
        }
        if (msg instanceof HttpContent content) {
            if (!responseStarted) {
                content.release();
                return;
            }
            if (firstByteNanos < 0 && (content.content().isReadable() || content instanceof LastHttpContent)) {
                firstByteNanos = System.nanoTime() - startNanos;
            }
            if (content instanceof LastHttpContent) {
                finishResponse((LastHttpContent) content);
            } else {
                client.write(content, client.voidPromise());
            }
        } else if (!(msg instanceof HttpResponse)) {
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * A replica that answers 429 (busy) or 503 (unavailable) before any byte reached the client
     * is skipped for another one, up to {@code upstream.status-retries} times. When no other
     * replica is available the answer is relayed as it is: the client learns what the replica said.
     */
    private boolean retriedElsewhere(HttpResponse head) {
        int code = head.status().code();
        if ((code != 429 && code != 503) || statusRetries >= context.config().statusRetries()) {
            return false;
        }
        List<Endpoint> excluded = new ArrayList<>(failedEndpoints);
        excluded.add(dispatch.endpoint());
        Router.Dispatch next = context.router().dispatch(routeRequest, excluded);
        if (next == null) {
            return false;
        }
        statusRetries++;
        log.debug("replica {} answered {}; retrying on {}", dispatch.endpoint(), code, next.endpoint());
        failedEndpoints.add(dispatch.endpoint());
        // The unread body makes the connection unusable; a 503 also counts towards ejection.
        releaseUpstream(false);
        dispatch.finish(code == 503);
        dispatch = next;
        attempts++;
        pool.acquire(next.endpoint(), this);
        return true;
    }

    private void startResponse(HttpResponse head) {
        status = head.status().code();
        upstreamKeepAlive = HttpUtil.isKeepAlive(head);
        HttpVersion version = request.protocolVersion();
        // The replica's header object is reused for the client: it is not read again upstream.
        HttpResponse response = new DefaultHttpResponse(version, head.status(), head.headers());
        boolean hasLength = HttpUtil.isContentLengthSet(head);
        boolean chunked = HttpUtil.isTransferEncodingChunked(head);
        ForwardedHeaders.stripHopByHop(response.headers());
        responseBodyless = request.method().equals(HttpMethod.HEAD) || status == 204 || status == 304;
        String contentType = head.headers().get(HttpHeaderNames.CONTENT_TYPE);
        eventStream = contentType != null && contentType.regionMatches(true, 0, "text/event-stream", 0, 17);
        if (!hasLength && !chunked) {
            // Close-delimited: the replica's connection cannot be reused after it.
            upstreamKeepAlive = false;
        }
        if (!hasLength && !responseBodyless) {
            if (version.equals(HttpVersion.HTTP_1_1)) {
                HttpUtil.setTransferEncodingChunked(response, true);
            } else {
                frontend.forceClose();
            }
        }
        HttpUtil.setKeepAlive(response, keepClientAlive());
        responseStarted = true;
        client.write(response, client.voidPromise());
    }

    private boolean keepClientAlive() {
        return clientKeepAlive && !frontend.closing() && !context.draining().getAsBoolean();
    }

    private void finishResponse(LastHttpContent last) {
        boolean reusable = upstreamKeepAlive;
        releaseUpstream(reusable);
        done = true;
        boolean keepAlive = keepClientAlive();
        boolean replicaFailed = status >= 500;
        client.writeAndFlush(last).addListener(f -> complete(status, keepAlive && f.isSuccess(), replicaFailed));
    }

    @Override
    public void onUpstreamReadComplete() {
        if (done || upstream == null) {
            return;
        }
        client.flush();
        if (!client.isWritable() && !readPaused) {
            readPaused = true;
            upstream.config().setAutoRead(false);
        }
    }

    /** The client connection can take more: resume reading from the replica. */
    @Override
    public void onClientWritable() {
        if (readPaused && !done && upstream != null) {
            readPaused = false;
            upstream.config().setAutoRead(true);
        }
    }

    /** The replica closed the connection or it failed; {@code cause} is null for a plain close. */
    @Override
    public void onUpstreamClosed(Throwable cause) {
        if (done) {
            return;
        }
        releaseUpstream(false);
        if (!responseStarted) {
            // A reused keep-alive connection the replica closed while idle: try a fresh one.
            retryOrFail(cause, !upstreamReused);
            return;
        }
        log.debug("replica {} closed the connection mid-response: {}", dispatch.endpoint(), cause);
        abortResponse("The replica closed the connection before the response was complete.");
    }

    private void retryOrFail(Throwable cause, boolean endpointFailed) {
        Endpoint failed = dispatch.endpoint();
        if (dispatch.finish(endpointFailed)) {
            log.warn("replica {} ejected after repeated failures (last: {})", failed,
                    cause == null ? "connection closed" : cause.toString());
        }
        dispatch = null;
        if (endpointFailed) {
            failedEndpoints.add(failed);
        } else {
            // A pooled connection the replica had closed or reset. When the replica died, its other
            // idle connections are dead too and their close is not processed yet: taking them would
            // spend every attempt on the same replica. A fresh connection answers at once, and a
            // refused one counts as the replica's failure.
            freshConnection = true;
        }
        if (attempts < context.config().connectAttempts()) {
            attempt();
            return;
        }
        String reason = cause == null ? "connection closed" : cause.getMessage();
        fail(ErrorResponses.UPSTREAM_FAILED, "The replica could not be reached (" + reason + ").");
    }

    /** The client went away: stop the replica's work on it and never reuse that connection. */
    @Override
    public void onClientClosed() {
        if (done) {
            return;
        }
        releaseUpstream(false);
        done = true;
        complete(CLIENT_CLOSED, false, false);
    }

    @Override
    void expireIfDue(long nowNanos) {
        if (done) {
            return;
        }
        if (!responseStarted) {
            if (nowNanos - requestSentNanos < context.config().firstByteTimeout().toNanos()) {
                return;
            }
            log.debug("replica {} sent no response head in {}", dispatch.endpoint(),
                    context.config().firstByteTimeout());
            releaseUpstream(false);
            replicaFailed = true;
            fail(ErrorResponses.UPSTREAM_TIMEOUT, "The replica did not answer within "
                    + context.config().firstByteTimeout().toSeconds() + "s.");
            return;
        }
        if (nowNanos - lastUpstreamActivityNanos >= context.config().upstreamIdleTimeout().toNanos()) {
            releaseUpstream(false);
            abortResponse("The replica sent nothing for " + context.config().upstreamIdleTimeout().toSeconds()
                    + "s in the middle of the response.");
        }
    }

    /** Detaches the upstream connection: back to the pool when it can carry another request. */
    private void releaseUpstream(boolean reusable) {
        Channel channel = upstream;
        if (channel == null) {
            return;
        }
        upstream = null;
        readPaused = false;
        UpstreamChannelInitializer.handlerOf(channel).detach();
        pool.release(dispatch.endpoint(), channel, reusable);
    }

    /** The response head is out, so no error status can be sent: end the stream visibly. */
    private void abortResponse(String message) {
        done = true;
        frontend.forceClose();
        if (eventStream) {
            // An SSE client sees why its stream ended instead of a silent truncation.
            String event = "event: error\ndata: " + ErrorResponses.UPSTREAM_FAILED.body(message) + "\n\n";
            client.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(event, StandardCharsets.UTF_8)))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            client.flush();
            client.close();
        }
        complete(ErrorResponses.UPSTREAM_FAILED.status().code(), false, true);
    }

    private void fail(ErrorResponses error, String message) {
        done = true;
        boolean keepAlive = keepClientAlive();
        client.writeAndFlush(error.response(client.alloc(), request.protocolVersion(), message, keepAlive))
                .addListener(f -> complete(error.status().code(), keepAlive && f.isSuccess(), replicaFailed));
    }

    private void complete(int code, boolean keepAlive, boolean failedOnReplica) {
        if (pool != null) {
            pool.timeouts().unwatch(this);
        }
        if (dispatch != null && dispatch.finish(failedOnReplica)) {
            log.warn("replica {} ejected after repeated failures (last: status {})", dispatch.endpoint(), code);
        }
        request.release();
        if (code / 100 == 2) {
            context.metrics().modelServed(routeRequest.model());
        }
        meters.answered(code, System.nanoTime() - startNanos, firstByteNanos);
        frontend.exchangeDone(this, keepAlive);
    }
}
