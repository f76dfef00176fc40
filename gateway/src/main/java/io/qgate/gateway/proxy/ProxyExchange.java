package io.qgate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.qgate.gateway.metrics.GatewayMetrics;
import io.qgate.routing.Endpoint;
import io.qgate.routing.RouteRequest;
import io.qgate.routing.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    /**
     * A request body up to this size is copied behind its head, so that a small request leaves in
     * one write (each write is a trip through the pipeline and an entry in the outbound buffer);
     * {@link RelayedResponseWriter} does the same for answers.
     */
    private static final int MERGE_LIMIT = 2048;

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
    /** Writes the response to the client once its head has arrived. */
    private RelayedResponseWriter writer;
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
        UpstreamChannelInitializer.handlerOf(channel).attach(this, request.method().equals(HttpMethod.HEAD),
                clientHttp11());
        requestSentNanos = System.nanoTime();
        pool.timeouts().watch(this);
        // A failed write (often a reused connection the replica just closed) is reported to the
        // connection's handler (the void promise fires exceptionCaught), which hands it to this
        // exchange as a closed connection: it may retry on another connection before this
        // method returns. No listener per request.
        ByteBuf body = request.content();
        ByteBuf head = UpstreamRequestHead.write(channel.alloc(), request, dispatch.endpoint().authority(),
                frontend.forwardedFor(), frontend.forwardedProto(), body.readableBytes(), false);
        if (body.readableBytes() <= MERGE_LIMIT) {
            head.writeBytes(body, body.readerIndex(), body.readableBytes());
            channel.writeAndFlush(head, channel.voidPromise());
        } else {
            channel.write(head, channel.voidPromise());
            channel.writeAndFlush(body.retainedDuplicate(), channel.voidPromise());
        }
    }

    @Override
    public void acquireFailed(Throwable cause) {
        if (done) {
            return;
        }
        log.debug("connecting to {} failed: {}", dispatch.endpoint(), cause.toString());
        retryOrFail(cause, true);
    }

    @Override
    public void head(ResponseHead head) {
        if (done || retriedElsewhere(head.status())) {
            return;
        }
        startResponse(head);
    }

    @Override
    public void body(ByteBuf bytes) {
        if (done || !responseStarted) {
            bytes.release();
            return;
        }
        if (firstByteNanos < 0) {
            firstByteNanos = System.nanoTime() - startNanos;
        }
        writer.body(bytes);
    }

    @Override
    public void end() {
        if (done || !responseStarted) {
            return;
        }
        if (firstByteNanos < 0) {
            firstByteNanos = System.nanoTime() - startNanos;
        }
        finishResponse();
    }

    /**
     * A replica that answers 429 (busy) or 503 (unavailable) before any byte reached the client
     * is skipped for another one, up to {@code upstream.status-retries} times. When no other
     * replica is available the answer is relayed as it is: the client learns what the replica said.
     */
    private boolean retriedElsewhere(int code) {
        if ((code != 429 && code != 503) || statusRetries >= context.config().upstream().statusRetries()) {
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

    /**
     * Writes the client's response head. The body's framing for the client: as the replica framed
     * it when it gave a length or chunks (HTTP/1.1 clients get the chunks as they are, HTTP/1.0
     * clients the data until the connection closes); a body that runs until the replica closes
     * is put into chunks for an HTTP/1.1 client.
     */
    private void startResponse(ResponseHead head) {
        status = head.status();
        boolean http11 = clientHttp11();
        responseBodyless = request.method().equals(HttpMethod.HEAD) || status == 204 || status == 304;
        eventStream = head.eventStream();
        boolean hasLength = head.contentLength() >= 0;
        // Close-delimited: the replica's connection cannot be reused after it.
        upstreamKeepAlive = head.keepAlive() && (hasLength || head.chunked() || responseBodyless);
        boolean chunked = false;
        if (!hasLength && !responseBodyless) {
            if (http11) {
                chunked = true;
            } else {
                frontend.forceClose();
            }
        }
        writer = RelayedResponseWriter.start(frontend.rawOut(), head, http11, keepClientAlive(), chunked,
                chunked && !head.chunked());
        responseStarted = true;
    }

    private boolean clientHttp11() {
        return request.protocolVersion().equals(HttpVersion.HTTP_1_1);
    }

    private boolean keepClientAlive() {
        return clientKeepAlive && !frontend.closing() && !context.draining().getAsBoolean();
    }

    private void finishResponse() {
        boolean reusable = upstreamKeepAlive;
        releaseUpstream(reusable);
        done = true;
        boolean keepAlive = keepClientAlive();
        boolean replicaFailed = status >= 500;
        writer.finish().addListener(f -> complete(status, keepAlive && f.isSuccess(), replicaFailed));
    }

    @Override
    public void onUpstreamReadComplete() {
        if (done || upstream == null) {
            return;
        }
        lastUpstreamActivityNanos = System.nanoTime();
        if (writer != null) {
            writer.endOfRead();
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
        if (!responseStarted) {
            releaseUpstream(false);
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
        if (attempts < context.config().upstream().connectAttempts()) {
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
        if (writer != null) {
            writer.discard();
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
            if (nowNanos - requestSentNanos < context.config().upstream().firstByteTimeout().toNanos()) {
                return;
            }
            log.debug("replica {} sent no response head in {}", dispatch.endpoint(),
                    context.config().upstream().firstByteTimeout());
            releaseUpstream(false);
            replicaFailed = true;
            fail(ErrorResponses.UPSTREAM_TIMEOUT, "The replica did not answer within "
                    + context.config().upstream().firstByteTimeout().toSeconds() + "s.");
            return;
        }
        if (nowNanos - lastUpstreamActivityNanos >= context.config().upstream().idleTimeout().toNanos()) {
            abortResponse("The replica sent nothing for " + context.config().upstream().idleTimeout().toSeconds()
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

    /**
     * The response head is out, so no error status can be sent: end the response visibly. An
     * event stream gets an error event first when one can go in whole (between chunks); the
     * connection then closes, which a client sees as a truncated response.
     */
    private void abortResponse(String message) {
        boolean appendEvent = eventStream && betweenEvents();
        releaseUpstream(false);
        done = true;
        frontend.forceClose();
        String event = appendEvent
                ? "event: error\ndata: " + ErrorResponses.UPSTREAM_FAILED.body(message) + "\n\n" : null;
        writer.abort(event).addListener(ChannelFutureListener.CLOSE);
        complete(ErrorResponses.UPSTREAM_FAILED.status().code(), false, true);
    }

    /** Whether the client's body stands where a whole event of the gateway's own can be added. */
    private boolean betweenEvents() {
        if (!writer.chunked()) {
            return !responseBodyless;
        }
        return writer.wrapsInChunks() || (upstream != null && UpstreamChannelInitializer.handlerOf(upstream).betweenChunks());
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
