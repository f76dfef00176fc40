package io.qgate.bench.suite;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** qgate in a JVM of its own, on loopback, ready once its {@code /readyz} says so. */
public final class GatewayProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final ChildProcess child;
    private final int port;
    private final int adminPort;

    private GatewayProcess(ChildProcess child, int port, int adminPort) {
        this.child = child;
        this.port = port;
        this.adminPort = adminPort;
    }

    /**
     * @param endpoints  the replicas, {@code http://127.0.0.1:N,...}
     * @param ioThreads  event loops
     * @param jvmOptions heap limit, GC log and the like
     * @param settings   further gateway keys, such as {@code upstream.max-connections}
     */
    public static GatewayProcess start(String endpoints, int ioThreads, Cpus cpus, List<String> jvmOptions,
                                       Map<String, String> settings, Path log) {
        int port = JavaCommand.freePort();
        int adminPort = JavaCommand.freePort();
        List<String> args = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", Integer.toString(port),
                "--admin-port", Integer.toString(adminPort), "--endpoints", endpoints,
                "--io-threads", Integer.toString(ioThreads), "--shutdown.delay", "0s", "--shutdown.timeout", "2s"));
        settings.forEach((key, value) -> args.addAll(List.of("--" + key, value)));
        ChildProcess child = ChildProcess.start("qgate", JavaCommand.of(jvmOptions, "io.qgate.gateway.Main", args),
                cpus, log);
        GatewayProcess gateway = new GatewayProcess(child, port, adminPort);
        try {
            child.awaitCondition(gateway::ready, READY_TIMEOUT, "/readyz 200");
            return gateway;
        } catch (RuntimeException e) {
            child.close();
            throw e;
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public ChildProcess process() {
        return child;
    }

    /** The admin port's {@code /metrics} text, or empty if it cannot be read now. */
    public String metrics() {
        return get("/metrics");
    }

    private boolean ready() {
        return !get("/readyz").isEmpty();
    }

    private String get(String path) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + adminPort + path)).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    @Override
    public void close() {
        child.close();
    }
}
