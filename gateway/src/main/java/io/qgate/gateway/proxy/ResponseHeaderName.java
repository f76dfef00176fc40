package io.qgate.gateway.proxy;

import static io.qgate.gateway.proxy.HeadBytes.startsWithIgnoreCase;

/**
 * The names of the response headers {@link ResponseHead} treats specially, recognised from the
 * bytes by length and then content, without building strings: this runs for every header line
 * of every relayed response.
 */
enum ResponseHeaderName {
    CONTENT_LENGTH, TRANSFER_ENCODING, CONNECTION, CONTENT_TYPE, HOP_BY_HOP, INTERNAL, OTHER;

    /** The gateway's own headers, which a replica's answer must not set for the client. */
    private static final String INTERNAL_PREFIX = "x-qgate-";

    static ResponseHeaderName of(byte[] b, int start, int end) {
        int length = end - start;
        switch (length) {
            case 2:
                return startsWithIgnoreCase(b, start, "te") ? HOP_BY_HOP : OTHER;
            case 7:
                return startsWithIgnoreCase(b, start, "trailer") || startsWithIgnoreCase(b, start, "upgrade") ? HOP_BY_HOP : OTHER;
            case 10:
                if (startsWithIgnoreCase(b, start, "connection")) {
                    return CONNECTION;
                }
                return startsWithIgnoreCase(b, start, "keep-alive") ? HOP_BY_HOP : other(b, start, length);
            case 12:
                return startsWithIgnoreCase(b, start, "content-type") ? CONTENT_TYPE : other(b, start, length);
            case 14:
                return startsWithIgnoreCase(b, start, "content-length") ? CONTENT_LENGTH : other(b, start, length);
            case 16:
                return startsWithIgnoreCase(b, start, "proxy-connection") ? HOP_BY_HOP : other(b, start, length);
            case 17:
                return startsWithIgnoreCase(b, start, "transfer-encoding") ? TRANSFER_ENCODING : other(b, start, length);
            case 18:
                return startsWithIgnoreCase(b, start, "proxy-authenticate") ? HOP_BY_HOP : other(b, start, length);
            case 19:
                return startsWithIgnoreCase(b, start, "proxy-authorization") ? HOP_BY_HOP : other(b, start, length);
            default:
                return other(b, start, length);
        }
    }

    private static ResponseHeaderName other(byte[] b, int start, int length) {
        return length > INTERNAL_PREFIX.length() && startsWithIgnoreCase(b, start, INTERNAL_PREFIX) ? INTERNAL : OTHER;
    }
}
