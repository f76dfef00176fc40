package io.qgate.gateway.proxy;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsciiString;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Which headers cross the gateway. Hop-by-hop headers (RFC 9110 §7.6.1) describe one
 * connection and are never forwarded, nor are headers the {@code Connection} header names.
 * Headers starting with {@code x-qgate-} are the gateway's own and are never accepted from a
 * client. Everything else, {@code Authorization} included, passes through untouched.
 *
 * <p>This runs twice per request, so it reads the headers in one pass and allocates only when
 * something has to go.
 */
final class ForwardedHeaders {

    private static final String INTERNAL_PREFIX = "x-qgate-";
    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");

    private ForwardedHeaders() {}

    /** Removes hop-by-hop headers, those named by {@code Connection}, and internal ones. */
    static void stripHopByHop(HttpHeaders headers) {
        List<CharSequence> doomed = null;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> header = it.next();
            CharSequence name = header.getKey();
            if (isHopByHop(name) || isInternal(name)) {
                doomed = doomed == null ? new ArrayList<>(2) : doomed;
                doomed.add(name);
                if (AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONNECTION)) {
                    for (String token : header.getValue().toString().split(",")) {
                        String named = token.trim();
                        if (!named.isEmpty()) {
                            doomed.add(named);
                        }
                    }
                }
            }
        }
        if (doomed != null) {
            doomed.forEach(headers::remove);
        }
    }

    private static boolean isHopByHop(CharSequence name) {
        switch (name.length()) {
            case 2:
                return is(name, HttpHeaderNames.TE);
            case 7:
                return is(name, HttpHeaderNames.TRAILER) || is(name, HttpHeaderNames.UPGRADE);
            case 10:
                return is(name, HttpHeaderNames.CONNECTION) || is(name, HttpHeaderNames.KEEP_ALIVE);
            case 16:
                return is(name, "proxy-connection");
            case 17:
                return is(name, HttpHeaderNames.TRANSFER_ENCODING);
            case 18:
                return is(name, HttpHeaderNames.PROXY_AUTHENTICATE);
            case 19:
                return is(name, HttpHeaderNames.PROXY_AUTHORIZATION);
            default:
                return false;
        }
    }

    private static boolean is(CharSequence name, CharSequence expected) {
        return AsciiString.contentEqualsIgnoreCase(name, expected);
    }

    private static boolean isInternal(CharSequence name) {
        return name.length() > INTERNAL_PREFIX.length()
                && AsciiString.regionMatches(name, true, 0, INTERNAL_PREFIX, 0, INTERNAL_PREFIX.length());
    }

    /** The client's IP address as {@code X-Forwarded-For} names it. */
    static String clientAddress(Channel client) {
        SocketAddress address = client.remoteAddress();
        return address instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : "unknown";
    }

    /** {@code https} when the client's connection is TLS, else {@code http}. */
    static String scheme(Channel client) {
        return client.pipeline().get(SslHandler.class) != null ? "https" : "http";
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
