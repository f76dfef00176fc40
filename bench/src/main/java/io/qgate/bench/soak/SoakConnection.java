package io.qgate.bench.soak;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.qgate.bench.load.SseParser;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive connection of the soak's generator, one request at a time. It reads every
 * response to its end and decides how the request ended; a request marked to abort is ended by
 * closing the connection once enough SSE events have arrived. Every message is released here.
 */
final class SoakConnection extends ChannelInboundHandlerAdapter {

    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ERROR_PREFIX = "{\"error\"".getBytes(StandardCharsets.US_ASCII);
    private static final int KEPT_ERROR_BYTES = 300;
    /** A token's event: chat carries it as {@code "content":"…"}, completions as {@code "text":"…"}. */
    private static final byte[] CONTENT = "\"content\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TEXT = "\"text\":\"".getBytes(StandardCharsets.US_ASCII);

    /** Where a connection reports the end of its request. */
    interface Owner {
        /**
         * @param errorBody the start of a non-2xx answer's body ({@code ""} otherwise), to tell the
         *                  gateway's own errors apart in the report
         */
        void ended(SoakConnection connection, SoakExchange exchange, Ending ending, int status, long ttftNanos,
                   String errorBody);

        void closed(SoakConnection connection);
    }

    private final Owner owner;
    private final String authority;
    private final SseParser sse = new SseParser(this::onEvent);
    private Channel channel;
    private SoakExchange exchange;
    private boolean reusable = true;
    private int status;
    private boolean eventStream;
    private boolean keepAlive;
    private int events;
    private long firstTokenNanos;
    private boolean done;
    private boolean errorEvent;
    private final StringBuilder errorBody = new StringBuilder();

    SoakConnection(Owner owner, String authority) {
        this.owner = owner;
        this.authority = authority;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    boolean isReusable() {
        return reusable && exchange == null && channel.isActive();
    }

    SoakExchange exchange() {
        return exchange;
    }

    void send(SoakExchange next) {
        exchange = next;
        status = 0;
        eventStream = false;
        keepAlive = true;
        events = 0;
        firstTokenNanos = -1;
        done = false;
        errorEvent = false;
        errorBody.setLength(0);
        sse.reset();
        SoakTraffic.Request request = next.request();
        FullHttpRequest http = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, request.route().path,
                Unpooled.wrappedBuffer(request.body()));
        http.headers()
                .set(HttpHeaderNames.HOST, authority)
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.USER_AGENT, "qgate-soak")
                .set("X-Request-Id", request.id())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, request.body().length);
        channel.writeAndFlush(http).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess() && exchange == next) {
                end(Ending.RESET, true);
            }
        });
    }

    /** Ends the request in flight, if any, with {@code ending} and closes the connection. */
    void end(Ending ending, boolean close) {
        SoakExchange ended = exchange;
        exchange = null;
        if (close) {
            reusable = false;
            channel.close();
        }
        if (ended != null) {
            owner.ended(this, ended, ending, status, firstTokenNanos, errorBody.toString());
        }
    }

    /** Closes without reporting: the owner has already ended the request. */
    void discard() {
        exchange = null;
        reusable = false;
        channel.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (exchange == null) {
                return; // nothing asked; a stray byte is dropped
            }
            if (((HttpObject) msg).decoderResult().isFailure()) {
                end(Ending.RESET, true);
                return;
            }
            if (msg instanceof HttpResponse head) {
                status = head.status().code();
                keepAlive = HttpUtil.isKeepAlive(head);
                String type = head.headers().get(HttpHeaderNames.CONTENT_TYPE);
                eventStream = type != null && type.regionMatches(true, 0, "text/event-stream", 0, 17);
            }
            if (msg instanceof HttpContent content) {
                if ((status < 200 || status >= 300) && errorBody.length() < KEPT_ERROR_BYTES) {
                    int keep = Math.min(content.content().readableBytes(), KEPT_ERROR_BYTES - errorBody.length());
                    errorBody.append(content.content().toString(content.content().readerIndex(), keep,
                            StandardCharsets.UTF_8));
                } else if (eventStream) {
                    sse.feed(content.content());
                    if (exchange.request().abortAfterEvents() > 0 && events >= exchange.request().abortAfterEvents()
                            && !done && !errorEvent) {
                        end(Ending.ABORTED, true);
                        return;
                    }
                }
                if (msg instanceof LastHttpContent) {
                    finish();
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Counts the events of a stream; the first one that carries text is its first token. */
    private void onEvent(byte[] data, int length) {
        if (startsWith(data, length, DONE) && length == DONE.length) {
            done = true;
        } else if (startsWith(data, length, ERROR_PREFIX)) {
            errorEvent = true;
        } else {
            events++;
            if (firstTokenNanos < 0 && (hasText(data, length, CONTENT) || hasText(data, length, TEXT))) {
                firstTokenNanos = System.nanoTime();
            }
        }
    }

    /** Whether {@code field} occurs with a non-empty string value (a chat stream opens with an empty one). */
    private static boolean hasText(byte[] data, int length, byte[] field) {
        for (int i = 0; i + field.length < length; i++) {
            if (data[i] == field[0] && regionEquals(data, i, field) && data[i + field.length] != '"') {
                return true;
            }
        }
        return false;
    }

    private void finish() {
        boolean success = status >= 200 && status < 300;
        Ending ending;
        if (!success) {
            ending = Ending.HTTP_ERROR;
        } else if (exchange.request().stream()) {
            ending = errorEvent ? Ending.STREAM_ERROR : done ? Ending.OK : Ending.INCOMPLETE;
        } else {
            ending = Ending.OK;
        }
        end(ending, !keepAlive);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        reusable = false;
        if (exchange != null) {
            end(errorEvent ? Ending.STREAM_ERROR : Ending.RESET, false);
        }
        owner.closed(this);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Typically "connection reset by peer": it ends this connection's request, not the run.
        end(errorEvent ? Ending.STREAM_ERROR : Ending.RESET, true);
    }

    private static boolean startsWith(byte[] data, int length, byte[] prefix) {
        return length >= prefix.length && regionEquals(data, 0, prefix);
    }

    private static boolean regionEquals(byte[] data, int offset, byte[] expected) {
        for (int i = 0; i < expected.length; i++) {
            if (data[offset + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }
}
