package io.qgate.discovery;

import io.qgate.routing.Endpoint;
import io.qgate.routing.EndpointSnapshot;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A fixed list of replicas from configuration, such as
 * {@code http://127.0.0.1:8001,http://127.0.0.1:8002}: the default when no Kubernetes
 * discovery is configured, and what the demo uses.
 */
public final class StaticEndpointSource implements EndpointSource {

    private final EndpointSnapshot snapshot;

    public StaticEndpointSource(List<Endpoint> endpoints) {
        this.snapshot = EndpointSnapshot.of(endpoints);
    }

    /**
     * Parses a comma-separated list of {@code http://host:port} URLs (the scheme may be left
     * out; the port defaults to 80). Blank entries are ignored.
     *
     * @throws IllegalArgumentException naming the entry that is not a valid address
     */
    public static StaticEndpointSource parse(String list) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (String entry : list.split(",")) {
            String trimmed = entry.trim();
            if (!trimmed.isEmpty()) {
                endpoints.add(parseEndpoint(trimmed));
            }
        }
        return new StaticEndpointSource(endpoints);
    }

    /**
     * One replica's address, {@code http://host:port} or {@code host:port} (port 80 when left
     * out), as a ready endpoint; the replicas file reads its lines with the same rules.
     *
     * @throws IllegalArgumentException naming the entry, with what was expected
     */
    public static Endpoint parseEndpoint(String entry) {
        String url = entry.contains("://") ? entry : "http://" + entry;
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("endpoint: " + entry + " (expected: http://host:port)", e);
        }
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("endpoint: " + entry + " (expected: an http:// URL)");
        }
        String host = uri.getHost();
        if (host == null || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))) {
            throw new IllegalArgumentException("endpoint: " + entry + " (expected: http://host:port, no path)");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return Endpoint.of(host, uri.getPort() < 0 ? 80 : uri.getPort());
    }

    @Override
    public void start(Consumer<EndpointSnapshot> listener) {
        listener.accept(snapshot);
    }

    @Override
    public boolean synced() {
        return true;
    }

    @Override
    public String describe() {
        return "static " + snapshot;
    }

    @Override
    public void close() {
        // Nothing to release: the list never changes.
    }
}
