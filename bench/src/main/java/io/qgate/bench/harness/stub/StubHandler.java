package io.qgate.bench.harness.stub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Answers every API request at once with fixed bytes: a small chat completion, or a stream of
 * {@code events} chunks, each written and flushed on its own (as a server producing tokens does)
 * so that a proxy in front sees the events as the separate writes they are.
 *
 * <pre>
 * socket ⇄ HttpServerCodec ⇄ HttpObjectAggregator ⇄ StubHandler
 * </pre>
 *
 * {@code GET /metrics} reports the open streams as vLLM's running requests (never a queue), so a
 * gateway routing on engine metrics has something to read.
 */
final class StubHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final byte[] COMPLETION = ascii("{\"id\":\"chatcmpl-stub\",\"object\":\"chat.completion\","
            + "\"created\":1700000000,\"model\":\"stub\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"Hello.\"},\"finish_reason\":\"length\"}],\"usage\":{\"prompt_tokens\":10,"
            + "\"completion_tokens\":1,\"total_tokens\":11}}");
    private static final byte[] EVENT = ascii("data: {\"id\":\"chatcmpl-stub\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1700000000,\"model\":\"stub\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" tok\"},"
            + "\"finish_reason\":null}]}\n\n");
    private static final byte[] MODELS = ascii("{\"object\":\"list\",\"data\":[{\"id\":\"stub\",\"object\":\"model\"}]}");
    private static final byte[] STREAM_FLAG = ascii("\"stream\":true");

    private final StubOptions options;
    private final AtomicInteger openStreams;
    private final byte[] tail;

    StubHandler(StubOptions options, AtomicInteger openStreams) {
        this.options = options;
        this.openStreams = openStreams;
        this.tail = ascii("data: {\"id\":\"chatcmpl-stub\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                + "\"model\":\"stub\",\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":"
                + options.events() + ",\"total_tokens\":" + (10 + options.events()) + "}}\n\ndata: [DONE]\n\n");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        String uri = request.uri();
        if (uri.startsWith("/metrics")) {
            answer(ctx, keepAlive, "text/plain; version=0.0.4", ascii(metrics()));
        } else if (uri.startsWith("/health")) {
            answer(ctx, keepAlive, "text/plain", ascii("ok"));
        } else if (uri.startsWith("/v1/models")) {
            answer(ctx, keepAlive, HttpHeaderValues.APPLICATION_JSON.toString(), MODELS);
        } else if (contains(request.content(), STREAM_FLAG)) {
            stream(ctx, keepAlive);
        } else {
            answer(ctx, keepAlive, HttpHeaderValues.APPLICATION_JSON.toString(), COMPLETION);
        }
    }

    private String metrics() {
        return "# TYPE vllm:num_requests_running gauge\n"
                + "vllm:num_requests_running{model_name=\"stub\",engine=\"0\"} " + openStreams.get() + "\n"
                + "# TYPE vllm:num_requests_waiting gauge\n"
                + "vllm:num_requests_waiting{model_name=\"stub\",engine=\"0\"} 0\n"
                + "# TYPE vllm:kv_cache_usage_perc gauge\n"
                + "vllm:kv_cache_usage_perc{model_name=\"stub\",engine=\"0\"} 0\n";
    }

    private static void answer(ChannelHandlerContext ctx, boolean keepAlive, String type, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, type).setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        HttpUtil.setKeepAlive(response, keepAlive);
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void stream(ChannelHandlerContext ctx, boolean keepAlive) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_EVENT_STREAM)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        HttpUtil.setKeepAlive(head, keepAlive);
        openStreams.incrementAndGet();
        ctx.write(head);
        if (options.eventInterval().isZero()) {
            for (int i = 0; i < options.events(); i++) {
                ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(EVENT)));
            }
            finish(ctx, keepAlive);
        } else {
            ctx.flush();
            ctx.executor().schedule(() -> next(ctx, keepAlive, 0), options.eventInterval().toNanos(),
                    TimeUnit.NANOSECONDS);
        }
    }

    /** One event of a paced stream; the next is scheduled only while the client is still there. */
    private void next(ChannelHandlerContext ctx, boolean keepAlive, int sent) {
        if (!ctx.channel().isActive()) {
            openStreams.decrementAndGet();
            return;
        }
        ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(EVENT)));
        if (sent + 1 >= options.events()) {
            finish(ctx, keepAlive);
        } else {
            ctx.executor().schedule(() -> next(ctx, keepAlive, sent + 1), options.eventInterval().toNanos(),
                    TimeUnit.NANOSECONDS);
        }
    }

    private void finish(ChannelHandlerContext ctx, boolean keepAlive) {
        openStreams.decrementAndGet();
        var written = ctx.writeAndFlush(new DefaultLastHttpContent(Unpooled.wrappedBuffer(tail)));
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a client that reset its connection; nothing to answer
    }

    private static boolean contains(ByteBuf content, byte[] needle) {
        int end = content.writerIndex() - needle.length;
        outer:
        for (int i = content.readerIndex(); i <= end; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (content.getByte(i + k) != needle[k]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
