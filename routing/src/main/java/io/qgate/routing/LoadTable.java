package io.qgate.routing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * The replicas discovery last reported, each beside its {@link EndpointLoad}, and two summaries
 * that let a decision skip whole filters: what the replicas serve, and until when any of them may
 * be ejected.
 *
 * <p>Thread-safe and lock-free to read: an update swaps one volatile table (the snapshot, the
 * accepting endpoints beside their loads in the same order, and their {@link LoadIndex} when the
 * strategy reads one, which has a short lock of its own); a load is atomic counters plus an
 * immutable scrape sample. The summaries are rebuilt only after they changed.
 */
public final class LoadTable {

    /** The snapshot and, for its accepting endpoints, their loads in the same order and their index (or null). */
    private record Table(EndpointSnapshot snapshot, Accepting accepting, LoadIndex index) {}

    /**
     * The endpoints that take requests beside their loads, index for index, so that a decision
     * reaches a load by index instead of looking it up by address for every candidate: over a
     * thousand replicas that lookup was most of a decision's cost. Never written once built.
     * {@code positions} finds a replica's index by address: how a sampled decision adds the
     * replicas a scorer names (a prefix's holder) without a scan.
     */
    record Accepting(Endpoint[] endpoints, EndpointLoad[] loads, Map<String, Integer> positions) {

        static Accepting of(Endpoint[] endpoints, EndpointLoad[] loads) {
            Map<String, Integer> positions = new HashMap<>(endpoints.length * 2);
            for (int i = 0; i < endpoints.length; i++) {
                positions.put(endpoints[i].authority(), i);
            }
            return new Accepting(endpoints, loads, positions);
        }

        /** The index of the accepting replica at {@code authority}, or -1. */
        int indexOf(String authority) {
            Integer at = positions.get(authority);
            return at == null ? -1 : at;
        }
    }

    private final ConcurrentHashMap<String, EndpointLoad> loads = new ConcurrentHashMap<>();
    /** The replicas whose counts moved since the peer exchange last asked. */
    private final CountsNews news = new CountsNews(loads);
    /** Builds the load index of each new set of accepting replicas; null when decisions scan. */
    private final Function<Accepting, LoadIndex> indexing;
    private volatile Table table;
    private final KnownAdapters knownAdapters = new KnownAdapters();
    private final ReplicaSpeeds speeds = new ReplicaSpeeds();
    private volatile ServedModels servedModels = ServedModels.NONE;
    private volatile boolean servedModelsStale;
    /** No replica is ejected after this instant: before it, ejections are checked one by one. */
    private volatile long ejectionHorizonNanos;
    private volatile boolean anyEjection;
    /** How many of the peers' requests this gateway has not heard of yet; fed by the router. */
    private final PeerPace peerPace = new PeerPace();
    /** Told of every scrape and peer report of any replica ({@link #watchReports}); copied on write. */
    private volatile List<Consumer<EndpointLoad>> reportWatchers = List.of();

    /** A table whose decisions weigh every replica, or a sample: no load index. */
    public LoadTable() {
        this(null);
    }

    /** A table that keeps a load index of its accepting replicas, built by {@code indexing}; null for none. */
    LoadTable(Function<Accepting, LoadIndex> indexing) {
        this.indexing = indexing;
        Accepting none = Accepting.of(new Endpoint[0], new EndpointLoad[0]);
        this.table = new Table(EndpointSnapshot.empty(), none, indexing == null ? null : indexing.apply(none));
    }

    /** Replaces the known endpoints; the load state of endpoints that are gone is dropped. */
    public void update(EndpointSnapshot newSnapshot) {
        requireNonNull(newSnapshot, "newSnapshot");
        Set<String> current = new HashSet<>();
        for (Endpoint endpoint : newSnapshot.endpoints()) {
            current.add(endpoint.authority());
        }
        // A dispatch in progress keeps its own reference, so dropping an entry is safe.
        if (loads.keySet().retainAll(current)) {
            news.rosterChanged();
        }
        Endpoint[] endpoints = newSnapshot.accepting().toArray(new Endpoint[0]);
        EndpointLoad[] acceptingLoads = new EndpointLoad[endpoints.length];
        for (int i = 0; i < endpoints.length; i++) {
            acceptingLoads[i] = load(endpoints[i]);
        }
        Accepting accepting = Accepting.of(endpoints, acceptingLoads);
        if (indexing != null) {
            // Replicas that stopped accepting leave the index: their changes no longer move anything.
            loads.forEach((authority, load) -> {
                if (accepting.indexOf(authority) < 0) {
                    load.indexedBy(null);
                }
            });
        }
        table = new Table(newSnapshot, accepting, indexing == null ? null : indexing.apply(accepting));
        servedModelsStale = true;
    }

    public EndpointSnapshot snapshot() {
        return table.snapshot();
    }

    /** The endpoints that take requests, beside their loads. */
    Accepting accepting() {
        return table.accepting();
    }

    /** The load index of the accepting replicas, or null when decisions scan. */
    LoadIndex index() {
        return table.index();
    }

    /** How many of the peers' requests to these replicas this gateway has not heard of yet. */
    PeerPace peerPace() {
        return peerPace;
    }

    /** The load state of {@code endpoint}, created on first sight. */
    public EndpointLoad load(Endpoint endpoint) {
        EndpointLoad load = loads.get(endpoint.authority());
        if (load != null) {
            return load;
        }
        boolean[] created = {false};
        load = loads.computeIfAbsent(endpoint.authority(), a -> {
            created[0] = true;
            return new EndpointLoad(() -> servedModelsStale = true, knownAdapters::note,
                    () -> speeds.reported(table.accepting().loads()), this::reported, news::queue);
        });
        if (created[0]) {
            // After the map holds it: whoever sees the roster move sees the replica.
            news.rosterChanged();
        }
        return load;
    }

    /**
     * From now on {@code watcher} hears of every scrape of a replica and every change of its
     * peers' counts, on the thread that made it, after the load holds it.
     */
    synchronized void watchReports(Consumer<EndpointLoad> watcher) {
        requireNonNull(watcher, "watcher");
        List<Consumer<EndpointLoad>> watchers = new ArrayList<>(reportWatchers);
        watchers.add(watcher);
        reportWatchers = List.copyOf(watchers);
    }

    private void reported(EndpointLoad load) {
        List<Consumer<EndpointLoad>> watchers = reportWatchers;
        for (int i = 0; i < watchers.size(); i++) {
            watchers.get(i).accept(load);
        }
    }

    /** The load state of the replica at {@code authority}, or null when it is not known. */
    EndpointLoad find(String authority) {
        return loads.get(authority);
    }

    /** Every known replica's address and load state. */
    void forEach(BiConsumer<String, EndpointLoad> action) {
        loads.forEach(action);
    }

    /**
     * The replicas whose dispatched or finished counts may have moved since the last call, in
     * {@link #forEach}'s order ({@link CountsNews}): for the gateway's one peer exchange only.
     */
    void forEachNews(BiConsumer<String, EndpointLoad> action) {
        news.take(action);
    }

    /** A number that changes whenever a replica is added or dropped, after the fact. */
    long roster() {
        return news.roster();
    }

    /** What the accepting replicas report serving, rebuilt only after a report changed. */
    ServedModels servedModels() {
        if (servedModelsStale) {
            servedModelsStale = false;
            servedModels = ServedModels.of(table.accepting().loads());
        }
        return servedModels;
    }

    /** The LoRA adapters replicas have reported. */
    KnownAdapters knownAdapters() {
        return knownAdapters;
    }

    /** Whether some replica may be ejected at {@code nowNanos}; false lets a decision skip the check. */
    boolean ejectionsPossible(long nowNanos) {
        return anyEjection && nowNanos - ejectionHorizonNanos < 0;
    }

    /** A replica is ejected until {@code untilNanos}: moves the horizon out if needed. */
    synchronized void ejectedUntil(long untilNanos) {
        if (!anyEjection || untilNanos - ejectionHorizonNanos > 0) {
            ejectionHorizonNanos = untilNanos;
        }
        anyEjection = true;
    }
}
