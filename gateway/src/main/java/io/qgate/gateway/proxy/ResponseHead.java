package io.qgate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.qgate.gateway.proxy.HeadBytes.ascii;
import static io.qgate.gateway.proxy.HeadBytes.digit;
import static io.qgate.gateway.proxy.HeadBytes.indexOf;
import static io.qgate.gateway.proxy.HeadBytes.regionMatchesIgnoreCase;
import static io.qgate.gateway.proxy.HeadBytes.skipSpace;
import static io.qgate.gateway.proxy.HeadBytes.startsWith;
import static io.qgate.gateway.proxy.HeadBytes.trimCr;
import static io.qgate.gateway.proxy.HeadBytes.trimSpace;

/**
 * The head of a replica's response, read as far as the gateway needs it: the status, how the
 * body is framed, whether the connection stays open, whether it is an event stream, and which
 * header lines reach the client. The lines that do are copied to the client byte for byte
 * ({@link #writeClientHead}) instead of being decoded into header objects and encoded again,
 * which is most of what relaying a small response costs.
 *
 * <p>Dropped: hop-by-hop headers (RFC 9110 §7.6.1) and those the {@code Connection} header
 * names, the gateway's own {@code x-qgate-} headers, and a {@code Content-Length} that comes
 * with {@code Transfer-Encoding} (the length is then wrong, RFC 9112 §6.3).
 */
final class ResponseHead {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] CHUNKED_LINE = ascii("transfer-encoding: chunked\r\n");
    private static final byte[] CLOSE_LINE = ascii("connection: close\r\n");
    private static final byte[] KEEP_ALIVE_LINE = ascii("connection: keep-alive\r\n");
    private static final byte[] HTTP_1_1 = ascii("HTTP/1.1");
    private static final byte[] HTTP_1_0 = ascii("HTTP/1.0");

    private final byte[] bytes;
    private final int status;
    /** Where the status line's text after the version (" 200 OK") ends. */
    private final int statusLineEnd;
    /** Start and end of each header line the client gets, in pairs, CR LF excluded. */
    private final int[] kept;
    private final int keptCount;
    private final long contentLength;
    private final boolean chunked;
    private final boolean keepAlive;
    private final boolean eventStream;

    private ResponseHead(byte[] bytes, int status, int statusLineEnd, int[] kept, int keptCount, long contentLength,
                         boolean chunked, boolean keepAlive, boolean eventStream) {
        this.bytes = bytes;
        this.status = status;
        this.statusLineEnd = statusLineEnd;
        this.kept = kept;
        this.keptCount = keptCount;
        this.contentLength = contentLength;
        this.chunked = chunked;
        this.keepAlive = keepAlive;
        this.eventStream = eventStream;
    }

    int status() {
        return status;
    }

    HttpResponseStatus httpStatus() {
        return HttpResponseStatus.valueOf(status);
    }

    boolean informational() {
        return status >= 100 && status < 200;
    }

    /** The body's length, or -1 when the head gives none (chunked or until the connection closes). */
    long contentLength() {
        return contentLength;
    }

    boolean chunked() {
        return chunked;
    }

    /** Whether the replica keeps the connection open after this response (its framing allowing). */
    boolean keepAlive() {
        return keepAlive;
    }

    boolean eventStream() {
        return eventStream;
    }

    /**
     * Writes the head the client gets: the replica's status and kept header lines, then the
     * framing and connection headers for the client's connection, which are the gateway's to set.
     */
    void writeClientHead(ByteBuf out, boolean http11, boolean clientKeepAlive, boolean chunkedToClient) {
        out.writeBytes(http11 ? HTTP_1_1 : HTTP_1_0);
        out.writeBytes(bytes, HTTP_1_1.length, statusLineEnd - HTTP_1_1.length);
        out.writeBytes(CRLF);
        for (int i = 0; i < keptCount; i += 2) {
            out.writeBytes(bytes, kept[i], kept[i + 1] - kept[i]);
            out.writeBytes(CRLF);
        }
        if (chunkedToClient) {
            out.writeBytes(CHUNKED_LINE);
        }
        if (http11 && !clientKeepAlive) {
            out.writeBytes(CLOSE_LINE);
        } else if (!http11 && clientKeepAlive) {
            out.writeBytes(KEEP_ALIVE_LINE);
        }
        out.writeBytes(CRLF);
    }

    /** The kept headers as header objects, for the few uses that need them (batching). */
    HttpHeaders headers() {
        HttpHeaders headers = new DefaultHttpHeaders(false);
        for (int i = 0; i < keptCount; i += 2) {
            int colon = indexOf(bytes, kept[i], kept[i + 1], (byte) ':');
            headers.add(ascii(bytes, kept[i], colon), ascii(bytes, colon + 1, kept[i + 1]).trim());
        }
        return headers;
    }

    /** The replica's response head is not HTTP/1.x as the gateway can relay it. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message);
        }
    }

    /**
     * Parses a complete head: {@code bytes[0, length)} is the status line and header lines up to
     * and including the empty line. Lines may end in CR LF or a bare LF.
     */
    static ResponseHead parse(byte[] bytes, int length) throws Malformed {
        int lineEnd = indexOf(bytes, 0, length, (byte) '\n');
        int statusEnd = trimCr(bytes, 0, lineEnd);
        if (statusEnd < 12 || !startsWith(bytes, "HTTP/1.") || (bytes[7] != '0' && bytes[7] != '1')
                || bytes[8] != ' ' || !digit(bytes[9]) || !digit(bytes[10]) || !digit(bytes[11])
                || (statusEnd > 12 && bytes[12] != ' ')) {
            throw new Malformed("bad status line: " + ascii(bytes, 0, Math.min(statusEnd, 64)));
        }
        boolean http11 = bytes[7] == '1';
        int status = (bytes[9] - '0') * 100 + (bytes[10] - '0') * 10 + (bytes[11] - '0');

        int[] kept = new int[32];
        int keptCount = 0;
        long contentLength = -1;
        int contentLengthLine = -1;
        boolean transferEncoding = false;
        boolean chunked = false;
        boolean close = false;
        boolean keepAliveAsked = false;
        boolean eventStream = false;
        List<String> named = null;

        int start = lineEnd + 1;
        while (start < length) {
            int end = indexOf(bytes, start, length, (byte) '\n');
            int contentEnd = trimCr(bytes, start, end);
            if (contentEnd == start) {
                break;
            }
            if (bytes[start] == ' ' || bytes[start] == '\t') {
                throw new Malformed("folded header line");
            }
            int colon = indexOf(bytes, start, contentEnd, (byte) ':');
            if (colon == contentEnd || colon == start || bytes[colon - 1] == ' ' || bytes[colon - 1] == '\t') {
                throw new Malformed("bad header line: " + ascii(bytes, start, Math.min(contentEnd, start + 64)));
            }
            int valueStart = skipSpace(bytes, colon + 1, contentEnd);
            int valueEnd = trimSpace(bytes, valueStart, contentEnd);
            boolean keep = true;
            switch (ResponseHeaderName.of(bytes, start, colon)) {
                case CONTENT_LENGTH -> {
                    long declared = parseLength(bytes, valueStart, valueEnd);
                    if (contentLength >= 0 && declared != contentLength) {
                        throw new Malformed("conflicting Content-Length headers");
                    }
                    if (contentLengthLine >= 0) {
                        keep = false;
                    } else {
                        contentLengthLine = keptCount;
                    }
                    contentLength = declared;
                }
                case TRANSFER_ENCODING -> {
                    keep = false;
                    transferEncoding = true;
                    chunked = lastTokenIsChunked(bytes, valueStart, valueEnd);
                }
                case CONNECTION -> {
                    keep = false;
                    for (String token : ascii(bytes, valueStart, valueEnd).split(",")) {
                        String name = token.trim().toLowerCase(java.util.Locale.ROOT);
                        if (name.equals("close")) {
                            close = true;
                        } else if (name.equals("keep-alive")) {
                            keepAliveAsked = true;
                        } else if (!name.isEmpty()) {
                            named = named == null ? new ArrayList<>(2) : named;
                            named.add(name);
                        }
                    }
                }
                case CONTENT_TYPE -> eventStream = regionMatchesIgnoreCase(bytes, valueStart, valueEnd,
                        "text/event-stream");
                case HOP_BY_HOP, INTERNAL -> keep = false;
                case OTHER -> { }
            }
            if (keep) {
                if (keptCount == kept.length) {
                    kept = Arrays.copyOf(kept, kept.length * 2);
                }
                kept[keptCount++] = start;
                kept[keptCount++] = contentEnd;
            }
            start = end + 1;
        }
        boolean keepAlive = http11 ? !close : keepAliveAsked && !close;
        if (transferEncoding) {
            // With Transfer-Encoding the length is meaningless and must not reach the client; a
            // coding other than chunked last means the body runs until the connection closes.
            contentLength = -1;
            if (contentLengthLine >= 0) {
                keepAlive = false;
                keptCount = remove(kept, keptCount, contentLengthLine);
            }
            if (!chunked) {
                keepAlive = false;
            }
        }
        if (named != null) {
            keptCount = removeNamed(bytes, kept, keptCount, named);
        }
        return new ResponseHead(bytes, status, statusEnd, kept, keptCount, contentLength, chunked, keepAlive,
                eventStream);
    }

    private static int removeNamed(byte[] bytes, int[] kept, int keptCount, List<String> named) {
        for (int i = keptCount - 2; i >= 0; i -= 2) {
            int colon = indexOf(bytes, kept[i], kept[i + 1], (byte) ':');
            if (named.contains(ascii(bytes, kept[i], colon).toLowerCase(java.util.Locale.ROOT))) {
                keptCount = remove(kept, keptCount, i);
            }
        }
        return keptCount;
    }

    private static int remove(int[] kept, int keptCount, int pairStart) {
        System.arraycopy(kept, pairStart + 2, kept, pairStart, keptCount - pairStart - 2);
        return keptCount - 2;
    }

    private static long parseLength(byte[] b, int start, int end) throws Malformed {
        if (start == end || end - start > 18) {
            throw new Malformed("bad Content-Length");
        }
        long value = 0;
        for (int i = start; i < end; i++) {
            if (!digit(b[i])) {
                throw new Malformed("bad Content-Length");
            }
            value = value * 10 + (b[i] - '0');
        }
        return value;
    }

    private static boolean lastTokenIsChunked(byte[] b, int start, int end) {
        int comma = start - 1;
        for (int i = end - 1; i >= start; i--) {
            if (b[i] == ',') {
                comma = i;
                break;
            }
        }
        int tokenStart = skipSpace(b, comma + 1, end);
        return end - tokenStart == 7 && regionMatchesIgnoreCase(b, tokenStart, end, "chunked");
    }
}
