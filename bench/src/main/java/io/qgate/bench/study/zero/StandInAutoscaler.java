package io.qgate.bench.study.zero;

import static java.util.Objects.requireNonNull;

import io.qgate.bench.harness.Fleet;
import io.qgate.bench.harness.Sleep;
import io.qgate.bench.sim.SimOptions;
import io.qgate.bench.sim.SimServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What KEDA and the Deployment do for a pool scaled to zero, in a few dozen lines: every poll it
 * reads the gateway's {@code /scaling?pool=NAME}; with no replica and demand above zero it
 * "creates a pod", which serves after the modelled load time (a simulated replica, started then,
 * and written into the gateway's replicas file); once the demand has been zero for the cooldown,
 * it removes the replica from the file and stops it. One replica at most: the point is the wake.
 */
public final class StandInAutoscaler implements AutoCloseable {

    /** Something the stand-in did or saw, at seconds since it started. */
    public record Event(double atSeconds, String what) {}

    private final Supplier<List<String>> scalingUrls;
    private final Path replicasFile;
    private final SimOptions replica;
    private final Duration poll;
    private final Duration load;
    private final Duration cooldown;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final long startNanos = System.nanoTime();
    private final List<Event> events = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile SimServer running;
    private volatile int wakeUps;
    private volatile int removals;
    private volatile long maxWaitingForReplica;
    private volatile RuntimeException failure;

    /**
     * @param scalingUrl   the gateway's {@code /scaling?pool=NAME}
     * @param replicasFile the gateway's {@code discovery.file}
     * @param replica      the simulated replica to start on a wake
     */
    StandInAutoscaler(String scalingUrl, Path replicasFile, SimOptions replica, Duration poll, Duration load,
                      Duration cooldown) {
        this(() -> List.of(requireNonNull(scalingUrl, "scalingUrl")), replicasFile, replica, poll, load, cooldown);
    }

    /**
     * A stand-in that reads several gateways, as KEDA sums its query over the gateway pods: the
     * pool's demand is the sum over the gateways that answer (a killed one is left out; its
     * clients come back through the others).
     *
     * @param scalingUrls each live gateway's {@code /scaling?pool=NAME}, read anew every poll
     */
    public StandInAutoscaler(Supplier<List<String>> scalingUrls, Path replicasFile, SimOptions replica, Duration poll,
                             Duration load, Duration cooldown) {
        this.scalingUrls = requireNonNull(scalingUrls, "scalingUrls");
        this.replicasFile = requireNonNull(replicasFile, "replicasFile");
        this.replica = requireNonNull(replica, "replica");
        this.poll = requireNonNull(poll, "poll");
        this.load = requireNonNull(load, "load");
        this.cooldown = requireNonNull(cooldown, "cooldown");
        this.thread = new Thread(this::loop, "stand-in-autoscaler");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Whether a replica is up and written into the file. */
    public boolean up() {
        return running != null;
    }

    public int wakeUps() {
        return wakeUps;
    }

    public int removals() {
        return removals;
    }

    /** The most {@code waitingForReplica} any poll read. */
    long maxWaitingForReplica() {
        return maxWaitingForReplica;
    }

    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** The loop's failure, if it stopped on one. */
    public RuntimeException failure() {
        return failure;
    }

    private void loop() {
        long loadingSinceNanos = -1;
        long lastDemandNanos = System.nanoTime();
        try {
            while (!stopping) {
                long demand = 0;
                long waiting = 0;
                int answered = 0;
                for (String url : scalingUrls.get()) {
                    try {
                        JsonNode scaling = JsonMapper.shared().readTree(get(url));
                        demand += scaling.get("demand").asLong();
                        waiting += scaling.get("waitingForReplica").asLong();
                        answered++;
                    } catch (UncheckedIOException e) {
                        // A gateway that is down or restarting: the others carry its clients.
                    }
                }
                if (answered == 0) {
                    Sleep.millis(poll.toMillis());
                    continue;
                }
                maxWaitingForReplica = Math.max(maxWaitingForReplica, waiting);
                long now = System.nanoTime();
                if (demand > 0) {
                    lastDemandNanos = now;
                }
                if (running == null && loadingSinceNanos < 0 && demand > 0) {
                    loadingSinceNanos = now;
                    event("demand " + demand + " (" + waiting + " waiting for a replica): a replica starts loading");
                } else if (running == null && loadingSinceNanos >= 0 && now - loadingSinceNanos >= load.toNanos()) {
                    running = SimServer.start(replica);
                    write(Fleet.url(running) + "\n");
                    loadingSinceNanos = -1;
                    wakeUps++;
                    event("replica loaded: " + Fleet.url(running) + " written into the replicas file (demand "
                            + demand + ")");
                } else if (running != null && demand == 0 && now - lastDemandNanos >= cooldown.toNanos()) {
                    write("# scaled to zero\n");
                    // The gateway reloads the file within a second; nothing is in flight (no demand).
                    Sleep.millis(1500);
                    running.close();
                    running = null;
                    removals++;
                    event("no demand for " + cooldown.toSeconds() + " s: replica removed from the file and stopped");
                }
                Sleep.millis(poll.toMillis());
            }
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    private synchronized void event(String what) {
        events.add(new Event((System.nanoTime() - startNanos) / 1e9, what));
    }

    private String get(String url) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading " + url, e);
        }
    }

    /** Replaces the file in one move, as a ConfigMap update or an operator's script would. */
    private void write(String content) {
        try {
            Path temporary = Files.writeString(replicasFile.resolveSibling(replicasFile.getFileName() + ".tmp"),
                    content);
            Files.move(temporary, replicasFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + replicasFile + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        stopping = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        SimServer server = running;
        if (server != null) {
            server.close();
        }
    }
}
