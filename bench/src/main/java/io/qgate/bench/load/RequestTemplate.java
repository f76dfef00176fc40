package io.qgate.bench.load;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;
import java.util.Map;

/** Turns a generated body into an HTTP/1.1 request with the run's path and headers. */
final class RequestTemplate {
    private final String path;
    private final HttpHeaders headers;

    RequestTemplate(URI url, Api api, Map<String, String> extraHeaders) {
        String base = url.getRawPath() == null ? "" : url.getRawPath();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        this.path = base + api.path();
        this.headers = new DefaultHttpHeaders()
                .set(HttpHeaderNames.HOST, url.getPort() < 0 ? url.getHost() : url.getHost() + ":" + url.getPort())
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.USER_AGENT, "qgate-load");
        extraHeaders.forEach(headers::set);
    }

    String path() {
        return path;
    }

    FullHttpRequest request(LoadRequest request) {
        FullHttpRequest http = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path,
                Unpooled.wrappedBuffer(request.body()));
        http.headers().set(headers).setInt(HttpHeaderNames.CONTENT_LENGTH, request.body().length);
        return http;
    }
}
