package io.qgate.bench.load;

/** The names under which failed requests are counted in results. */
public final class ErrorKinds {
    /** The connection could not be opened. */
    public static final String CONNECT = "connect";
    /** The connection closed or failed before the response was complete. */
    public static final String RESET = "reset";
    /** No complete answer within the request timeout, or still outstanding when the drain timeout ran out. */
    public static final String TIMEOUT = "timeout";
    /** The open loop needed a connection beyond {@code --max-connections}; the request was not sent. */
    public static final String CLIENT_SATURATED = "client_saturated";
    /** The response could not be decoded as HTTP. */
    public static final String BAD_RESPONSE = "bad_response";
    /** A 2xx stream that ended without {@code data: [DONE]}. */
    public static final String INCOMPLETE_STREAM = "incomplete_stream";
    /** A stream that carried an {@code error} event. */
    public static final String STREAM_ERROR = "stream_error";
    /** The client left mid-stream on purpose (a study's fault, see {@link LaneTraffic#abortAfterEvents}). */
    public static final String ABORTED = "aborted";

    private ErrorKinds() {}

    /** {@code http_502} for status 502: exact statuses, since 502, 503 and 504 mean different things here. */
    public static String http(int status) {
        return "http_" + status;
    }
}
