package io.qgate.bench;

import io.qgate.bench.sim.SimOptions;
import io.qgate.bench.sim.SimServer;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged gateway as an operator runs it: {@code java -jar qgate-gateway.jar}, stopped with
 * SIGTERM while a stream is open. Needs the jar, which {@code mvn verify} (the README's test
 * command) builds before this module's tests run.
 */
class GatewayProcessTest {

    private static final Path JAR = Path.of("..", "gateway", "target", "qgate-gateway.jar");
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) \\(admin :(\\d+)\\)");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void sigtermTurnsReadinessOffLetsTheOpenStreamFinishAndExits() throws Exception {
        assumeThat(Files.isRegularFile(JAR)).as("run with mvn verify so the gateway jar exists").isTrue();
        try (SimServer replica = SimServer.start(SimOptions.defaults().with(o -> {
            o.port = 0;
            o.timeScale = 1;
        }))) {
            Process gateway = startGateway(List.of(), "--endpoints", "http://127.0.0.1:" + replica.port(),
                    "--shutdown.delay", "500ms", "--shutdown.timeout", "20s");
            try {
                BufferedReader log = new BufferedReader(new InputStreamReader(gateway.getInputStream(),
                        StandardCharsets.UTF_8));
                Matcher ports = waitForListening(log);
                int port = Integer.parseInt(ports.group(1));
                int adminPort = Integer.parseInt(ports.group(2));
                CompletableFuture.runAsync(() -> log.lines().forEach(line -> { }));

                // About 2 s of generation (250 tokens at ~7.5 ms), started before SIGTERM.
                CompletableFuture<HttpResponse<String>> stream = http.sendAsync(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + replica.options().model()
                                + "\",\"stream\":true,\"max_tokens\":250,\"messages\":[{\"role\":\"user\","
                                + "\"content\":\"hi\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
                await().atMost(Duration.ofSeconds(5)).until(() -> replica.running() == 1);

                gateway.destroy();

                await().atMost(Duration.ofSeconds(2)).until(() -> status(adminPort, "/readyz") == 503);
                HttpResponse<String> finished = stream.get(20, TimeUnit.SECONDS);
                assertThat(finished.statusCode()).isEqualTo(200);
                assertThat(finished.body()).endsWith("data: [DONE]\n\n");
                assertThat(gateway.waitFor(20, TimeUnit.SECONDS)).isTrue();
            } finally {
                gateway.destroyForcibly();
            }
        }
    }

    @Test
    void credentialsNeverReachTheLogEvenAtDebugLevel() throws Exception {
        assumeThat(Files.isRegularFile(JAR)).as("run with mvn verify so the gateway jar exists").isTrue();
        String secret = "sk-qgate-never-log-" + System.nanoTime();
        try (SimServer replica = SimServer.start(SimOptions.defaults().with(o -> {
            o.port = 0;
            o.timeScale = 0;
        }));
             ServerSocket closed = new ServerSocket(0)) {
            int deadPort = closed.getLocalPort();
            closed.close();
            Path logFile = Files.createTempFile("qgate-gateway", ".log");
            // The output goes straight to a file: a pipe read while the process exits can lose its tail.
            Process gateway = command(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=debug"),
                    "--endpoints", "http://127.0.0.1:" + replica.port() + ",http://127.0.0.1:" + deadPort,
                    "--shutdown.delay", "0s", "--scrape.enabled", "false")
                    .redirectOutput(logFile.toFile()).start();
            String printed;
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> LISTENING.matcher(Files.readString(logFile)).find());
                Matcher ports = LISTENING.matcher(Files.readString(logFile));
                assertThat(ports.find()).isTrue();
                int port = Integer.parseInt(ports.group(1));
                String model = replica.options().model();
                // Answered, refused (bad JSON), retried after the dead replica refused, and batched.
                String[] bodies = {
                        "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                        "{\"model\":",
                        "{\"model\":\"" + model + "\",\"input\":\"text\"}"};
                String[] paths = {"/v1/chat/completions", "/v1/chat/completions", "/v1/embeddings"};
                for (int round = 0; round < 4; round++) {
                    for (int i = 0; i < bodies.length; i++) {
                        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + paths[i]))
                                .header("authorization", "Bearer " + secret).header("api-key", secret)
                                .header("x-litellm-api-key", secret)
                                .POST(HttpRequest.BodyPublishers.ofString(bodies[i])).build(),
                                HttpResponse.BodyHandlers.discarding());
                    }
                }
                gateway.destroy();
                assertThat(gateway.waitFor(20, TimeUnit.SECONDS)).isTrue();
                printed = Files.readString(logFile);
            } finally {
                gateway.destroyForcibly();
                Files.deleteIfExists(logFile);
            }
            assertThat(printed).as("debug logging was on").contains("DEBUG");
            assertThat(printed).doesNotContain(secret);
        }
    }

    private static Process startGateway(List<String> jvmOptions, String... arguments) throws Exception {
        return command(jvmOptions, arguments).start();
    }

    /** The gateway's command line on loopback with any free ports; stderr joins stdout. */
    private static ProcessBuilder command(List<String> jvmOptions, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", JAR.toString(), "--host", "127.0.0.1", "--port", "0", "--admin-port", "0"));
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

    private int status(int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static Matcher waitForListening(BufferedReader log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        StringBuilder seen = new StringBuilder();
        String line;
        while (System.nanoTime() < deadline && (line = log.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher matcher = LISTENING.matcher(line);
            if (matcher.find()) {
                return matcher;
            }
        }
        throw new AssertionError("the gateway did not report its ports; it printed:\n" + seen);
    }

}
