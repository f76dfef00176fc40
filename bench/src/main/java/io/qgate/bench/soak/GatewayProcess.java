package io.qgate.bench.soak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged gateway in a JVM of its own, as an operator runs it, with Netty's leak detector at
 * {@code advanced} (paranoid would slow a soak down too much) and its output in a log file.
 * {@link #close()} stops it with SIGTERM and, if it does not exit, kills it.
 */
final class GatewayProcess implements AutoCloseable {

    /** The JVM flags the gateway runs with, besides {@code -Xmx}; the report repeats them. */
    static final List<String> JVM_FLAGS = List.of("-XX:+UseG1GC", "-Dio.netty.leakDetection.level=advanced");
    static final String LEAK_MARK = "LEAK:";

    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) \\(admin :(\\d+)\\)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

    private final Process process;
    private final Path log;
    private final List<String> command;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private int port;
    private int adminPort;

    private GatewayProcess(Process process, Path log, List<String> command) {
        this.process = process;
        this.log = log;
        this.command = command;
    }

    /** Starts the jar on ephemeral loopback ports and returns once it has said where it listens. */
    static GatewayProcess start(Path jar, String heap, List<String> gatewayFlags, Path log) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no gateway jar at " + jar.toAbsolutePath()
                    + " (build it: mvn -pl gateway -am package -DskipTests)");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        command.addAll(JVM_FLAGS);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of("--host", "127.0.0.1", "--port", "0", "--admin-port", "0"));
        command.addAll(gatewayFlags);
        Process process;
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the gateway: " + command, e);
        }
        GatewayProcess gateway = new GatewayProcess(process, log, List.copyOf(command));
        try {
            gateway.awaitListening();
            return gateway;
        } catch (RuntimeException e) {
            gateway.close();
            throw e;
        }
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher matcher = LISTENING.matcher(logText());
            if (matcher.find()) {
                port = Integer.parseInt(matcher.group(1));
                adminPort = Integer.parseInt(matcher.group(2));
                return;
            }
            if (!process.isAlive()) {
                break;
            }
            pause(50);
        }
        throw new IllegalStateException("the gateway did not report its ports; its output:\n" + logText());
    }

    List<String> command() {
        return command;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    Path log() {
        return log;
    }

    /** The admin port's {@code /metrics} text. */
    String metrics() {
        return get("/metrics").body();
    }

    /** The status of an admin path, or -1 when the request failed. */
    int adminStatus(String path) {
        try {
            return get(path).statusCode();
        } catch (UncheckedIOException e) {
            return -1;
        }
    }

    private HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("admin " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Lines of the gateway's output that contain {@code mark}. */
    List<String> logLines(String mark) {
        return logText().lines().filter(line -> line.contains(mark)).toList();
    }

    String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** SIGTERM (the gateway drains), then a kill if it has not exited in time. Idempotent. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the gateway", e);
        }
    }
}
