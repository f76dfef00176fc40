package io.qgate.gateway.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which headers cross the gateway. Hop-by-hop headers (RFC 9110 §7.6.1) describe one
 * connection and are never forwarded, nor are headers the {@code Connection} header names.
 * Headers starting with {@code x-qgate-} are the gateway's own and are never accepted from a
 * client. Everything else, {@code Authorization} included, passes through untouched.
 */
final class ForwardedHeaders {

    private static final List<AsciiString> HOP_BY_HOP = List.of(
            HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE, AsciiString.cached("proxy-connection"),
            HttpHeaderNames.TE, HttpHeaderNames.TRAILER, HttpHeaderNames.TRANSFER_ENCODING,
            HttpHeaderNames.UPGRADE, HttpHeaderNames.PROXY_AUTHORIZATION, HttpHeaderNames.PROXY_AUTHENTICATE);

    private static final String INTERNAL_PREFIX = "x-qgate-";
    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");

    private ForwardedHeaders() {}

    /** Removes hop-by-hop headers, those named by {@code Connection}, and internal ones. */
    static void stripHopByHop(HttpHeaders headers) {
        List<String> named = new ArrayList<>(2);
        for (String connection : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : connection.split(",")) {
                String name = token.trim();
                if (!name.isEmpty()) {
                    named.add(name);
                }
            }
        }
        for (AsciiString name : HOP_BY_HOP) {
            headers.remove(name);
        }
        for (String name : named) {
            headers.remove(name);
        }
        if (hasInternal(headers)) {
            List<String> internal = new ArrayList<>(1);
            headers.forEach(h -> {
                if (h.getKey().toLowerCase(Locale.ROOT).startsWith(INTERNAL_PREFIX)) {
                    internal.add(h.getKey());
                }
            });
            internal.forEach(headers::remove);
        }
    }

    private static boolean hasInternal(HttpHeaders headers) {
        for (var it = headers.iteratorCharSequence(); it.hasNext(); ) {
            CharSequence name = it.next().getKey();
            if (name.length() >= INTERNAL_PREFIX.length()
                    && AsciiString.regionMatches(name, true, 0, INTERNAL_PREFIX, 0, INTERNAL_PREFIX.length())) {
                return true;
            }
        }
        return false;
    }

    /** Appends the client's address to {@code X-Forwarded-For} and records the original host and scheme. */
    static void addForwarded(HttpHeaders headers, String clientAddress, String scheme) {
        String previous = headers.get(X_FORWARDED_FOR);
        headers.set(X_FORWARDED_FOR,
                previous == null || previous.isBlank() ? clientAddress : previous + ", " + clientAddress);
        headers.set(X_FORWARDED_PROTO, scheme);
        String host = headers.get(HttpHeaderNames.HOST);
        if (host != null && !headers.contains(X_FORWARDED_HOST)) {
            headers.set(X_FORWARDED_HOST, host);
        }
    }
}
