package io.qgate.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scriptable replica for gateway tests, on 127.0.0.1 and an ephemeral port. Each request is
 * answered by the {@link Responder} the test installs; the stub records what it received and
 * counts open connections so tests can see what the gateway did upstream.
 */
public final class StubReplica implements AutoCloseable {

    /** Answers one request; it owns nothing of the request after returning. */
    @FunctionalInterface
    public interface Responder {
        void respond(ChannelHandlerContext ctx, FullHttpRequest request, StubReplica stub);
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final List<RecordedRequest> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicInteger closedConnections = new AtomicInteger();
    private final AtomicLong bytesWritten = new AtomicLong();
    private final ConcurrentHashMap<String, Object> notes = new ConcurrentHashMap<>();
    private volatile Responder responder = json("{\"ok\":true}");

    /** What the stub saw of one request. */
    public record RecordedRequest(String method, String uri, io.netty.handler.codec.http.HttpHeaders headers,
                                  String body) {}

    public StubReplica() {
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        openConnections.incrementAndGet();
                        ch.closeFuture().addListener(f -> {
                            openConnections.decrementAndGet();
                            closedConnections.incrementAndGet();
                        });
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 << 20),
                                new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                        received.add(new RecordedRequest(req.method().name(), req.uri(),
                                                req.headers().copy(), req.content().toString(StandardCharsets.UTF_8)));
                                        responder.respond(ctx, req, StubReplica.this);
                                    }
                                });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    public StubReplica respondWith(Responder newResponder) {
        this.responder = newResponder;
        return this;
    }

    public List<RecordedRequest> received() {
        return received;
    }

    public int openConnections() {
        return openConnections.get();
    }

    public int closedConnections() {
        return closedConnections.get();
    }

    /** Body bytes the stub has handed to its socket (for backpressure tests). */
    public long bytesWritten() {
        return bytesWritten.get();
    }

    public ConcurrentHashMap<String, Object> notes() {
        return notes;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    // ----- ready-made responders -----

    /** 200 with a JSON body and Content-Length. */
    public static Responder json(String body) {
        return status(HttpResponseStatus.OK, body);
    }

    public static Responder status(HttpResponseStatus status, String body) {
        return (ctx, req, stub) -> {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                    .set("x-stub-port", stub.port());
            HttpUtil.setKeepAlive(response, HttpUtil.isKeepAlive(req));
            ctx.writeAndFlush(response);
        };
    }

    /** The request's headers echoed back as a JSON object of name → value (lower-case names). */
    public static Responder echoHeaders() {
        return (ctx, req, stub) -> {
            StringBuilder json = new StringBuilder("{");
            req.headers().forEach(h -> json.append(json.length() > 1 ? "," : "").append('"')
                    .append(h.getKey().toLowerCase()).append("\":\"").append(h.getValue().replace("\"", "'"))
                    .append('"'));
            json.append('}');
            json(json.toString()).respond(ctx, req, stub);
        };
    }

    /** An SSE stream of {@code events} events, {@code delayMillis} apart, ending with [DONE]. */
    public static Responder sse(int events, long delayMillis) {
        return (ctx, req, stub) -> {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
            HttpUtil.setTransferEncodingChunked(head, true);
            ctx.writeAndFlush(head);
            sendEvent(ctx, stub, 0, events, delayMillis);
        };
    }

    private static void sendEvent(ChannelHandlerContext ctx, StubReplica stub, int index, int events, long delayMillis) {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (index == events) {
            ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer("data: [DONE]\n\n", StandardCharsets.UTF_8)));
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            return;
        }
        String event = "data: {\"index\":" + index + ",\"sentAtNanos\":" + System.nanoTime() + "}\n\n";
        stub.notes.put("lastEventSentNanos", System.nanoTime());
        ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(event, StandardCharsets.UTF_8)));
        ctx.executor().schedule(() -> sendEvent(ctx, stub, index + 1, events, delayMillis), delayMillis,
                TimeUnit.MILLISECONDS);
    }

    /**
     * A stream of {@code totalBytes} as fast as the connection takes it: each chunk is written only
     * once the previous one was flushed to the socket, so {@link #bytesWritten()} shows how much
     * the gateway has actually read.
     */
    public static Responder bulkStream(long totalBytes, int chunkSize) {
        return (ctx, req, stub) -> {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
            HttpUtil.setTransferEncodingChunked(head, true);
            ctx.writeAndFlush(head);
            writeBulk(ctx, stub, totalBytes, chunkSize);
        };
    }

    private static void writeBulk(ChannelHandlerContext ctx, StubReplica stub, long remaining, int chunkSize) {
        if (remaining <= 0) {
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            return;
        }
        int size = (int) Math.min(chunkSize, remaining);
        byte[] bytes = new byte[size];
        java.util.Arrays.fill(bytes, (byte) 'x');
        ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes))).addListener(f -> {
            if (f.isSuccess()) {
                stub.bytesWritten.addAndGet(size);
                writeBulk(ctx, stub, remaining - size, chunkSize);
            }
        });
    }

    /**
     * Writes {@code wire} as it is, past the stub's HTTP encoder, for framings Netty would not
     * produce; closes the connection after it when {@code close}.
     */
    public static Responder raw(String wire, boolean close) {
        return (ctx, req, stub) -> {
            var written = ctx.pipeline().firstContext()
                    .writeAndFlush(Unpooled.copiedBuffer(wire, StandardCharsets.ISO_8859_1));
            if (close) {
                written.addListener(io.netty.channel.ChannelFutureListener.CLOSE);
            }
        };
    }

    /** Never answers (for timeout tests). */
    public static Responder hang() {
        return (ctx, req, stub) -> { };
    }

    /** Sends the head and two events, then closes the connection mid-stream. */
    public static Responder closeMidStream() {
        return (ctx, req, stub) -> {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
            HttpUtil.setTransferEncodingChunked(head, true);
            ctx.write(head);
            ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer("data: {\"n\":1}\n\n", StandardCharsets.UTF_8)));
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer("data: {\"n\":2}\n\n",
                    StandardCharsets.UTF_8))).addListener(f -> ctx.close());
        };
    }
}
