package io.qgate.bench.load;

/**
 * How one request ended.
 *
 * @param error       the error kind (see {@link ErrorKinds}), or {@code null} on success
 * @param ttftNanos   time to first token (first byte when not streaming), from the intended start
 * @param e2eNanos    end-to-end latency, from the intended start
 */
record Outcome(String error, long ttftNanos, long e2eNanos, long outputTokens) {

    static Outcome ok(long ttftNanos, long e2eNanos, long outputTokens) {
        return new Outcome(null, ttftNanos, e2eNanos, outputTokens);
    }

    static Outcome failed(String kind) {
        return new Outcome(kind, 0, 0, 0);
    }

    boolean isOk() {
        return error == null;
    }
}
