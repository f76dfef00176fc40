package io.qgate.bench.study.soak;

import io.qgate.bench.load.ErrorKinds;

/**
 * How one request of the soak ended, as its client saw it. Every request ends exactly once.
 */
enum Ending {
    /** A complete 2xx answer (a stream up to {@code data: [DONE]}). */
    OK,
    /** The client closed the connection on purpose after a few events. */
    ABORTED,
    /** A stream that ended with the gateway's SSE {@code error} event (the replica went away mid-stream). */
    STREAM_ERROR,
    /** The connection closed before the answer was complete, without an error event. */
    RESET,
    /** A non-2xx status (the status is kept with the failure). */
    HTTP_ERROR,
    /** A 2xx stream that ended without {@code [DONE]} and without an error event. */
    INCOMPLETE,
    /** The client could not connect to the gateway: the request never left. */
    CONNECT,
    /** No answer within the request timeout, or still open when the drain ran out. */
    TIMEOUT;

    /** Whether this ending is a failure (neither an answer nor the client's own choice). */
    boolean failed() {
        return this != OK && this != ABORTED;
    }

    /** The ending of a lane's outcome, by its error kind ({@code null}: answered). */
    static Ending of(String errorKind) {
        if (errorKind == null) {
            return OK;
        }
        return switch (errorKind) {
            case ErrorKinds.ABORTED -> ABORTED;
            case ErrorKinds.STREAM_ERROR -> STREAM_ERROR;
            case ErrorKinds.INCOMPLETE_STREAM -> INCOMPLETE;
            case ErrorKinds.CONNECT, ErrorKinds.CLIENT_SATURATED -> CONNECT;
            case ErrorKinds.TIMEOUT -> TIMEOUT;
            default -> errorKind.startsWith("http_") ? HTTP_ERROR : RESET; // reset, or an answer not HTTP
        };
    }
}
