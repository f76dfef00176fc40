package io.qgate.bench.study.soak;

/**
 * What the system soak makes of how a request ended: every request has exactly one fate. The
 * refusals are the gateway saying no in plain words; the cuts are a fault's doing, counted and
 * bounded; {@link #UNEXPLAINED} must stay at zero.
 */
enum Fate {
    ANSWERED("answered"),
    ABORTED("aborted by its client"),
    REFUSED_429("refused 429 with Retry-After (queue full, timed out or shed)"),
    REFUSED_503("refused 503 with Retry-After (no replica in time)"),
    BAD_INPUT("400 for malformed JSON"),
    CUT_REPLICA_RESET("cut by a replica reset"),
    REPLICA_500("500 from the failing replica, passed through"),
    CUT_GATEWAY_KILL("cut by a gateway's SIGKILL"),
    CUT_GATEWAY_DRAIN("cut while a gateway drained"),
    UNEXPLAINED("unexplained");

    final String words;

    Fate(String words) {
        this.words = words;
    }

    /** A fault's doing, neither the gateway's answer nor the client's choice. */
    boolean cut() {
        return this == CUT_REPLICA_RESET || this == REPLICA_500 || this == CUT_GATEWAY_KILL
                || this == CUT_GATEWAY_DRAIN;
    }
}
