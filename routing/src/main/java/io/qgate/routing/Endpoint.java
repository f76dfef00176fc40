package io.qgate.routing;

import java.util.Locale;
import java.util.Objects;

import static java.util.Objects.requireNonNull;

/**
 * One replica the gateway can send requests to: a LiteLLM pod, addressed by host and port.
 *
 * <p>Immutable; discovery publishes new instances rather than changing old ones. Two endpoints
 * are equal when address and conditions are; {@link #sameAddress} compares the address alone.
 * The {@link #authority()} is computed once, because pools and counters are keyed by it on every
 * request.
 */
public final class Endpoint implements Comparable<Endpoint> {

    private final String host;
    private final int port;
    private final boolean ready;
    private final boolean terminating;
    private final int metricsPort;
    private final Details details;
    private final String authority;
    /** The authority's hash, beside it: a prefix's holders are told apart without reading the authority ({@link PrefixHolders.Match}). */
    private final int authorityHash;

    /**
     * Where the replica runs, as discovery reports it: for logs, labels and {@code /debug/endpoints}.
     * Any field may be empty.
     */
    public record Details(String podName, String nodeName, String zone) {
        public static final Details NONE = new Details("", "", "");

        public Details {
            podName = podName == null ? "" : podName;
            nodeName = nodeName == null ? "" : nodeName;
            zone = zone == null ? "" : zone;
        }
    }

    /**
     * @param host        an IP address (IPv4 or IPv6, without brackets) or a host name
     * @param port        the port of the OpenAI-compatible API
     * @param ready       whether the replica takes new requests
     * @param terminating whether the replica is going away (it only finishes what it has)
     */
    public Endpoint(String host, int port, boolean ready, boolean terminating) {
        this(host, port, ready, terminating, 0, Details.NONE);
    }

    /**
     * @param metricsPort the port of the engine's metrics when discovery names one (0: none known)
     * @param details     pod, node and zone
     */
    public Endpoint(String host, int port, boolean ready, boolean terminating, int metricsPort, Details details) {
        requireNonNull(host, "host");
        requireNonNull(details, "details");
        if (metricsPort < 0 || metricsPort > 65535) {
            throw new IllegalArgumentException("metricsPort: " + metricsPort + " (expected: 0-65535)");
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host: empty (expected: an address or a name)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
        this.host = host.toLowerCase(Locale.ROOT);
        this.port = port;
        this.ready = ready;
        this.terminating = terminating;
        this.metricsPort = metricsPort;
        this.details = details;
        this.authority = this.host.indexOf(':') >= 0 ? "[" + this.host + "]:" + port : this.host + ":" + port;
        this.authorityHash = authority.hashCode();
    }

    /** A ready, non-terminating endpoint. */
    public static Endpoint of(String host, int port) {
        return new Endpoint(host, port, true, false);
    }

    public String host() { return host; }

    int authorityHash() { return authorityHash; }

    public int port() { return port; }

    public boolean ready() { return ready; }

    public boolean terminating() { return terminating; }

    /** The engine metrics port discovery found for this replica, or 0. */
    public int metricsPort() { return metricsPort; }

    public Details details() { return details; }

    public Endpoint withReady(boolean newReady) {
        return newReady == ready ? this : new Endpoint(host, port, newReady, terminating, metricsPort, details);
    }

    public Endpoint withTerminating(boolean newTerminating) {
        return newTerminating == terminating ? this : new Endpoint(host, port, ready, newTerminating, metricsPort,
                details);
    }

    public Endpoint withMetricsPort(int newMetricsPort) {
        return new Endpoint(host, port, ready, terminating, newMetricsPort, details);
    }

    public Endpoint withDetails(Details newDetails) {
        return new Endpoint(host, port, ready, terminating, metricsPort, newDetails);
    }

    /** Whether new requests may be sent here. */
    public boolean acceptsRequests() {
        return ready && !terminating;
    }

    /** {@code host:port}, with brackets around an IPv6 address, as in a URL or a Host header. */
    public String authority() {
        return authority;
    }

    /** Whether {@code other} is the same replica (same address), whatever its conditions. */
    public boolean sameAddress(Endpoint other) {
        return port == other.port && host.equals(other.host);
    }

    @Override
    public int compareTo(Endpoint other) {
        int byHost = host.compareTo(other.host);
        return byHost != 0 ? byHost : Integer.compare(port, other.port);
    }

    /** Equal when everything discovery reports is equal, so that a no-op update can be skipped. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Endpoint other && sameAddress(other) && ready == other.ready
                && terminating == other.terminating && metricsPort == other.metricsPort
                && details.equals(other.details);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, ready, terminating, metricsPort, details);
    }

    @Override
    public String toString() {
        return authority + (acceptsRequests() ? "" : terminating ? " (terminating)" : " (not ready)");
    }
}
