package io.qgate.bench.harness.peer;

/** How a peer proxy spreads requests over the replicas. */
public enum Balance {
    /** nginx {@code least_conn}, HAProxy {@code leastconn}: the fewest open connections (requests). */
    LEAST_CONNECTIONS("least_conn", "leastconn"),
    /** Each replica in turn: nginx's default, HAProxy {@code roundrobin}. */
    ROUND_ROBIN("", "roundrobin");

    private final String nginxDirective;
    private final String haproxyAlgorithm;

    Balance(String nginxDirective, String haproxyAlgorithm) {
        this.nginxDirective = nginxDirective;
        this.haproxyAlgorithm = haproxyAlgorithm;
    }

    /** The directive in nginx's {@code upstream} block, empty for its default. */
    String nginxDirective() {
        return nginxDirective;
    }

    String haproxyAlgorithm() {
        return haproxyAlgorithm;
    }
}
