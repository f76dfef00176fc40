package io.qgate.bench.harness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * qgate in a JVM of its own on ephemeral loopback ports, its output in a log file: from this JVM's
 * class path (the benchmarks, which hold the gateway) or from the packaged jar, as an operator
 * runs it (the soak). Its ports are read from the line it logs when it listens, so no port is
 * guessed free beforehand.
 */
public final class GatewayProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) \\(admin :(\\d+)\\)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    /** SIGTERM lets the gateway drain; a kill follows only if it has not exited by then. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final ChildProcess child;
    private final List<String> command;
    private final int port;
    private final int adminPort;

    private GatewayProcess(ChildProcess child, List<String> command, int port, int adminPort) {
        this.child = child;
        this.command = command;
        this.port = port;
        this.adminPort = adminPort;
    }

    /**
     * The gateway from this JVM's class path, returned once its {@code /readyz} says 200.
     *
     * @param endpoints  the replicas, {@code http://127.0.0.1:N,...}
     * @param ioThreads  event loops
     * @param jvmOptions heap limit, GC log and the like
     * @param settings   further gateway keys, such as {@code upstream.max-connections}
     */
    public static GatewayProcess start(String endpoints, int ioThreads, Cpus cpus, List<String> jvmOptions,
                                       Map<String, String> settings, Path log) {
        List<String> args = new ArrayList<>(List.of("--endpoints", endpoints, "--io-threads",
                Integer.toString(ioThreads), "--shutdown.delay", "0s", "--shutdown.timeout", "2s"));
        settings.forEach((key, value) -> args.addAll(List.of("--" + key, value)));
        GatewayProcess gateway = launch(JavaCommand.of(jvmOptions, "io.qgate.gateway.Main", listening(args)), cpus,
                log);
        try {
            gateway.awaitReady(START_TIMEOUT);
            return gateway;
        } catch (RuntimeException e) {
            gateway.close();
            throw e;
        }
    }

    /** The packaged gateway {@code jar}, returned once it has said where it listens (not yet ready). */
    public static GatewayProcess fromJar(Path jar, List<String> jvmOptions, List<String> gatewayFlags, Path log) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no gateway jar at " + jar.toAbsolutePath()
                    + " (build it: mvn -pl gateway -am package -DskipTests)");
        }
        return launch(JavaCommand.jar(jvmOptions, jar, listening(gatewayFlags)), Cpus.ALL, log);
    }

    private static List<String> listening(List<String> flags) {
        List<String> args = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", "0", "--admin-port", "0"));
        args.addAll(flags);
        return args;
    }

    private static GatewayProcess launch(List<String> command, Cpus cpus, Path log) {
        ChildProcess child = ChildProcess.start("qgate", command, cpus, log, STOP_GRACE);
        try {
            List<String> lines = child.awaitLine(line -> LISTENING.matcher(line).find(), START_TIMEOUT);
            Matcher ports = lines.stream().map(LISTENING::matcher).filter(Matcher::find).findFirst().orElseThrow();
            return new GatewayProcess(child, List.copyOf(command), Integer.parseInt(ports.group(1)),
                    Integer.parseInt(ports.group(2)));
        } catch (RuntimeException e) {
            child.close();
            throw e;
        }
    }

    /** Waits until {@code /readyz} answers 200 (the gateway has scraped its replicas). */
    public void awaitReady(Duration timeout) {
        child.awaitCondition(() -> adminStatus("/readyz") == 200, timeout, "/readyz 200");
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The admin port's base URL. */
    public String adminUrl() {
        return "http://127.0.0.1:" + adminPort;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** The command line it was started with; the soak's report repeats it. */
    public List<String> command() {
        return command;
    }

    public ChildProcess process() {
        return child;
    }

    /** The admin port's {@code /metrics} text, or empty if it cannot be read now. */
    public String metrics() {
        return get("/metrics").map(HttpResponse::body).orElse("");
    }

    /** The status of an admin path, or -1 when the request failed. */
    public int adminStatus(String path) {
        return get(path).map(HttpResponse::statusCode).orElse(-1);
    }

    /** Lines of the gateway's output that contain {@code mark}. */
    public List<String> logLines(String mark) {
        return child.output().lines().filter(line -> line.contains(mark)).toList();
    }

    private Optional<HttpResponse<String>> get(String path) {
        try {
            return Optional.of(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort
                    + path)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** SIGTERM (the gateway drains), then a kill if it has not exited in time. Idempotent. */
    @Override
    public void close() {
        child.close();
    }
}
