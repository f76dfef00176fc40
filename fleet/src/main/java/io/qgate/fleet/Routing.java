package io.qgate.fleet;

/** Who picks the replica for each request: qgate's gateways, or the oracle. */
interface Routing {

    /** The replica {@code request} goes to, or null when none is ready; the choice is recorded at once. */
    Replica route(Request request);

    /** The last chunk of {@code request}'s answer has reached the client. */
    void finished(Request request);

    /** Requests received so far (qgate_requests_received_total, summed over gateways). */
    long received();
}
