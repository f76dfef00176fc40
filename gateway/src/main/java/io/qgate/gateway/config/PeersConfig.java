package io.qgate.gateway.config;

import io.qgate.routing.config.Units;
import io.qgate.routing.peers.PeerCodec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * The other gateway replicas this one tells what it dispatched, and hears from: a static list or
 * the gateway's own (headless) Service, the UDP port, how often, and the shared key. Neither list
 * nor Service: no peers, no socket, nothing changes.
 *
 * @param endpoints         static peers, comma-separated {@code host:port} (the port is their peers port)
 * @param kubernetesService the gateway's own Service, whose pods are the peers (on {@link #port})
 * @param port              the UDP port peers listen on; 0: the admin port's neighbour
 * @param secret            the shared key itself, or empty
 * @param secretFile        a file holding the shared key (a mounted Secret), or empty
 */
public record PeersConfig(String endpoints, String kubernetesService, int port, Duration interval, String secret,
                          String secretFile) {

    public PeersConfig {
        requireNonNull(endpoints, "endpoints");
        requireNonNull(kubernetesService, "kubernetesService");
        requireNonNull(secret, "secret");
        requireNonNull(secretFile, "secretFile");
        ConfigValues.requirePositive(Option.PEERS_INTERVAL, interval);
        if (!endpoints.isEmpty() && !kubernetesService.isEmpty()) {
            throw new IllegalArgumentException("sources of peers: " + Option.PEERS_ENDPOINTS.key() + " and "
                    + Option.PEERS_KUBERNETES_SERVICE.key() + " (expected: one of them)");
        }
        if (!secret.isEmpty() && !secretFile.isEmpty()) {
            throw new IllegalArgumentException(Option.PEERS_SECRET.key() + " and " + Option.PEERS_SECRET_FILE.key()
                    + " are both set (expected: one of them)");
        }
        for (String entry : endpoints.split(",")) {
            String trimmed = entry.trim();
            if (!trimmed.isEmpty() && !trimmed.matches(".*[^:]:[0-9]{1,5}")) {
                throw new IllegalArgumentException(Option.PEERS_ENDPOINTS.key() + ": " + trimmed
                        + " (expected: host:port, the peer's " + Option.PEERS_PORT.key() + ")");
            }
        }
        boolean configured = !endpoints.isEmpty() || !kubernetesService.isEmpty();
        if (configured && secret.isEmpty() && secretFile.isEmpty()) {
            throw new IllegalArgumentException("peers are configured but there is no shared key: set "
                    + Option.PEERS_SECRET.key() + " or " + Option.PEERS_SECRET_FILE.key()
                    + " (expected: the same key of at least " + PeerCodec.MIN_KEY_BYTES + " bytes on every gateway)");
        }
    }

    /** Whether peers are configured at all. */
    public boolean enabled() {
        return !endpoints.isEmpty() || !kubernetesService.isEmpty();
    }

    /** The UDP port to listen on, given the admin port the gateway bound. */
    public int port(int adminPort) {
        return port != 0 ? port : adminPort + 1;
    }

    /** The shared key's bytes: {@link #secret}, or the file's contents without a trailing newline. */
    public byte[] key() {
        String text = secret;
        if (!secretFile.isEmpty()) {
            try {
                text = Files.readString(Path.of(secretFile), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new UncheckedIOException(Option.PEERS_SECRET_FILE.key() + ": " + secretFile
                        + " cannot be read (" + e.getMessage() + ")", e);
            }
        }
        byte[] key = text.getBytes(StandardCharsets.UTF_8);
        if (key.length < PeerCodec.MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the peers' shared key: " + key.length + " bytes (expected: at least "
                    + PeerCodec.MIN_KEY_BYTES + ", the same on every gateway)");
        }
        return key;
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "PeersConfig[endpoints=" + endpoints + ", kubernetesService=" + kubernetesService + ", port=" + port
                + ", interval=" + Units.format(interval) + ", secret=" + (secret.isEmpty() ? "" : "(set)")
                + ", secretFile=" + secretFile + "]";
    }
}
