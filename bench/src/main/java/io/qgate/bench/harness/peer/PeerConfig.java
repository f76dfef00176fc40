package io.qgate.bench.harness.peer;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/**
 * What a peer proxy is asked to do, the same for nginx and HAProxy.
 *
 * @param port     the client port, on 127.0.0.1
 * @param replicas the replicas' ports, on 127.0.0.1
 * @param workers  nginx worker processes, HAProxy threads
 * @param balance  how requests are spread
 * @param dir      a directory of the proxy's own (config, pid file, logs, temp files)
 */
public record PeerConfig(int port, List<Integer> replicas, int workers, Balance balance, Path dir) {

    /** Enough for the proxy-overhead runs' connections in both directions, within a 20,000-file limit. */
    static final int MAX_CONNECTIONS = 8192;

    public PeerConfig {
        replicas = List.copyOf(replicas);
        requireNonNull(balance, "balance");
        requireNonNull(dir, "dir");
        if (replicas.isEmpty()) {
            throw new IllegalArgumentException("replicas: none (expected: at least one)");
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers: " + workers + " (expected: > 0)");
        }
    }
}
