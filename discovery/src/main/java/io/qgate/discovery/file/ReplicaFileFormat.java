package io.qgate.discovery.file;

import io.qgate.discovery.StaticEndpointSource;
import io.qgate.routing.Endpoint;

import java.util.ArrayList;
import java.util.List;

/**
 * The replicas file: one replica a line, as {@code endpoints} takes them, optionally followed by
 * {@code ready=false}; {@code #} starts a comment, blank lines are skipped.
 *
 * <pre>
 * # vLLM on the GPU VMs
 * http://10.0.0.11:8000
 * http://10.0.0.12:8000  ready=false   # draining for a driver update
 * 10.0.0.13:8000
 * </pre>
 *
 * <p>A file parses whole or not at all: one bad line rejects it, so a half-edited file never
 * becomes a fleet with replicas missing. An address listed twice counts once (a ready line wins,
 * as in {@link io.qgate.routing.EndpointSnapshot#of}).
 */
final class ReplicaFileFormat {

    private static final String READY = "ready=";

    private ReplicaFileFormat() {}

    /**
     * The replicas listed in {@code content}.
     *
     * @throws IllegalArgumentException naming the first bad line by number, with what was expected
     */
    static List<Endpoint> parse(String content) {
        List<Endpoint> endpoints = new ArrayList<>();
        // A BOM left by a Windows editor would otherwise become part of the first host name.
        String text = content.startsWith("\uFEFF") ? content.substring(1) : content;
        int number = 0;
        for (String line : text.split("\r?\n|\r", -1)) {
            number++;
            int hash = line.indexOf('#');
            String[] words = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
            if (words[0].isEmpty()) {
                continue;
            }
            try {
                endpoints.add(endpoint(words));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + number + ": " + e.getMessage(), e);
            }
        }
        return endpoints;
    }

    private static Endpoint endpoint(String[] words) {
        Endpoint endpoint = StaticEndpointSource.parseEndpoint(words[0]);
        for (int i = 1; i < words.length; i++) {
            String word = words[i];
            if (word.equals(READY + "true")) {
                endpoint = endpoint.withReady(true);
            } else if (word.equals(READY + "false")) {
                endpoint = endpoint.withReady(false);
            } else {
                throw new IllegalArgumentException(word + " (expected: ready=true or ready=false after the address)");
            }
        }
        return endpoint;
    }
}
