package io.qgate.bench.study.soak;

import io.qgate.bench.harness.ProcStat;
import io.qgate.bench.sim.SimOptions;
import io.qgate.bench.study.zero.StandInAutoscaler;
import io.qgate.routing.config.Units;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The system soak (issue 22): three gateway processes from the packaged jar, peers of one another,
 * behind a client-side spread that takes a refused connect to the next gateway; two pools, one of
 * simulated replicas listed in a discovery file that churns, one scaled from zero and back by the
 * stand-in autoscaler reading the gateways' demand; open-loop traffic at a share of the measured
 * maximum with bursts, and the {@link FaultPlan}'s faults. Everything started here is stopped
 * before returning.
 */
final class SystemSoakRun {

    static final int GATEWAYS = 3;
    static final String CHURN_POOL = "churn";
    static final String ZERO_POOL = "zero";
    static final String ZERO_MODEL = "soak-zero-model";
    /** The pool scaled from zero gets this share of the base rate while it has traffic. */
    static final double ZERO_SHARE = 0.1;
    static final double EMBEDDINGS_SHARE = 0.15;
    static final double MALFORMED_SHARE = 0.01;
    static final List<String> TENANTS = List.of("tenant-a", "tenant-b");
    /** Lower values go first; the greater one may be shed from a full queue. */
    static final List<String> PRIORITIES = List.of("0", "1");
    /** The slot whose gateway is killed, the one drained; slot 0 is never touched, so its heap is a trend. */
    static final int KILLED_SLOT = 1;
    static final int DRAINED_SLOT = 2;
    private static final int HISTOGRAM_LINES = 12;
    private static final int LEAK_CHECK_USERS = 16;
    private static final Duration LEAK_CHECK_BURST = Duration.ofSeconds(2);
    private static final long SETTLE_TIMEOUT_MILLIS = 15_000;

    private final SoakOptions options;
    private final PrintStream progress;
    private final FaultPlan plan;
    private final List<SoakReplica> replicas = new ArrayList<>();
    private SoakReplica churning;
    private final List<SoakReplica.Kill> kills = Collections.synchronizedList(new ArrayList<>());
    private final List<SystemSoakResult.Event> events = Collections.synchronizedList(new ArrayList<>());
    private final List<SystemAccounting.GatewayFault> gatewayFaults = Collections.synchronizedList(new ArrayList<>());
    private final List<CompletableFuture<Void>> loads = Collections.synchronizedList(new ArrayList<>());
    private final List<SystemSoakResult.Sample> samples = new ArrayList<>();
    private final List<Double> heapMinutes = new ArrayList<>();
    private final List<Double> heapMb = new ArrayList<>();
    private final GatewayBook book = new GatewayBook();
    private Path churnFile;
    private SoakGateways gateways;
    private GatewayHeap heap;
    private String heapUnavailable = "";
    private long loadStart;

    private SystemSoakRun(SoakOptions options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
        this.plan = FaultPlan.of(options.duration());
    }

    static SystemSoakResult run(SoakOptions options, PrintStream progress) {
        return new SystemSoakRun(options, progress).run();
    }

    private SystemSoakResult run() {
        Instant startedAt = Instant.now();
        double loadAtStart = ProcStat.loadAverage();
        ScheduledExecutorService faults = Executors.newScheduledThreadPool(2, task -> {
            Thread thread = new Thread(task, "qgate-soak-faults");
            thread.setDaemon(true);
            return thread;
        });
        SoakClient client = null;
        StandInAutoscaler autoscaler = null;
        try {
            Files.createDirectories(options.out());
            for (int i = 0; i < options.replicas(); i++) {
                replicas.add(SoakReplica.start(i, replicaOptions(i, model())));
            }
            churning = SoakReplica.start(options.replicas(), replicaOptions(options.replicas(), model()));
            churnFile = options.out().resolve("churn-replicas.txt");
            Path zeroFile = options.out().resolve("zero-replicas.txt");
            writeChurnFile(ChurnPhase.ABSENT);
            replace(zeroFile, "# scaled to zero: the stand-in autoscaler writes its replica here\n");
            List<Integer> peerPorts = SoakGateways.freePeerPorts(GATEWAYS);
            List<Path> configs = new ArrayList<>();
            for (int slot = 0; slot < GATEWAYS; slot++) {
                Path config = options.out().resolve("gateway-" + slot + ".yaml");
                SoakGateways.writeConfig(config, SystemSoakConfig.yaml(options, peerPorts, slot, churnFile, zeroFile));
                configs.add(config);
            }
            progress.printf(Locale.ROOT, "system soak: %d gateways, pools %s (%d replicas + 1 churning) and %s "
                    + "(from zero), %d planned faults and changes over %s%n", GATEWAYS, CHURN_POOL,
                    options.replicas(), ZERO_POOL, plan.steps().size(), Units.format(options.duration()));
            gateways = SoakGateways.start(options.gatewayJar(), gatewayJvm(), configs, options.out());
            attachHeap();
            autoscaler = new StandInAutoscaler(() -> gateways.scalingUrls(ZERO_POOL), zeroFile,
                    replicaOptions(100, ZERO_MODEL), Duration.ofMillis(250),
                    Duration.ofMillis(FaultPlan.wakeMillis(options.duration())),
                    Duration.ofMillis(FaultPlan.cooldownMillis(options.duration())));
            autoscaler.start();
            client = new SoakClient(gateways.spread(), "qgate-soak", book, options.clientThreads());

            SoakResult.Probe probe = null;
            double rate = options.rate();
            if (rate <= 0) {
                int users = 2 * options.replicas() * options.maxNumSeqs();
                probe = SoakRun.probe(client, new SoakTraffic(model(), "probe", 0, options.seed() + 7), users,
                        options.probeDuration(), options.seed() + 8, progress);
                rate = options.loadFraction() * probe.maxRps();
            }
            progress.printf(Locale.ROOT, "system soak: %.1f req/s open loop for %s, bursts to %.1f%n", rate,
                    Units.format(options.duration()), 3 * rate);

            SoakStats stats = new SoakStats();
            int openFilesBefore = gateways.current(0).openFiles();
            int threadsBefore = gateways.current(0).threads();
            loadStart = System.nanoTime();
            SoakTraffic.Mix mix = new SoakTraffic.Mix(EMBEDDINGS_SHARE, MALFORMED_SHARE, TENANTS, PRIORITIES);
            loads.add(client.open(new SoakTraffic(model(), "soak", options.abortFraction(), mix, options.seed()),
                    stats, rate, options.duration(), options.seed() + 1));
            schedule(faults, client, stats, rate, mix, autoscaler);
            sampleUntil(stats, loadStart + options.duration().toNanos());
            awaitLoads();
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            faults.shutdown(); // restarts already scheduled still run
            if (!faults.awaitTermination(90, TimeUnit.SECONDS)) {
                progress.println("system soak: a fault or restart did not finish in time");
            }

            SoakStats.Counts counts = stats.counts();
            List<SoakStats.Failure> failures = stats.failures();
            List<SystemSoakResult.LifeCheck> lives = settleAndCheck();
            leakCheck(client);
            List<String> histogram = io.qgate.bench.harness.HeapProbe.classHistogram(
                    gateways.current(0).process.process().pid(), HISTOGRAM_LINES);
            int openFilesAfter = gateways.current(0).openFiles();
            int threadsAfter = gateways.current(0).threads();
            Set<String> cut = new HashSet<>();
            new ArrayList<>(kills).forEach(kill -> cut.addAll(kill.cutIds()));
            Set<String> answered500 = new HashSet<>();
            replicas.forEach(replica -> answered500.addAll(replica.answeredWithError()));
            SystemAccounting accounting = SystemAccounting.of(counts, failures, cut, answered500,
                    List.copyOf(gatewayFaults), book, loadStart);
            SystemSoakResult.Steady steady = new SystemSoakResult.Steady(
                    HeapTrend.fit(after(heapMinutes), after(heapMb)), options.heapSlopeLimitMb(), openFilesBefore,
                    openFilesAfter, threadsBefore, threadsAfter, heapUnavailable);
            List<String> leaks = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            for (SoakGateways.Life life : gateways.lives()) {
                leaks.addAll(life.process.logLines(SoakRun.LEAK_MARK));
                life.process.process().output().lines()
                        .filter(line -> line.contains("[ERROR]"))
                        .forEach(line -> warnings.add(life.name() + ": " + line));
            }
            return new SystemSoakResult(startedAt.toString(), gateways.current(0).process.command(),
                    Files.readString(configs.get(0)), new double[] {loadAtStart, ProcStat.loadAverage()}, probe, rate,
                    loadSeconds, stats.sentByKind(), accounting, SoakRun.latency(stats.total()),
                    List.copyOf(events), List.copyOf(samples), fateSeries(failures, accounting), lives, steady,
                    leaks, warnings, histogram, autoscaler.wakeUps(), autoscaler.removals(),
                    autoscaler.events().stream().map(e -> String.format(Locale.ROOT, "%.1f s %s", e.atSeconds(),
                            e.what())).toList(), options.duration().toMillis() / 1000.0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            faults.shutdownNow();
            // The clients first, so that nothing is sent while the rest stops.
            List<AutoCloseable> started = new ArrayList<>(java.util.Arrays.asList(client, autoscaler, heap, gateways, churning));
            started.addAll(replicas);
            started.stream().filter(java.util.Objects::nonNull).forEach(SystemSoakRun::closeQuietly);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Stopping the rest matters more than this one's failure to stop.
        }
    }

    private static String model() {
        return SimOptions.defaults().model();
    }

    private SimOptions replicaOptions(int index, String model) {
        return SimOptions.defaults().with(o -> {
            o.host = "127.0.0.1";
            o.port = 0;
            o.seed = options.seed() + index;
            o.timeScale = options.timeScale();
            o.maxNumSeqs = options.maxNumSeqs();
            o.ioThreads = 1;
            o.model = model;
        });
    }

    private List<String> gatewayJvm() {
        List<String> flags = new ArrayList<>(List.of("-Xmx" + options.gatewayHeap()));
        flags.addAll(SoakRun.JVM_FLAGS);
        return flags;
    }

    private void attachHeap() {
        try {
            heap = GatewayHeap.attach(gateways.current(0).process.process().pid());
        } catch (IOException | RuntimeException | LinkageError e) {
            heapUnavailable = e.toString();
            progress.println("system soak: cannot read gateway 0's heap: " + e);
        }
    }

    /** The churning replica's place in its pool's file. */
    private enum ChurnPhase { ABSENT, READY, NOT_READY }

    private void writeChurnFile(ChurnPhase phase) {
        StringBuilder text = new StringBuilder("# the churning pool, rewritten by the soak\n");
        replicas.forEach(replica -> text.append(replica.url()).append('\n'));
        switch (phase) {
            case READY -> text.append(churning.url()).append('\n');
            case NOT_READY -> text.append(churning.url()).append(" ready=false\n");
            case ABSENT -> { }
        }
        replace(churnFile, text.toString());
    }

    /** In one move, as a ConfigMap update does. */
    private static void replace(Path file, String content) {
        try {
            Path temporary = Files.writeString(file.resolveSibling(file.getFileName() + ".tmp"), content);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private void schedule(ScheduledExecutorService faults, SoakClient client, SoakStats stats, double rate,
                          SoakTraffic.Mix mix, StandInAutoscaler autoscaler) {
        for (FaultPlan.Step step : plan.steps()) {
            faults.schedule(() -> {
                try {
                    play(step, faults, client, stats, rate, mix);
                } catch (RuntimeException e) {
                    event(step.kind(), "failed: " + e);
                }
            }, step.atMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void play(FaultPlan.Step step, ScheduledExecutorService faults, SoakClient client, SoakStats stats,
                      double rate, SoakTraffic.Mix mix) {
        switch (step.kind()) {
            case REPLICA_RESET -> {
                SoakReplica replica = replicas.get(step.index() % replicas.size());
                SoakReplica.Kill kill = replica.kill();
                kills.add(kill);
                event(step.kind(), "replica " + replica.index() + " reset: " + kill.connectionsReset()
                        + " connections, " + kill.cutIds().size() + " requests cut");
                faults.schedule(() -> {
                    replica.restart();
                    event(null, "replica " + replica.index() + " back");
                }, step.forMillis(), TimeUnit.MILLISECONDS);
            }
            case GATEWAY_SIGKILL -> {
                long open = openOn(gateways.current(KILLED_SLOT));
                long sent = sentTo(gateways.current(KILLED_SLOT));
                SoakGateways.Life life = gateways.kill(KILLED_SLOT);
                gatewayFaults.add(new SystemAccounting.GatewayFault(life.port(), Fate.CUT_GATEWAY_KILL,
                        life.faultNanos, life.endNanos, open, sent));
                event(step.kind(), life.name() + " SIGKILLed with " + open + " requests open on it");
                faults.schedule(() -> {
                    SoakGateways.Life next = gateways.restart(KILLED_SLOT);
                    event(null, next.name() + " started");
                }, step.forMillis(), TimeUnit.MILLISECONDS);
            }
            case GATEWAY_SIGTERM -> {
                long open = openOn(gateways.current(DRAINED_SLOT));
                long sentBefore = sentTo(gateways.current(DRAINED_SLOT));
                event(step.kind(), gateways.current(DRAINED_SLOT).name() + " SIGTERM with " + open
                        + " requests open on it: drains");
                SoakGateways.Life life = gateways.drain(DRAINED_SLOT);
                gatewayFaults.add(new SystemAccounting.GatewayFault(life.port(), Fate.CUT_GATEWAY_DRAIN,
                        life.faultNanos, life.endNanos, open, sentBefore));
                event(null, String.format(Locale.ROOT, "%s exited after %.1f s of drain", life.name(),
                        (life.endNanos - life.faultNanos) / 1e9));
                SoakGateways.Life next = gateways.restart(DRAINED_SLOT);
                event(null, next.name() + " started");
            }
            case REPLICA_HANG -> {
                SoakReplica replica = replicas.get(replicas.size() - 1);
                replica.hang(true);
                event(step.kind(), "replica " + replica.index() + " hangs for " + step.forMillis() + " ms");
                faults.schedule(() -> {
                    replica.hang(false);
                    event(null, "replica " + replica.index() + " serves again");
                }, step.forMillis(), TimeUnit.MILLISECONDS);
            }
            case REPLICA_500 -> {
                SoakReplica replica = replicas.get(0);
                replica.failWith500(true);
                event(step.kind(), "replica " + replica.index() + " answers 500 for " + step.forMillis() + " ms");
                faults.schedule(() -> {
                    replica.failWith500(false);
                    event(null, "replica " + replica.index() + " answers again");
                }, step.forMillis(), TimeUnit.MILLISECONDS);
            }
            case BURST -> {
                loads.add(client.open(new SoakTraffic(model(), "burst" + step.index(), options.abortFraction(), mix,
                        options.seed() + 100 + step.index()), stats, 2 * rate, Duration.ofMillis(step.forMillis()),
                        options.seed() + 200 + step.index()));
                event(step.kind(), String.format(Locale.ROOT, "burst: 3x (%.1f req/s) for %d ms", 3 * rate,
                        step.forMillis()));
            }
            case CHURN -> {
                ChurnPhase phase = ChurnPhase.values()[(step.index() + 1) % ChurnPhase.values().length];
                writeChurnFile(phase);
                event(step.kind(), "churning replica " + phase.name().toLowerCase(Locale.ROOT).replace('_', ' '));
            }
            case ZERO_POOL_TRAFFIC -> {
                loads.add(client.open(new SoakTraffic(ZERO_MODEL, "zero" + step.index(), 0, mix,
                        options.seed() + 300 + step.index()), stats, Math.max(1, ZERO_SHARE * rate),
                        Duration.ofMillis(step.forMillis()), options.seed() + 400 + step.index()));
                event(step.kind(), "traffic to pool " + ZERO_POOL + " for " + step.forMillis() + " ms");
            }
        }
    }

    /** Requests the clients have open on this gateway now. */
    private long openOn(SoakGateways.Life life) {
        return book.counts(life.port()).inFlight();
    }

    /** Requests written to this gateway so far. */
    private long sentTo(SoakGateways.Life life) {
        return book.counts(life.port()).sent();
    }

    private void event(FaultPlan.Kind kind, String what) {
        double at = Math.round((System.nanoTime() - loadStart) / 1e7) / 100.0;
        events.add(new SystemSoakResult.Event(at, kind == null ? "" : kind.name(), what));
        progress.printf(Locale.ROOT, "soak %6.1f s  %s%n", at, what);
    }

    /** A sample every interval until {@code endNanos} and every load (its drain too) has ended, within bounds. */
    private void sampleUntil(SoakStats stats, long endNanos) throws InterruptedException {
        long every = options.sampleEvery().toNanos();
        long hardStop = endNanos + SoakOptions.DRAIN_TIMEOUT.toNanos() + TimeUnit.SECONDS.toNanos(30);
        SoakStats.Counts previous = stats.counts();
        long previousNanos = loadStart;
        while (System.nanoTime() < hardStop && (System.nanoTime() < endNanos || !loadsDone())) {
            TimeUnit.NANOSECONDS.sleep(every);
            long now = System.nanoTime();
            SoakStats.Counts counts = stats.counts();
            sample(stats, (now - loadStart) / 1e9, counts, previous, (now - previousNanos) / 1e9);
            previous = counts;
            previousNanos = now;
        }
    }

    private void sample(SoakStats stats, double at, SoakStats.Counts counts, SoakStats.Counts previous,
                        double seconds) {
        SoakStats.Latencies interval = stats.interval();
        double heapAfterGc = readHeap(at);
        List<SoakGateways.Life> running = gateways.running();
        running.forEach(SoakGateways.Life::readCounts);
        SoakGateways.Life steady = gateways.current(0);
        SystemSoakResult.Sample sample = new SystemSoakResult.Sample(SoakRun.round(at),
                SoakRun.round((counts.sent() - previous.sent()) / seconds),
                SoakRun.round((counts.of(Ending.OK) - previous.of(Ending.OK)) / seconds), counts.inFlight(),
                SoakRun.round(SoakStats.Latencies.ms(interval.ttftMicros(), 99)),
                SoakRun.round(SoakStats.Latencies.ms(interval.e2eMicros(), 99)), SoakRun.round(heapAfterGc),
                steady.openFiles(), steady.threads(), running.size());
        samples.add(sample);
        long failed = counts.ended() - counts.of(Ending.OK);
        progress.printf(Locale.ROOT, "soak %6.1f/%.0f s  sent %6.1f/s  ok %6.1f/s  not answered %d  in flight %d  "
                        + "p99 ttft %.0f ms  heap %.1f MB  files %d  threads %d  gateways up %d%n", at,
                options.duration().toMillis() / 1000.0, sample.sentPerSecond(), sample.okPerSecond(), failed,
                counts.inFlight(), sample.ttftP99Ms(), heapAfterGc, sample.openFiles(), sample.threads(),
                sample.gatewaysUp());
    }

    private double readHeap(double atSeconds) {
        if (heap == null) {
            return Double.NaN;
        }
        try {
            double mb = GatewayHeap.Sample.mb(heap.sampleAfterGc().heapUsed());
            heapMinutes.add(atSeconds / 60);
            heapMb.add(mb);
            return mb;
        } catch (RuntimeException e) {
            heapUnavailable = "reading failed: " + e;
            heap.close();
            heap = null;
            return Double.NaN;
        }
    }

    /** Heap samples after the warm-up (bounded caches filling) and within the load. */
    private List<Double> after(List<Double> values) {
        double warmupMinutes = options.heapWarmup().toMillis() / 60_000.0;
        double endMinutes = options.duration().toMillis() / 60_000.0;
        List<Double> kept = new ArrayList<>();
        for (int i = 0; i < heapMinutes.size(); i++) {
            if (heapMinutes.get(i) >= warmupMinutes && heapMinutes.get(i) <= endMinutes) {
                kept.add(values.get(i));
            }
        }
        return kept;
    }

    private boolean loadsDone() {
        return new ArrayList<>(loads).stream().allMatch(CompletableFuture::isDone);
    }

    private void awaitLoads() throws InterruptedException {
        long deadline = System.nanoTime() + SoakOptions.DRAIN_TIMEOUT.toNanos() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            List<CompletableFuture<Void>> now = new ArrayList<>(loads);
            try {
                CompletableFuture.allOf(now.toArray(CompletableFuture[]::new))
                        .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException("a load failed", e.getCause());
            } catch (TimeoutException e) {
                throw new IllegalStateException("the loads did not end in time", e);
            }
            if (loads.size() == now.size()) {
                return;
            }
        }
    }

    /**
     * Each life's counters against its clients' book: the running ones read once they have counted
     * every request their clients saw end (a 499 can lag a little), exactly; the killed and drained
     * ones by their last reading, which may only fall short.
     */
    private List<SystemSoakResult.LifeCheck> settleAndCheck() throws InterruptedException {
        Map<Integer, SoakStats> books = book.lives();
        List<SystemSoakResult.LifeCheck> checks = new ArrayList<>();
        long deadline = System.currentTimeMillis() + SETTLE_TIMEOUT_MILLIS;
        for (SoakGateways.Life life : gateways.lives()) {
            SoakStats own = books.getOrDefault(life.port(), new SoakStats());
            SoakStats.Counts counts = own.counts();
            Map<Integer, Long> expected = Accounting.expectedAtGateway(counts, own.failures());
            long expectedTotal = expected.values().stream().mapToLong(Long::longValue).sum();
            boolean running = life.end == SoakGateways.End.RUNNING;
            if (running) {
                while (life.readCounts() && life.lastCounts.answered() < expectedTotal
                        && System.currentTimeMillis() < deadline) {
                    Thread.sleep(200);
                }
            }
            GatewayCounts counted = life.lastCounts;
            boolean agrees = running
                    ? Accounting.agrees(expected, counts.sent(), counted)
                    : counted.answered() <= counts.ended() && counted.received() <= counts.sent();
            checks.add(new SystemSoakResult.LifeCheck(life.name(), life.port(), life.end.name(), counts.sent(),
                    counts.ended(), expected, counted.answeredByCode(), counted.received(), running, agrees));
        }
        return checks;
    }

    /** A burst of plain requests through the spread, twice, between full GCs: the leak detector looks then. */
    private void leakCheck(SoakClient client) throws InterruptedException {
        SoakTraffic traffic = new SoakTraffic(model(), "leak-check", 0, options.seed() + 9);
        for (int round = 0; round < 2; round++) {
            readHeap(Double.MAX_VALUE);
            SoakRun.await(client.closed(traffic, new SoakStats(), LEAK_CHECK_USERS, LEAK_CHECK_BURST,
                    options.seed() + 10 + round), LEAK_CHECK_BURST.toNanos() + SoakOptions.DRAIN_TIMEOUT.toNanos());
        }
        readHeap(Double.MAX_VALUE);
        Thread.sleep(500); // a moment for the gateways' last log lines to reach their files
    }

    /** Failures by fate per sampling interval, for the timeline. */
    private List<SystemSoakResult.FateSample> fateSeries(List<SoakStats.Failure> failures,
                                                         SystemAccounting accounting) {
        List<SystemSoakResult.FateSample> series = new ArrayList<>();
        double previous = 0;
        for (SystemSoakResult.Sample sample : samples) {
            Map<Fate, Long> byFate = new EnumMap<>(Fate.class);
            for (int i = 0; i < failures.size(); i++) {
                double at = (failures.get(i).atNanos() - loadStart) / 1e9;
                if (at > previous && at <= sample.atSeconds()) {
                    byFate.merge(accounting.fateOf().get(i), 1L, Long::sum);
                }
            }
            series.add(new SystemSoakResult.FateSample(sample.atSeconds(), byFate));
            previous = sample.atSeconds();
        }
        return series;
    }
}
