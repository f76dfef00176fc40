package io.qgate.bench.study.soak;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.qgate.bench.sim.SimOptions;
import io.qgate.bench.sim.SimServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A simulated replica that can be killed like a crashed process and started again on the same
 * port, and that knows which requests it was serving when it died.
 *
 * <p>Every API connection carries a {@link Watch} right after the HTTP codec: it notes the
 * {@code X-Request-Id} of the request being served and forgets it once the last byte of the answer
 * has been handed to the socket. {@link #kill()} resets every connection (SO_LINGER 0: an RST, the
 * replica's unsent bytes are dropped), closes the listener and stops the engine; the ids that were
 * being served on a connection the kill closed are the requests the kill cut, and so is the last
 * one a connection finished just before (its end may have been among the bytes dropped). A cut request whose
 * answer had not started is retried by the gateway on another replica; one whose stream had
 * started cannot be, and is what the soak counts as lost to the kill.
 */
final class SoakReplica implements AutoCloseable {

    /** What one kill did. */
    record Kill(int replica, long atNanos, int connectionsReset, Set<String> cutIds) {}

    private static final long RESTART_BIND_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /**
     * A request whose last byte was handed to the socket this shortly before a kill may still have
     * been in the socket's send buffer, which a reset discards: it counts as cut too.
     */
    private static final long JUST_FINISHED_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final int index;
    private final SimOptions options;
    private final Set<Channel> open = ConcurrentHashMap.newKeySet();
    private final LongAdder answered = new LongAdder();
    private final Set<String> answeredWithError = ConcurrentHashMap.newKeySet();
    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private volatile boolean hanging;
    private volatile boolean failing;
    private volatile Set<String> cutting;
    private SimServer server;
    private int port;

    private SoakReplica(int index, SimOptions options) {
        this.index = index;
        this.options = options;
    }

    /** Starts replica {@code index} on an ephemeral port, which it keeps across restarts. */
    static SoakReplica start(int index, SimOptions options) {
        SoakReplica replica = new SoakReplica(index, options);
        replica.server = SimServer.start(options.with(o -> o.port = 0), replica::newWatch);
        replica.port = replica.server.port();
        return replica;
    }

    int index() {
        return index;
    }

    int port() {
        return port;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    synchronized boolean up() {
        return server != null;
    }

    /** Answers with a request id completely handed to the socket, over every life of the replica. */
    long answered() {
        return answered.sum();
    }

    /**
     * A stall, as of a process stopped in a long pause: while it lasts, connections are accepted
     * and what arrives on them is held unread (metrics scrapes too); at its end everything held is
     * served in order, so the stall costs time, not requests.
     */
    void hang(boolean on) {
        hanging = on;
        if (!on) {
            watches.forEach(Watch::release);
        }
    }

    /** While on, every API request is answered 500 with an OpenAI-style error, as a broken LiteLLM would. */
    void failWith500(boolean on) {
        failing = on;
    }

    /** Request ids this replica answered 500 on purpose, over every life of the replica. */
    Set<String> answeredWithError() {
        return Set.copyOf(answeredWithError);
    }

    /** Resets every connection and stops the replica, as a crash would; returns what it cut. */
    synchronized Kill kill() {
        if (server == null) {
            throw new IllegalStateException("replica " + index + " is already down");
        }
        long at = System.nanoTime();
        Set<String> cut = ConcurrentHashMap.newKeySet();
        cutting = cut;
        int reset = 0;
        for (Channel channel : open) {
            try {
                channel.config().setOption(ChannelOption.SO_LINGER, 0);
            } catch (RuntimeException e) {
                // Already closing: a plain close is all that is left.
            }
            channel.close();
            reset++;
        }
        // Closes the listener and any connection accepted meanwhile, stops the engine, and returns
        // once the event loops have ended: every connection's channelInactive has run by then.
        server.close();
        server = null;
        cutting = null;
        return new Kill(index, at, reset, Set.copyOf(cut));
    }

    /** Starts the replica again on its port (a new engine: a restarted process starts empty). */
    synchronized void restart() {
        if (server != null) {
            return;
        }
        long deadline = System.nanoTime() + RESTART_BIND_TIMEOUT_NANOS;
        while (true) {
            try {
                server = SimServer.start(options.with(o -> o.port = port), this::newWatch);
                return;
            } catch (IllegalStateException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                sleep(100);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    private Watch newWatch() {
        return new Watch();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while restarting a replica", e);
        }
    }

    /** One API connection: which request it is serving now, and the faults it plays. */
    private final class Watch extends ChannelDuplexHandler {
        private String serving;
        private String lastFinished;
        private long lastFinishedNanos;
        private ChannelHandlerContext context;
        /** Messages held while the replica hangs; touched on the connection's loop only. */
        private final ArrayDeque<Object> held = new ArrayDeque<>();
        /** The rest of a request already answered 500 is dropped. */
        private boolean dropping;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            context = ctx;
            watches.add(this);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            watches.remove(this);
            held.forEach(ReferenceCountUtil::release);
            held.clear();
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            open.add(ctx.channel());
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (hanging || !held.isEmpty()) {
                held.add(msg);
                return;
            }
            serve(ctx, msg);
        }

        private void serve(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest request) {
                serving = request.headers().get("x-request-id");
                dropping = failing && request.uri().startsWith("/v1/");
                if (dropping) {
                    answerError(ctx, serving);
                }
            }
            if (dropping) {
                ReferenceCountUtil.release(msg);
                return;
            }
            ctx.fireChannelRead(msg);
        }

        private void answerError(ChannelHandlerContext ctx, String id) {
            if (id != null) {
                answeredWithError.add(id);
            }
            serving = null;
            byte[] body = "{\"error\":{\"message\":\"the soak's replica fails on purpose\",\"type\":\"server_error\",\"code\":\"500\"}}"
                    .getBytes(StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.INTERNAL_SERVER_ERROR, Unpooled.wrappedBuffer(body));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            ctx.writeAndFlush(response);
        }

        /** The hang is over: what was held is served in order, on the connection's own loop. */
        void release() {
            ChannelHandlerContext ctx = context;
            ctx.executor().execute(() -> {
                Object msg;
                while (!hanging && (msg = held.poll()) != null) {
                    serve(ctx, msg);
                }
            });
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            String id = serving;
            if (msg instanceof LastHttpContent && id != null) {
                ChannelPromise written = promise.unvoid();
                written.addListener(f -> {
                    if (f.isSuccess() && id.equals(serving)) {
                        serving = null;
                        lastFinished = id;
                        lastFinishedNanos = System.nanoTime();
                        answered.increment();
                    }
                });
                ctx.write(msg, written);
                return;
            }
            ctx.write(msg, promise);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            open.remove(ctx.channel());
            Set<String> cut = cutting;
            if (serving != null && cut != null) {
                cut.add(serving);
            }
            if (lastFinished != null && cut != null && System.nanoTime() - lastFinishedNanos < JUST_FINISHED_NANOS) {
                cut.add(lastFinished);
            }
            serving = null;
            ctx.fireChannelInactive();
        }
    }
}
