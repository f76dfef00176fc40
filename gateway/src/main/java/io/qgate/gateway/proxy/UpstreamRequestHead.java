package io.qgate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsciiString;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The head of the request a replica gets, written as bytes straight from the client's decoded
 * headers in one pass (no header object is copied or changed, and Netty's encoder is not
 * involved).
 *
 * <p>Which headers cross the gateway: hop-by-hop headers (RFC 9110 §7.6.1) describe one
 * connection and are never forwarded, nor are headers the {@code Connection} header names.
 * Headers starting with {@code x-qgate-} are the gateway's own and are never accepted from a
 * client. {@code Host} names the replica, {@code Content-Length} the body as sent,
 * {@code Expect} is dropped (the gateway has the whole body), and the client's address and
 * scheme are added to {@code X-Forwarded-For} and {@code X-Forwarded-Proto}, its host to
 * {@code X-Forwarded-Host} unless one is there. Everything else, {@code Authorization}
 * included, passes through untouched.
 */
final class UpstreamRequestHead {

    private static final String INTERNAL_PREFIX = "x-qgate-";
    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    private static final byte[] HTTP_1_1_CRLF = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COLON_SPACE = {':', ' '};
    private static final byte[] CRLF = {'\r', '\n'};
    private static final int INITIAL_SIZE = 512;

    private UpstreamRequestHead() {}

    /**
     * Writes the head for {@code request}'s method, URI and headers, sent to {@code authority}
     * with a body of {@code contentLength} bytes. {@code asJson} (a merged batch) replaces the
     * client's {@code Content-Type} with JSON and drops {@code Accept-Encoding}, so that the
     * answer can be split.
     */
    static ByteBuf write(ByteBufAllocator alloc, HttpRequest request, String authority, String clientAddress,
                         String scheme, int contentLength, boolean asJson) {
        HttpHeaders headers = request.headers();
        List<String> named = connectionNamed(headers.get(HttpHeaderNames.CONNECTION));
        ByteBuf out = alloc.buffer(INITIAL_SIZE);
        ByteBufUtil.writeAscii(out, request.method().asciiName());
        out.writeByte(' ');
        ByteBufUtil.writeAscii(out, request.uri());
        out.writeBytes(HTTP_1_1_CRLF);
        CharSequence host = null;
        CharSequence forwardedFor = null;
        boolean forwardedHost = false;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> header = it.next();
            CharSequence name = header.getKey();
            if (isHopByHop(name) || isInternal(name) || (named != null && isNamed(name, named))) {
                continue;
            }
            if (is(name, HttpHeaderNames.HOST)) {
                host = host == null ? header.getValue() : host;
                continue;
            }
            if (is(name, X_FORWARDED_FOR)) {
                forwardedFor = forwardedFor == null ? header.getValue() : forwardedFor + ", " + header.getValue();
                continue;
            }
            if (is(name, HttpHeaderNames.CONTENT_LENGTH) || is(name, HttpHeaderNames.EXPECT)
                    || is(name, X_FORWARDED_PROTO)
                    || (asJson && (is(name, HttpHeaderNames.CONTENT_TYPE) || is(name, HttpHeaderNames.ACCEPT_ENCODING)))) {
                continue;
            }
            forwardedHost |= is(name, X_FORWARDED_HOST);
            line(out, name, header.getValue());
        }
        line(out, HttpHeaderNames.HOST, authority);
        if (forwardedFor == null || forwardedFor.toString().isBlank()) {
            line(out, X_FORWARDED_FOR, clientAddress);
        } else {
            line(out, X_FORWARDED_FOR, forwardedFor + ", " + clientAddress);
        }
        line(out, X_FORWARDED_PROTO, scheme);
        if (host != null && !forwardedHost) {
            line(out, X_FORWARDED_HOST, host);
        }
        if (asJson) {
            line(out, HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        }
        out.writeBytes(HttpHeaderNames.CONTENT_LENGTH.array());
        out.writeBytes(COLON_SPACE);
        ByteBufUtil.writeAscii(out, Integer.toString(contentLength));
        out.writeBytes(CRLF);
        out.writeBytes(CRLF);
        return out;
    }

    private static void line(ByteBuf out, CharSequence name, CharSequence value) {
        ByteBufUtil.writeAscii(out, name);
        out.writeBytes(COLON_SPACE);
        ByteBufUtil.writeAscii(out, value);
        out.writeBytes(CRLF);
    }

    /** The header names listed in a {@code Connection} header, or null when it lists none. */
    private static List<String> connectionNamed(String connection) {
        if (connection == null) {
            return null;
        }
        List<String> named = null;
        for (String token : connection.split(",")) {
            String name = token.trim();
            if (!name.isEmpty() && !name.equalsIgnoreCase("close") && !name.equalsIgnoreCase("keep-alive")) {
                named = named == null ? new ArrayList<>(2) : named;
                named.add(name);
            }
        }
        return named;
    }

    private static boolean isNamed(CharSequence name, List<String> named) {
        for (String candidate : named) {
            if (AsciiString.contentEqualsIgnoreCase(name, candidate)) {
                return true;
            }
        }
        return false;
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
}
