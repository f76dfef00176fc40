package io.qgate.routing;

import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * One replica the gateway can send requests to: a LiteLLM pod, addressed by host and port.
 *
 * <p>Immutable; discovery publishes new instances rather than changing old ones. Two endpoints are
 * the same replica when host and port are equal; {@link #ready()} and {@link #terminating()} say
 * whether it may take new requests.
 *
 * @param host        an IP address (IPv4 or IPv6, without brackets) or a host name
 * @param port        the port of the OpenAI-compatible API
 * @param ready       whether the replica takes new requests
 * @param terminating whether the replica is going away (it only finishes what it has)
 */
public record Endpoint(String host, int port, boolean ready, boolean terminating)
        implements Comparable<Endpoint> {

    public Endpoint {
        requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host: empty (expected: an address or a name)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
        host = host.toLowerCase(Locale.ROOT);
    }

    /** A ready, non-terminating endpoint. */
    public static Endpoint of(String host, int port) {
        return new Endpoint(host, port, true, false);
    }

    public Endpoint withReady(boolean newReady) {
        return newReady == ready ? this : new Endpoint(host, port, newReady, terminating);
    }

    public Endpoint withTerminating(boolean newTerminating) {
        return newTerminating == terminating ? this : new Endpoint(host, port, ready, newTerminating);
    }

    /** Whether new requests may be sent here. */
    public boolean acceptsRequests() {
        return ready && !terminating;
    }

    /** {@code host:port}, with brackets around an IPv6 address, as in a URL or a Host header. */
    public String authority() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
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

    @Override
    public String toString() {
        return authority() + (acceptsRequests() ? "" : terminating ? " (terminating)" : " (not ready)");
    }
}
