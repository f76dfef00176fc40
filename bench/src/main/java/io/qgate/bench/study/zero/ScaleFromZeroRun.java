package io.qgate.bench.study.zero;

import static java.util.Objects.requireNonNull;

import io.qgate.bench.harness.LoopbackSettings;
import io.qgate.bench.harness.Sleep;
import io.qgate.bench.sim.SimOptions;
import io.qgate.gateway.Gateway;
import io.qgate.gateway.config.GatewayConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The live proof of scale from zero: a gateway in this JVM whose replicas file lists nothing and
 * whose pool holds requests while it has no ready replica; a burst of requests (half streamed)
 * that wait; the stand-in autoscaler that wakes the pool after the modelled load; then, after the
 * cooldown without demand, the replica removed, and one more request that waits for the next wake.
 */
public final class ScaleFromZeroRun {

    /**
     * @param requests  the first burst's requests (half streamed)
     * @param maxTokens each answer's length
     * @param poll      how often the stand-in reads {@code /scaling}
     * @param load      the modelled load time of a replica
     * @param cooldown  no demand for this long and the replica is removed
     * @param out       where the report and results go
     */
    public record Options(int requests, int maxTokens, Duration poll, Duration load, Duration cooldown, Path out) {
        public Options {
            requireNonNull(poll, "poll");
            requireNonNull(load, "load");
            requireNonNull(cooldown, "cooldown");
            requireNonNull(out, "out");
            if (requests < 1 || maxTokens < 1) {
                throw new IllegalArgumentException("requests " + requests + ", max tokens " + maxTokens
                        + " (expected: both > 0)");
            }
            if (poll.isNegative() || poll.isZero() || load.isNegative() || cooldown.isNegative()) {
                throw new IllegalArgumentException("poll " + poll + ", load " + load + ", cooldown " + cooldown
                        + " (expected: a poll > 0, a load and a cooldown >= 0)");
            }
        }

        /** The longest any request may take: the hold, the load and a margin for a busy machine. */
        Duration requestTimeout() {
            return load.plus(poll.multipliedBy(2)).plusSeconds(60);
        }
    }

    /**
     * @param readyWhileEmpty {@code /readyz} of the gateway while it had no replica
     * @param burst           the first burst's answers
     * @param afterCooldown   the answer to the request sent once the replica was removed
     */
    public record Result(Options options, Instant startedAt, double wallSeconds, int readyWhileEmpty,
                         List<HeldRequest.Answer> burst, HeldRequest.Answer afterCooldown, int wakeUps, int removals,
                         long maxWaitingForReplica, List<StandInAutoscaler.Event> events) {

        /** Every answer 200 and whole. */
        public boolean allAnswered() {
            return burst.stream().allMatch(HeldRequest.Answer::complete) && afterCooldown.complete();
        }
    }

    private ScaleFromZeroRun() {}

    public static Result run(Options options, PrintStream progress) {
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        Path directory;
        try {
            directory = Files.createTempDirectory("qgate-scale-from-zero");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for the replicas file", e);
        }
        Path file = directory.resolve("replicas");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        SimOptions replica = SimOptions.defaults().with(o -> {
            o.host = "127.0.0.1";
            o.port = 0;
        });
        ExecutorService clients = Executors.newFixedThreadPool(options.requests());
        try {
            Files.writeString(file, "# scaled to zero: the stand-in autoscaler writes the replica here\n");
            try (Gateway gateway = Gateway.start(GatewayConfig.of(settings(file)));
                 StandInAutoscaler autoscaler = new StandInAutoscaler(
                         "http://127.0.0.1:" + gateway.adminPort() + "/scaling?pool=default", file, replica,
                         options.poll(), options.load(), options.cooldown())) {
                String url = "http://127.0.0.1:" + gateway.port();
                int ready = status(http, "http://127.0.0.1:" + gateway.adminPort() + "/readyz");
                progress.printf(Locale.ROOT, "gateway up with no replica; /readyz %d; %d requests (half streamed) "
                        + "arrive%n", ready, options.requests());
                autoscaler.start();
                List<Future<HeldRequest.Answer>> sent = new ArrayList<>();
                for (int i = 0; i < options.requests(); i++) {
                    int index = i;
                    sent.add(clients.submit(() -> HeldRequest.send(http, url, replica.model(), index, index % 2 == 1,
                            options.maxTokens(), options.requestTimeout())));
                }
                List<HeldRequest.Answer> burst = new ArrayList<>();
                for (Future<HeldRequest.Answer> answer : sent) {
                    burst.add(answer.get());
                }
                progress.printf(Locale.ROOT, "burst answered: %d of %d complete; waiting for the cooldown (%s s)%n",
                        burst.stream().filter(HeldRequest.Answer::complete).count(), burst.size(),
                        options.cooldown().toSeconds());
                long deadline = System.nanoTime() + options.cooldown().plus(options.poll().multipliedBy(4))
                        .plusSeconds(30).toNanos();
                while (autoscaler.up() && System.nanoTime() < deadline && autoscaler.failure() == null) {
                    Sleep.millis(100);
                }
                if (autoscaler.up()) {
                    throw new IllegalStateException("the stand-in autoscaler did not scale to zero in time"
                            + (autoscaler.failure() == null ? "" : ": " + autoscaler.failure()));
                }
                progress.println("scaled to zero; one more request arrives");
                HeldRequest.Answer after = HeldRequest.send(http, url, replica.model(), options.requests(), false,
                        options.maxTokens(), options.requestTimeout());
                progress.printf(Locale.ROOT, "answered %d after %.1f s%n", after.status(), after.waitSeconds());
                if (autoscaler.failure() != null) {
                    throw autoscaler.failure();
                }
                return new Result(options, startedAt, (System.nanoTime() - start) / 1e9, ready, burst, after,
                        autoscaler.wakeUps(), autoscaler.removals(), autoscaler.maxWaitingForReplica(),
                        autoscaler.events());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a request failed: " + e.getCause(), e.getCause());
        } finally {
            clients.shutdownNow();
            try {
                Files.deleteIfExists(directory.resolve("replicas.tmp"));
                Files.deleteIfExists(file);
                Files.deleteIfExists(directory);
            } catch (IOException ignored) {
                // A temporary directory left behind is harmless.
            }
        }
    }

    /** The pool holds requests while no replica is ready; batching stays off, so each request is its own call. */
    private static Map<String, String> settings(Path file) {
        Map<String, String> settings = LoopbackSettings.of();
        settings.put("discovery.file", file.toString());
        settings.put("scale-from-zero.enabled", "true");
        settings.put("batching.routes", "");
        return settings;
    }

    private static int status(HttpClient http, String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
