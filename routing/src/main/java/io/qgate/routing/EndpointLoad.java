package io.qgate.routing;

import io.qgate.routing.metrics.EngineCounters;
import io.qgate.routing.metrics.LoraAdapters;

import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * What the gateway knows of the load on one replica: its own in-flight requests, the last
 * scraped engine metrics, and the requests dispatched and finished since that scrape.
 *
 * <p>The estimate is the heart of routing. Scraped metrics lag by up to a scrape interval, so
 * between two scrapes the gateway adds what it dispatched to the replica and subtracts what
 * finished: a burst does not all land on the replica that looked emptiest at the last scrape.
 * Metrics older than the staleness limit are not trusted at all and the replica is scored by
 * the gateway's own in-flight count. What other gateways report having sent ({@link PeerShare})
 * is added exactly as the gateway's own dispatches are.
 *
 * <p>Thread-safe: counters are atomic, the scrape is one immutable sample behind a volatile.
 */
public final class EndpointLoad {

    private static final AtomicIntegerFieldUpdater<EndpointLoad> NEWS =
            AtomicIntegerFieldUpdater.newUpdater(EndpointLoad.class, "news");

    /** One scrape of the engine's metrics, and the gateway's counters at that moment. */
    record Sample(double waiting, double running, double kvCacheUsage, Set<String> models, LoraAdapters lora,
                  long atNanos, long dispatchedAt, long finishedAt) {}

    private final AtomicInteger inflight = new AtomicInteger();
    private final AtomicLong dispatched = new AtomicLong();
    private final AtomicLong finished = new AtomicLong();
    /** Uncached prompt tokens of this gateway's requests here that have no first token yet. */
    private final AtomicLong prefillPending = new AtomicLong();
    /** Expected output tokens of this gateway's requests here not yet seen streamed. */
    private final AtomicLong decodePending = new AtomicLong();
    /** Prompt and expected output tokens of this gateway's requests open here. */
    private final AtomicLong inflightTokens = new AtomicLong();
    private final TtftFit ttftFit = new TtftFit();
    private final EngineRates rates = new EngineRates();
    private volatile Sample sample;
    private final PeerShare peers = new PeerShare(this::reported);
    private volatile long lastScrapeFailureNanos;
    /** The most requests seen running while others waited: the engine's batch limit, once learned. */
    private volatile double learnedBatchLimit = Double.NaN;
    private final Ejection ejection = new Ejection();
    private final ScoreCard scoreCard = new ScoreCard();
    private final Runnable onModelsChanged;
    private final Consumer<LoraAdapters> onLoraChanged;
    private final Runnable onSpeedReported;
    /** Hears of each scrape and each change of the peers' counts: what this gateway did not cause. */
    private final Consumer<EndpointLoad> onReport;
    /** How many times slower than the pool's fastest this engine turns out tokens ({@link ReplicaSpeeds}). */
    private volatile int slowness = 1;
    /** Where this replica sits in the router's load index, told of every change; null when not indexed. */
    private volatile LoadIndex.Slot indexSlot;
    /**
     * 1 while this replica waits in its table's {@link CountsNews} for the peer exchange: set by
     * the first dispatch or finish after the exchange took it, so that the others cost one read.
     */
    private volatile int news;
    /** Where this replica stands in its table's order of news ({@link CountsNews}), kept by the exchange's thread alone; -1 for nowhere. */
    int newsPlace = -1;
    private final Consumer<EndpointLoad> onCountsMoved;
    /** What the peer exchange last told the peers ({@link #peersTold}); nothing yet. */
    private long toldDispatched = -1;
    private long toldFinished = -1;
    private long toldPrefill = -1;

    /** A load whose owner wants no notice of model changes (tests, tools). */
    public EndpointLoad() {
        this(() -> { }, lora -> { }, () -> { }, load -> { }, load -> { });
    }

    /**
     * {@code onModelsChanged} runs when a scrape reports a different set of served models,
     * {@code onLoraChanged} when it reports different LoRA adapters, {@code onSpeedReported}
     * after each report of the engine's counters, {@code onReport} after each scrape and each
     * change of the peers' counts (never for this gateway's own dispatches and finishes),
     * {@code onCountsMoved} when this gateway's dispatched or finished count moves for the first
     * time since {@link #newsTaken} (and at the first move).
     */
    EndpointLoad(Runnable onModelsChanged, Consumer<LoraAdapters> onLoraChanged, Runnable onSpeedReported,
                 Consumer<EndpointLoad> onReport, Consumer<EndpointLoad> onCountsMoved) {
        this.onModelsChanged = onModelsChanged;
        this.onLoraChanged = onLoraChanged;
        this.onSpeedReported = onSpeedReported;
        this.onReport = onReport;
        this.onCountsMoved = onCountsMoved;
    }

    /** Requests this gateway has open on the replica; a batch counts once per input. */
    public int inflight() {
        return inflight.get();
    }

    /** Requests this gateway has sent to the replica since it started counting it: peers are told this. */
    public long dispatchedTotal() {
        return dispatched.get();
    }

    /** Requests of this gateway on the replica that have finished, cumulative: peers are told this. */
    public long finishedTotal() {
        return finished.get();
    }

    /**
     * Whether this gateway's peers were last told {@code dispatchedTotal}, {@code finishedTotal}
     * and {@code prefillPending} of the replica: kept here for the gateway's one peer exchange,
     * which alone reads and writes it, so that its check of a replica needs no lookup.
     */
    public boolean peersTold(long dispatchedTotal, long finishedTotal, long prefillPending) {
        return toldDispatched == dispatchedTotal && toldFinished == finishedTotal && toldPrefill == prefillPending;
    }

    /** The peers are being told {@code dispatchedTotal}, {@code finishedTotal} and {@code prefillPending} of the replica. */
    public void tellPeers(long dispatchedTotal, long finishedTotal, long prefillPending) {
        toldDispatched = dispatchedTotal;
        toldFinished = finishedTotal;
        toldPrefill = prefillPending;
    }

    /**
     * The peer exchange took this replica's news: its next move queues it again. Cleared before the
     * exchange reads the counts, so a move in between is read now or queued again, never lost.
     */
    void newsTaken() {
        news = 0;
    }

    /**
     * This gateway's counts moved, or a prompt of its finished prefilling: the replica is news for
     * the peer exchange, queued once until taken.
     */
    private void becameNews() {
        if (news == 0 && NEWS.compareAndSet(this, 0, 1)) {
            onCountsMoved.accept(this);
        }
    }

    /** What the other gateways report having sent to the replica. */
    public PeerShare peers() {
        return peers;
    }

    void dispatched(int sequences) {
        dispatched(sequences, 0, 0, 0);
    }

    /** {@code sequences} requests sent here, with their work: the index is told once, after both. */
    void dispatched(int sequences, int prefill, int decode, int tokens) {
        inflight.addAndGet(sequences);
        dispatched.addAndGet(sequences);
        if (tokens != 0) {
            prefillPending.addAndGet(prefill);
            decodePending.addAndGet(decode);
            inflightTokens.addAndGet(tokens);
        }
        moved(sequences);
        becameNews();
    }

    void finished(int sequences) {
        finished(sequences, 0, 0, 0);
    }

    /** {@code sequences} requests over, with the work they had left: the index is told once, after both. */
    void finished(int sequences, int prefillLeft, int decodeLeft, int tokens) {
        inflight.addAndGet(-sequences);
        finished.addAndGet(sequences);
        if (tokens != 0) {
            prefillPending.addAndGet(-prefillLeft);
            decodePending.addAndGet(-decodeLeft);
            inflightTokens.addAndGet(-tokens);
        }
        moved(sequences);
        becameNews();
    }

    /**
     * A first token: the prompt is prefilled. News for the peers too, since their {@code work}
     * reads the prompts still to prefill here: learnt at the next full round instead, up to
     * {@code peers.interval} late, a replica whose prompts were done looked busy to the others
     * meanwhile (at 16 replicas behind ten gateways, 1.24x the oracle against 1.09x with every
     * round full).
     */
    void prefillDone(int prefill) {
        prefillPending.addAndGet(-prefill);
        changed();
        becameNews();
    }

    void decoded(int tokens) {
        decodePending.addAndGet(-tokens);
        changed();
    }

    /** From now on this replica's changes re-key it in {@code slot}'s index; null: in none. */
    void indexedBy(LoadIndex.Slot slot) {
        indexSlot = slot;
    }

    /**
     * Requests came or went: the estimate moved with them (but where it is left uncorrected), so
     * the index is asked to re-key the replica without first working out whether the key moved;
     * the re-keying finds out, and leaves a key that did not.
     */
    private void moved(int sequences) {
        LoadIndex.Slot slot = indexSlot;
        if (slot != null) {
            if (sequences != 0) {
                slot.moved();
            } else {
                slot.changed();
            }
        }
    }

    /** A peer's report, or its forgetting, changed the peers' counts. */
    private void reported() {
        changed();
        onReport.accept(this);
    }

    /** Something the estimate or the work ahead is computed from changed. */
    private void changed() {
        LoadIndex.Slot slot = indexSlot;
        if (slot != null) {
            slot.changed();
        }
    }

    /**
     * Prompt tokens this gateway sent here that the engine has not prefilled yet (no first token
     * seen), less what the prefix index expected cached: the prefill work queued ahead of a new request.
     */
    public long prefillPending() {
        return prefillPending.get();
    }

    /** Output tokens this gateway's open requests here are still expected to produce. */
    public long decodePending() {
        return decodePending.get();
    }

    /** {@link #prefillPending} and what the peers report of theirs: the prefill ahead of a new request. */
    public long prefillPendingWithPeers() {
        return prefillPending.get() + peers.prefillPending();
    }

    /** {@link #decodePending} and what the peers report of theirs. */
    public long decodePendingWithPeers() {
        return decodePending.get() + peers.decodePending();
    }

    /** Time to first token against the work ahead, fitted to this gateway's answers from the replica. */
    TtftFit ttftFit() {
        return ttftFit;
    }

    /** The engine's own report of its speed, from its counters. */
    EngineRates rates() {
        return rates;
    }

    /**
     * Reads the counters of the engine's work and time from a successful scrape, after
     * {@link #scraped}: what the engine prefilled since the last scrape, and how fast, and its
     * time between tokens ({@link #rates}).
     */
    public void engineCounters(EngineCounters counters) {
        requireNonNull(counters, "counters");
        Sample s = sample;
        rates.scraped(counters, s == null ? 0 : s.running());
        onSpeedReported.run();
    }

    /**
     * How many times slower than the pool's fastest replica this one turns out tokens, in whole
     * steps, at least 1: what {@code work} multiplies the work ahead here by ({@link ReplicaSpeeds}).
     */
    public int slowness() {
        return slowness;
    }

    void slowness(int slowness) {
        if (this.slowness != slowness) {
            this.slowness = slowness;
            // The work ahead here, what the load index orders replicas by, changed with it.
            changed();
        }
    }

    /** Prompt plus expected output tokens of this gateway's open requests here. */
    public long inflightTokens() {
        return inflightTokens.get();
    }

    /** Records a successful scrape taken at {@code nowNanos}, of an engine that reports no LoRA. */
    public void scraped(double waiting, double running, double kvCacheUsage, Set<String> models, long nowNanos) {
        scraped(waiting, running, kvCacheUsage, models, LoraAdapters.NONE, nowNanos);
    }

    /** Records a successful scrape taken at {@code nowNanos}. */
    public void scraped(double waiting, double running, double kvCacheUsage, Set<String> models, LoraAdapters lora,
                        long nowNanos) {
        requireNonNull(lora, "lora");
        Sample previous = sample;
        // The peers' baseline moves first: a decision in between sees the old scrape without the
        // peers' correction for a moment rather than the new scrape with the old correction added.
        peers.scraped();
        Set<String> served = previous != null && previous.models().equals(models) ? previous.models() : Set.copyOf(models);
        // The same adapters scrape after scrape keep one object: no notice, and the scorer's reads stay warm.
        LoraAdapters adapters = previous != null && previous.lora().equals(lora) ? previous.lora() : lora;
        sample = new Sample(waiting, running, kvCacheUsage, served, adapters, nowNanos, dispatched.get(),
                finished.get());
        if (previous == null || previous.lora() != adapters) {
            onLoraChanged.accept(adapters);
        }
        if (waiting > 0 && running > 0) {
            // A queue next to a full batch shows the limit (max-num-seqs, or the KV cache's).
            learnedBatchLimit = running;
        }
        LoadIndex.Slot slot = indexSlot;
        if (slot != null) {
            slot.scraped(nowNanos);
        }
        onReport.accept(this);
        if (previous == null || previous.models() != served) {
            onModelsChanged.run();
        }
    }

    /** A failed scrape: the last sample simply ages; the replica is not considered dead for it. */
    public void scrapeFailed(long nowNanos) {
        lastScrapeFailureNanos = nowNanos;
    }

    Ejection ejection() {
        return ejection;
    }

    /** The scores of the last decision that considered this replica. */
    public ScoreCard scoreCard() {
        return scoreCard;
    }

    /** Whether the last scrape is recent enough to be trusted. */
    public boolean fresh(long nowNanos, long staleAfterNanos) {
        Sample s = sample;
        return s != null && nowNanos - s.atNanos() <= staleAfterNanos;
    }

    /**
     * The estimated number of requests in the replica's engine, waiting or running: the scrape,
     * plus dispatched minus finished since (by this gateway and, as they report it, its peers), and
     * never less than what the gateways have open there.
     *
     * @param correction whether to add what was dispatched and subtract what finished since the
     *                   scrape (off only to measure what the correction is worth)
     */
    public double estimatedLoad(long nowNanos, long staleAfterNanos, boolean correction) {
        Sample s = sample;
        // Other gateways' open requests count as this gateway's own (zero without peers).
        long open = inflight.get() + peers.inflight();
        if (s == null || nowNanos - s.atNanos() > staleAfterNanos) {
            return open;
        }
        double scraped = s.waiting() + s.running();
        if (!correction) {
            return scraped;
        }
        long sinceDispatched = dispatched.get() - s.dispatchedAt();
        long sinceFinished = finished.get() - s.finishedAt();
        // Requests sent just before the scrape may not have reached the engine yet (they are in the
        // dispatched count but not in the scraped one); what the gateways have open there is a floor.
        return Math.max(open, scraped + sinceDispatched - sinceFinished + peers.sinceScrape());
    }

    /**
     * The estimated load less this gateway's own requests there: what other gateways keep in the
     * engine, by the scrape and the peers' reports ({@link #estimatedLoad} less {@link #inflight}
     * whenever no dispatch or finish is half-recorded). Computed without this gateway's counts, so
     * it changes only with a scrape, a peer's report or the scrape going stale, and a dispatch on
     * another thread cannot leave it a request off.
     */
    public double othersLoad(long nowNanos, long staleAfterNanos) {
        Sample s = sample;
        long peersOpen = peers.inflight();
        if (s == null || nowNanos - s.atNanos() > staleAfterNanos) {
            return peersOpen;
        }
        // The scrape less what this gateway had open at it, plus what the peers sent since.
        return Math.max(peersOpen, s.waiting() + s.running() - (s.dispatchedAt() - s.finishedAt()) + peers.sinceScrape());
    }

    /** The scraped waiting queue, or NaN when there is no fresh scrape. */
    public double scrapedWaiting(long nowNanos, long staleAfterNanos) {
        Sample s = sample;
        return s == null || nowNanos - s.atNanos() > staleAfterNanos ? Double.NaN : s.waiting();
    }

    /** The scraped running count, or NaN when there is no fresh scrape. */
    public double scrapedRunning(long nowNanos, long staleAfterNanos) {
        Sample s = sample;
        return s == null || nowNanos - s.atNanos() > staleAfterNanos ? Double.NaN : s.running();
    }

    /** KV-cache use in [0,1], or NaN when unknown or stale. */
    public double kvCacheUsage(long nowNanos, long staleAfterNanos) {
        Sample s = sample;
        return s == null || nowNanos - s.atNanos() > staleAfterNanos ? Double.NaN : s.kvCacheUsage();
    }

    /**
     * How many requests the engine runs at once before it queues, as last observed (the running
     * count of a scrape that also showed waiting requests); NaN until the engine has queued once.
     */
    public double learnedBatchLimit() {
        return learnedBatchLimit;
    }

    /** The LoRA adapters at the last fresh scrape; {@link LoraAdapters#NONE} when stale or not reported. */
    public LoraAdapters lora(long nowNanos, long staleAfterNanos) {
        Sample s = sample;
        return s == null || nowNanos - s.atNanos() > staleAfterNanos ? LoraAdapters.NONE : s.lora();
    }

    /** The models the engine reported serving (empty when unknown). */
    public Set<String> models() {
        Sample s = sample;
        return s == null ? Set.of() : s.models();
    }

    /** Nanoseconds since the last successful scrape, or -1 if there was none. */
    public long scrapeAgeNanos(long nowNanos) {
        Sample s = sample;
        return s == null ? -1 : nowNanos - s.atNanos();
    }

    /** Whether the last scrape attempt failed (after the last success). */
    public boolean lastScrapeFailed() {
        Sample s = sample;
        long failed = lastScrapeFailureNanos;
        return failed != 0 && (s == null || failed > s.atNanos());
    }
}
