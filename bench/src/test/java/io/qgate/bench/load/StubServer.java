package io.qgate.bench.load;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A tiny OpenAI-shaped server for the load generator's tests: a JSON answer, or an SSE stream of
 * a few content events, a usage event and {@code [DONE]}; optionally slow, failing or cut short.
 */
final class StubServer implements AutoCloseable {

    /** What the server does with the n-th request it receives (counting from 0). */
    enum Reply { OK, STATUS_500, CLOSE_MID_STREAM }

    static final int COMPLETION_TOKENS = 7;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final AtomicInteger received = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final Channel server;
    private final long delayMillis;
    private final int events;
    private final boolean usage;
    private final boolean splitEvents;
    private final IntFunction<Reply> replies;

    private StubServer(Builder builder) {
        this.delayMillis = builder.delayMillis;
        this.events = builder.events;
        this.usage = builder.usage;
        this.splitEvents = builder.splitEvents;
        this.replies = builder.replies;
        this.server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.incrementAndGet();
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Handler());
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    static Builder builder() {
        return new Builder();
    }

    String url() {
        return "http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort();
    }

    int received() {
        return received.get();
    }

    /** Connections accepted so far. */
    int connections() {
        return connections.get();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            Reply reply = replies.apply(received.getAndIncrement());
            boolean stream = request.content().toString(StandardCharsets.UTF_8).contains("\"stream\":true");
            Runnable answer = () -> answer(ctx, reply, stream);
            if (delayMillis > 0) {
                ctx.executor().schedule(answer, delayMillis, TimeUnit.MILLISECONDS);
            } else {
                answer.run();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        private void answer(ChannelHandlerContext ctx, Reply reply, boolean stream) {
            if (!ctx.channel().isActive()) {
                return;
            }
            if (reply == Reply.STATUS_500) {
                ctx.writeAndFlush(json(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                        "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\",\"code\":\"500\"}}"));
            } else if (!stream) {
                ctx.writeAndFlush(json(HttpResponseStatus.OK, "{\"id\":\"c1\",\"object\":\"chat.completion\","
                        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi there\"},"
                        + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":"
                        + COMPLETION_TOKENS + ",\"total_tokens\":" + (10 + COMPLETION_TOKENS) + "}}"));
            } else {
                stream(ctx, reply == Reply.CLOSE_MID_STREAM);
            }
        }

        private void stream(ChannelHandlerContext ctx, boolean cut) {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                    .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            List<byte[]> pieces = new ArrayList<>();
            addEvent(pieces, "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}");
            int sent = cut ? Math.min(2, events) : events;
            for (int i = 0; i < sent; i++) {
                addEvent(pieces, "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok" + i + " \"}}]}");
            }
            if (!cut && usage) {
                addEvent(pieces, "{\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":"
                        + events + ",\"total_tokens\":" + (10 + events) + "}}");
            }
            if (!cut) {
                addEvent(pieces, "[DONE]");
            }
            ctx.write(head);
            writePieces(ctx, pieces, 0, cut);
        }

        /**
         * Without splitting everything goes out at once. With splitting, each piece is flushed on
         * its own a little after the previous one, so that the client really reads it separately.
         */
        private void writePieces(ChannelHandlerContext ctx, List<byte[]> pieces, int from, boolean cut) {
            if (!ctx.channel().isActive()) {
                return;
            }
            int to = splitEvents ? Math.min(from + 1, pieces.size()) : pieces.size();
            for (int i = from; i < to; i++) {
                ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(pieces.get(i))));
            }
            if (to < pieces.size()) {
                ctx.flush();
                ctx.executor().schedule(() -> writePieces(ctx, pieces, to, cut), 2, TimeUnit.MILLISECONDS);
            } else if (cut) {
                ctx.flush();
                ctx.close();
            } else {
                ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            }
        }

        /** With splitting, an event becomes two pieces, cut inside its {@code data:} line. */
        private void addEvent(List<byte[]> pieces, String data) {
            byte[] event = ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
            if (!splitEvents) {
                pieces.add(event);
                return;
            }
            int cut = Math.min(9, event.length - 1);
            pieces.add(Arrays.copyOfRange(event, 0, cut));
            pieces.add(Arrays.copyOfRange(event, cut, event.length));
        }

        private FullHttpResponse json(HttpResponseStatus status, String body) {
            ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
            return response;
        }
    }

    static final class Builder {
        private long delayMillis;
        private int events = 5;
        private boolean usage = true;
        private boolean splitEvents;
        private IntFunction<Reply> replies = n -> Reply.OK;

        Builder delayMillis(long delayMillis) { this.delayMillis = delayMillis; return this; }

        Builder events(int events) { this.events = events; return this; }

        Builder usage(boolean usage) { this.usage = usage; return this; }

        Builder splitEvents(boolean splitEvents) { this.splitEvents = splitEvents; return this; }

        Builder replies(IntFunction<Reply> replies) { this.replies = replies; return this; }

        StubServer start() {
            return new StubServer(this);
        }
    }
}
