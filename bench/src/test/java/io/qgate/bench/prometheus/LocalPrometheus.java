package io.qgate.bench.prometheus;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Prometheus server (the binary on the {@code PATH}) run as a child process on loopback,
 * with its configuration, rule files and storage in a temporary directory that {@link #close()}
 * deletes along with the process.
 */
public final class LocalPrometheus implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** One element of an instant vector: its labels (without {@code __name__} unless kept) and value. */
    public record Sample(Map<String, String> labels, double value) {}

    private final Path dir;
    private final Process process;
    private final int port;

    private LocalPrometheus(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    /**
     * Starts Prometheus with {@code config} as its configuration file and {@code files} (name to
     * content) next to it, so the configuration can name rule files relatively; returns once
     * Prometheus reports itself ready.
     */
    public static LocalPrometheus start(String config, Map<String, String> files) {
        Path binary = PrometheusTools.prometheus()
                .orElseThrow(() -> new IllegalStateException("prometheus is not on the PATH"));
        Path dir;
        try {
            dir = Files.createTempDirectory("qgate-prometheus");
            Files.writeString(dir.resolve("prometheus.yml"), config);
            for (Map.Entry<String, String> file : files.entrySet()) {
                Files.writeString(dir.resolve(file.getKey()), file.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        IllegalStateException failure = null;
        // A free port can be taken between finding and binding it: try a few.
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            Process process = launch(binary, dir, port);
            LocalPrometheus prometheus = new LocalPrometheus(dir, process, port);
            try {
                prometheus.awaitReady(Duration.ofSeconds(20));
                return prometheus;
            } catch (IllegalStateException e) {
                prometheus.stopProcess();
                failure = e;
            }
        }
        deleteRecursively(dir);
        throw failure;
    }

    private static Process launch(Path binary, Path dir, int port) {
        try {
            return new ProcessBuilder(binary.toString(),
                    "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--storage.tsdb.retention.time=1h",
                    "--log.level=warn")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("prometheus-" + port + ".log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri("/-/ready"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(100);
        }
        throw new IllegalStateException("prometheus not ready within " + timeout + ":\n" + log());
    }

    public int port() {
        return port;
    }

    /** The server's own log so far (for failure messages). */
    public String log() {
        try (Stream<Path> logs = Files.list(dir)) {
            StringBuilder text = new StringBuilder();
            for (Path log : logs.filter(p -> p.getFileName().toString().endsWith(".log")).toList()) {
                text.append(Files.readString(log));
            }
            return text.toString();
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Evaluates an instant query now. */
    public List<Sample> query(String promql) {
        return query(promql, null);
    }

    /**
     * Evaluates an instant query through {@code /api/v1/query} at {@code time} (now if null).
     *
     * @throws IllegalStateException with Prometheus's own message when the query is rejected
     */
    public List<Sample> query(String promql, Instant time) {
        StringBuilder params = new StringBuilder("query=").append(encode(promql));
        if (time != null) {
            params.append("&time=").append(time.toEpochMilli() / 1000.0);
        }
        JsonNode data = get("/api/v1/query?" + params, promql);
        List<Sample> samples = new ArrayList<>();
        String type = data.path("resultType").asString();
        if (type.equals("scalar")) {
            samples.add(new Sample(Map.of(), value(data.path("result"))));
            return samples;
        }
        if (!type.equals("vector")) {
            throw new IllegalStateException("expected an instant vector from " + promql + ", got " + type);
        }
        for (JsonNode element : data.path("result")) {
            Map<String, String> labels = new LinkedHashMap<>();
            element.path("metric").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
            samples.add(new Sample(labels, value(element.path("value"))));
        }
        return samples;
    }

    /** The label sets of the series matching a selector, as prometheus-adapter discovers them ({@code /api/v1/series}). */
    public List<Map<String, String>> series(String selector) {
        JsonNode data = get("/api/v1/series?match[]=" + encode(selector) + "&start="
                + (Instant.now().minusSeconds(600).toEpochMilli() / 1000.0), selector);
        List<Map<String, String>> series = new ArrayList<>();
        for (JsonNode element : data) {
            Map<String, String> labels = new LinkedHashMap<>();
            element.properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
            series.add(labels);
        }
        return series;
    }

    /** The loaded rule groups ({@code /api/v1/rules}), as Prometheus reports them. */
    public JsonNode ruleGroups() {
        return get("/api/v1/rules", "rules").path("groups");
    }

    /** The scrape targets ({@code /api/v1/targets}), as Prometheus reports them. */
    public JsonNode activeTargets() {
        return get("/api/v1/targets", "targets").path("activeTargets");
    }

    private JsonNode get(String pathAndQuery, String what) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri(pathAndQuery))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(response.body());
            if (response.statusCode() != 200 || !"success".equals(body.path("status").asString())) {
                throw new IllegalStateException("prometheus rejected " + what + ": HTTP " + response.statusCode()
                        + " " + body.path("errorType").asString() + ": " + body.path("error").asString());
            }
            return body.path("data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static double value(JsonNode pair) {
        return Exposition.parseValue(pair.path(1).asString());
    }

    private URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void stopProcess() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the server (SIGTERM, then SIGKILL after 5 s) and deletes its directory. */
    @Override
    public void close() {
        stopProcess();
        deleteRecursively(dir);
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // A leftover temporary directory is not worth failing a test for.
        }
    }
}
