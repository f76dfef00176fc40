package io.qgate.gateway.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

import java.security.SecureRandom;

/**
 * Who a request is from, for fair queuing: a keyed hash of the caller's credential (the
 * configured header, else {@code Authorization}, {@code api-key} or {@code x-api-key}). The
 * credential itself is never kept or logged; the key is per process, so the hashes mean nothing
 * outside it. Requests without a credential share tenant 0.
 */
final class TenantKey {

    private static final long SEED = new SecureRandom().nextLong();
    private static final long FNV_PRIME = 0x100000001b3L;

    private TenantKey() {}

    /** @param header the configured tenant header, or empty for the credential headers */
    static long of(HttpHeaders headers, String header) {
        String value = header.isEmpty() ? credential(headers) : headers.get(header);
        if (value == null || value.isEmpty()) {
            return 0;
        }
        // FNV-1a over the characters, from a secret start: cheap, and stable within this process.
        long hash = 0xcbf29ce484222325L ^ SEED;
        for (int i = 0; i < value.length(); i++) {
            hash ^= value.charAt(i);
            hash *= FNV_PRIME;
        }
        return hash == 0 ? 1 : hash;
    }

    private static String credential(HttpHeaders headers) {
        String value = headers.get(HttpHeaderNames.AUTHORIZATION);
        if (value == null) {
            value = headers.get("api-key");
        }
        if (value == null) {
            value = headers.get("x-api-key");
        }
        return value;
    }
}
