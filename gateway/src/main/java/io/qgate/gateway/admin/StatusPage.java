package io.qgate.gateway.admin;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The status page, {@code /}: one HTML file with its CSS and script inline, read from the jar
 * once. It fetches {@code status.json} every second and draws its charts itself, so it needs
 * nothing from outside the admin port.
 *
 * <p>Caching: {@code no-cache} with an ETag, so a browser revalidates on every load (a new
 * gateway version must not run an old page against a new JSON shape) and gets a bodiless 304
 * while the page is unchanged. The content security policy lets the page reach its own origin
 * only: it fetches nothing else and must not be made to.
 */
final class StatusPage {

    static final String RESOURCE = "status.html";
    static final String CONTENT_TYPE = "text/html; charset=utf-8";
    static final String SECURITY_POLICY = "default-src 'none'; script-src 'unsafe-inline'; "
            + "style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; "
            + "form-action 'none'; frame-ancestors 'none'";

    /** Not among Netty's header names: browsers must not guess another type than the one sent. */
    private static final String X_CONTENT_TYPE_OPTIONS = "x-content-type-options";

    private final byte[] html;
    private final String etag;

    StatusPage() {
        try (InputStream in = StatusPage.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path next to "
                        + StatusPage.class.getName());
            }
            html = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        etag = "\"" + HexFormat.of().formatHex(sha256(html), 0, 8) + "\"";
    }

    /** The page, or 304 when the browser's copy ({@code If-None-Match}) is current. */
    FullHttpResponse response(FullHttpRequest request, ByteBufAllocator alloc) {
        String ifNoneMatch = request.headers().get(HttpHeaderNames.IF_NONE_MATCH);
        boolean current = ifNoneMatch != null && (ifNoneMatch.contains(etag) || ifNoneMatch.trim().equals("*"));
        FullHttpResponse response = current
                ? new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.NOT_MODIFIED,
                        alloc.buffer(0))
                : new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK,
                        alloc.buffer(html.length).writeBytes(html));
        response.headers()
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set(HttpHeaderNames.ETAG, etag)
                .set(HttpHeaderNames.CONTENT_SECURITY_POLICY, SECURITY_POLICY)
                .set(X_CONTENT_TYPE_OPTIONS, "nosniff");
        if (!current) {
            // A 304 carries neither: its Content-Length would be read as the page's.
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, html.length);
        }
        return response;
    }

    String etag() {
        return etag;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
