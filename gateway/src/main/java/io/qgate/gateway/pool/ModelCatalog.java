package io.qgate.gateway.pool;

import io.qgate.routing.Endpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What each replica says it serves: its {@code GET /v1/models}, read every {@code refresh} and
 * whenever discovery reports a new set of replicas. LiteLLM lists its model groups, vLLM its
 * served name and its LoRA modules with their {@code parent}. A replica that does not answer
 * keeps what it last listed; a replica that is gone is forgotten. Off the event loops: a slow
 * replica delays nothing but this.
 */
final class ModelCatalog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ModelCatalog.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** A model list is a few KiB; a replica answering megabytes is not listing models. */
    private static final int MAX_BODY = 4 << 20;

    private final Duration refresh;
    private final String apiKey;
    private final Supplier<Collection<Endpoint>> replicas;
    private final Runnable changed;
    private final Map<String, List<ModelEntry>> byReplica = new ConcurrentHashMap<>();
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;
    /** Made at start: an HTTP client holds a thread of its own from birth. */
    private HttpClient client;

    /**
     * @param replicas every pool's replicas now
     * @param changed  called after a reading changed what some replica lists
     */
    ModelCatalog(Duration refresh, String apiKey, Supplier<Collection<Endpoint>> replicas, Runnable changed) {
        this.refresh = refresh;
        this.apiKey = apiKey;
        this.replicas = replicas;
        this.changed = changed;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "qgate-models");
            thread.setDaemon(true);
            return thread;
        });
    }

    boolean enabled() {
        return !refresh.isZero();
    }

    void start() {
        if (enabled()) {
            client = HttpClient.newBuilder().connectTimeout(TIMEOUT).executor(timer)
                    .version(HttpClient.Version.HTTP_1_1).build();
            timer.scheduleWithFixedDelay(this::readAll, 0, refresh.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Reads again soon: discovery has news. */
    void replicasChanged() {
        if (client != null && !timer.isShutdown()) {
            timer.execute(this::readAll);
        }
    }

    /** What {@code replica} last listed; empty if it never answered. */
    List<ModelEntry> listed(Endpoint replica) {
        return byReplica.getOrDefault(replica.authority(), List.of());
    }

    private void readAll() {
        Collection<Endpoint> now = replicas.get();
        Set<String> known = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<Boolean>> reads = new ArrayList<>();
        for (Endpoint replica : now) {
            known.add(replica.authority());
            if (replica.acceptsRequests()) {
                reads.add(read(replica));
            }
        }
        boolean forgot = byReplica.keySet().retainAll(known);
        failing.retainAll(known);
        CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).whenComplete((ignored, error) -> {
            if (forgot || reads.stream().anyMatch(read -> read.getNow(false))) {
                changed.run();
            }
        });
    }

    /** @return whether what the replica lists changed */
    private CompletableFuture<Boolean> read(Endpoint replica) {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://" + replica.authority() + "/v1/models"))
                .timeout(TIMEOUT).header("Accept", "application/json");
        if (!apiKey.isEmpty()) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).handle((response, error) -> {
            String address = replica.authority();
            try {
                if (error != null) {
                    throw new IllegalStateException(error.getClass().getSimpleName() + " " + error.getMessage());
                }
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("status " + response.statusCode()
                            + (response.statusCode() == 401 || response.statusCode() == 403
                            ? " (set discovery.models-api-key)" : ""));
                }
                if (response.body().length() > MAX_BODY) {
                    throw new IllegalStateException("a list of " + response.body().length() + " characters");
                }
                List<ModelEntry> entries = ModelEntry.parseList(response.body());
                if (failing.remove(address)) {
                    log.info("replica {} lists its models again", address);
                }
                List<ModelEntry> before = byReplica.put(address, List.copyOf(entries));
                return before == null || !ids(before).equals(ids(entries));
            } catch (RuntimeException e) {
                // Once per spell of failures: a replica without /v1/models is named once, not every 30 s.
                if (failing.add(address)) {
                    log.warn("reading the models of replica {} failed: {}; routing by configured names,"
                            + " and what it listed before", address, e.getMessage());
                }
                return false;
            }
        });
    }

    private static List<String> ids(List<ModelEntry> entries) {
        return entries.stream().map(ModelEntry::id).toList();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
