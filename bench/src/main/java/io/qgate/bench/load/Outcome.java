package io.qgate.bench.load;

/**
 * How one request ended.
 *
 * @param error     the error kind (see {@link ErrorKinds}), or {@code null} on success
 * @param ttftNanos time to first token (first byte when not streaming), from the intended start
 * @param e2eNanos  end-to-end latency, from the intended start
 * @param status    the answer's HTTP status, or 0 when no head arrived
 * @param errorBody the start of a non-2xx answer's body ({@code ""} otherwise): the soak tells the
 *                  gateway's own errors apart by it
 * @param retryAfter the answer's {@code Retry-After} header ({@code ""}: none): a refusal must say when to
 *                  come back
 */
public record Outcome(String error, long ttftNanos, long e2eNanos, long outputTokens, int status,
                      String errorBody, String retryAfter) {

    static Outcome ok(long ttftNanos, long e2eNanos, long outputTokens) {
        return new Outcome(null, ttftNanos, e2eNanos, outputTokens, 0, "", "");
    }

    static Outcome failed(String kind) {
        return new Outcome(kind, 0, 0, 0, 0, "", "");
    }

    /** This outcome with the status and error body of the answer it came from. */
    Outcome withResponse(int status, String errorBody) {
        return withResponse(status, errorBody, "");
    }

    /** The same, with the answer's {@code Retry-After} ({@code ""}: none). */
    Outcome withResponse(int status, String errorBody, String retryAfter) {
        return new Outcome(error, ttftNanos, e2eNanos, outputTokens, status, errorBody, retryAfter);
    }

    public boolean isOk() {
        return error == null;
    }
}
