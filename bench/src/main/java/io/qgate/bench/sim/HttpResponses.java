package io.qgate.bench.sim;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.function.Consumer;

/** Building responses; every method takes ownership of the buffers it is given. */
final class HttpResponses {

    private HttpResponses() {}

    /** Fills a fresh buffer, releasing it if filling fails. */
    static ByteBuf buffer(ByteBufAllocator alloc, Consumer<ByteBuf> fill) {
        ByteBuf buf = alloc.buffer();
        try {
            fill.accept(buf);
            return buf;
        } catch (RuntimeException | Error e) {
            buf.release();
            throw e;
        }
    }

    static FullHttpResponse full(HttpResponseStatus status, CharSequence contentType, ByteBuf body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return response;
    }

    static FullHttpResponse json(HttpResponseStatus status, ByteBuf body) {
        return full(status, HttpHeaderValues.APPLICATION_JSON, body);
    }

    static FullHttpResponse error(ByteBufAllocator alloc, ApiException e) {
        return json(e.status(), buffer(alloc, buf -> OpenAiJson.error(buf, e)));
    }

    /** The head of a server-sent-event stream; the body follows as chunks. */
    static HttpResponse eventStream() {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_EVENT_STREAM)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        return response;
    }
}
