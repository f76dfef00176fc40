package io.qgate.bench.study.soak;

import io.qgate.bench.harness.GatewayProcess;

import io.qgate.bench.sim.SimOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;

/**
 * One soak: simulated replicas in this process, the packaged gateway in its own JVM, a short
 * closed-loop probe of the maximum throughput, then an open loop at a share of it for the whole
 * duration while replicas are killed and restarted, the gateway's heap sampled after full GCs and
 * its output watched for leak reports. Everything started here is stopped before returning.
 */
final class SoakRun {

    private static final double PROBE_WINDOW_START = 0.25;
    private static final double PROBE_WINDOW_END = 0.95;
    /** The JVM flags the gateway runs with, besides {@code -Xmx}; the report repeats its command line. */
    static final List<String> JVM_FLAGS = List.of("-XX:+UseG1GC", "-Dio.netty.leakDetection.level=advanced");
    static final String LEAK_MARK = "LEAK:";
    private static final long READY_TIMEOUT_MILLIS = 15_000;
    private static final long SETTLE_TIMEOUT_MILLIS = 15_000;
    /** Requests of the leak check after the soak: enough buffers for the sampling leak detector to look. */
    private static final int LEAK_CHECK_USERS = 16;
    private static final java.time.Duration LEAK_CHECK_BURST = java.time.Duration.ofSeconds(2);

    private final SoakOptions options;
    private final PrintStream progress;
    private final List<SoakReplica> replicas = new ArrayList<>();
    private final List<SoakReplica.Kill> kills = Collections.synchronizedList(new ArrayList<>());
    private final Set<Integer> down = ConcurrentHashMap.newKeySet();
    private final List<GatewayHeap.Sample> heapSamples = new ArrayList<>();
    private final List<SoakResult.Sample> samples = new ArrayList<>();
    private GatewayProcess gateway;
    private GatewayHeap heap;
    private String heapUnavailable;
    private long loadEndNanos;

    private SoakRun(SoakOptions options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    /** Runs the soak; {@code progress} gets a line every sampling interval. */
    static SoakResult run(SoakOptions options, PrintStream progress) {
        return new SoakRun(options, progress).run();
    }

    private SoakResult run() {
        Instant startedAt = Instant.now();
        ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "qgate-soak-killer");
            thread.setDaemon(true);
            return thread;
        });
        SoakClient client = null;
        try {
            Files.createDirectories(options.out());
            for (int i = 0; i < options.replicas(); i++) {
                replicas.add(SoakReplica.start(i, simOptions(i)));
            }
            gateway = GatewayProcess.fromJar(options.gatewayJar(), gatewayJvm(), gatewayFlags(),
                    options.out().resolve("gateway.log"));
            attachHeap();
            awaitReady();
            client = new SoakClient(gateway.address(), options.clientThreads());

            SoakResult.Probe probe = options.rate() > 0 ? null : probe(client);
            double maxRps = probe == null ? Double.NaN : probe.maxRps();
            double rate = options.offeredRate(maxRps);
            progress.printf(Locale.ROOT, "soak: %.1f req/s open loop for %s (%s), a replica killed every %s, "
                            + "back after %s; %.1f%% of clients abort mid-stream%n", rate,
                    io.qgate.routing.config.Units.format(options.duration()),
                    probe == null ? "given rate" : String.format(Locale.ROOT, "%.0f%% of %.1f", 100 * options.loadFraction(), maxRps),
                    io.qgate.routing.config.Units.format(options.killEvery()),
                    io.qgate.routing.config.Units.format(options.restartAfter()), 100 * options.abortFraction());

            GatewayCounts before = GatewayCounts.parse(gateway.metrics());
            SoakStats stats = new SoakStats();
            SoakTraffic traffic = new SoakTraffic(model(), "soak", options.abortFraction(), options.seed());
            long loadStart = System.nanoTime();
            CompletableFuture<Void> load = client.open(traffic, stats, rate, options.duration(), options.seed() + 1);
            scheduleKills(killer);
            sampleUntilDone(load, stats, loadStart);
            loadEndNanos = System.nanoTime();
            double loadSeconds = (loadEndNanos - loadStart) / 1e9;
            killer.shutdown(); // delayed restarts still run
            if (!killer.awaitTermination(options.restartAfter().toMillis() + 20_000, TimeUnit.MILLISECONDS)) {
                progress.println("soak: a kill or restart did not finish in time");
            }

            SoakStats.Counts counts = stats.counts();
            List<SoakStats.Failure> notAnswered = stats.failures();
            GatewayCounts during = settle(before, Accounting.expectedAtGateway(counts, notAnswered));
            leakCheck(client);
            Accounting accounting = Accounting.of(counts, notAnswered, List.copyOf(kills), Set.copyOf(down),
                    loadStart, during);
            return new SoakResult(options, startedAt, gateway.command(), probe, maxRps, rate, loadSeconds,
                    stats.sentByKind(), accounting, latency(stats.total()), List.copyOf(samples),
                    List.copyOf(heapSamples), trend(loadStart, true), trend(loadStart, false),
                    gateway.logLines(LEAK_MARK), warnings(), heapUnavailable,
                    replicas.stream().map(SoakReplica::answered).toList(), gateway.process().alive());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            killer.shutdownNow();
            if (client != null) {
                client.close();
            }
            if (heap != null) {
                heap.close();
            }
            if (gateway != null) {
                gateway.close();
            }
            replicas.forEach(SoakReplica::close);
        }
    }

    private SimOptions simOptions(int index) {
        return SimOptions.defaults()
                .with(o -> {
                    o.host = "127.0.0.1";
                    o.seed = options.seed() + index;
                    o.timeScale = options.timeScale();
                    o.maxNumSeqs = options.maxNumSeqs();
                    o.ioThreads = 1;
                });
    }

    private static String model() {
        return SimOptions.defaults().model();
    }

    /** The packaged gateway as an operator runs it, with Netty's leak detector at advanced (paranoid is too slow). */
    private List<String> gatewayJvm() {
        List<String> flags = new ArrayList<>(List.of("-Xmx" + options.gatewayHeap()));
        flags.addAll(JVM_FLAGS);
        return flags;
    }

    private List<String> gatewayFlags() {
        StringJoiner endpoints = new StringJoiner(",");
        replicas.forEach(replica -> endpoints.add(replica.url()));
        return List.of("--endpoints", endpoints.toString(), "--shutdown.delay", "0s", "--shutdown.timeout", "5s");
    }

    private void attachHeap() {
        try {
            heap = GatewayHeap.attach(gateway.process().pid());
        } catch (IOException | RuntimeException | LinkageError e) {
            heapUnavailable = e.toString();
            progress.println("soak: cannot read the gateway's heap: " + e);
        }
    }

    /** Until the gateway reports ready (it has scraped its replicas). */
    private void awaitReady() {
        gateway.awaitReady(Duration.ofMillis(READY_TIMEOUT_MILLIS));
    }

    /** A closed loop with twice as many users as the fleet has batch slots: the most the set-up answers. */
    private SoakResult.Probe probe(SoakClient client) throws InterruptedException {
        int users = 2 * options.replicas() * options.maxNumSeqs();
        SoakTraffic traffic = new SoakTraffic(model(), "probe", 0, options.seed() + 7);
        return probe(client, traffic, users, options.probeDuration(), options.seed() + 8, progress);
    }

    /**
     * The most {@code users} in a closed loop get answered per second, counted over the middle of
     * the run (its ramp and its end left out).
     */
    static SoakResult.Probe probe(SoakClient client, SoakTraffic traffic, int users, Duration duration, long seed,
                                  PrintStream progress) throws InterruptedException {
        progress.printf(Locale.ROOT, "probe: closed loop, %d users, %s%n", users,
                io.qgate.routing.config.Units.format(duration));
        SoakStats stats = new SoakStats();
        long start = System.nanoTime();
        CompletableFuture<Void> run = client.closed(traffic, stats, users, duration, seed);
        long span = duration.toNanos();
        sleepUntil(start + (long) (span * PROBE_WINDOW_START));
        long firstNanos = System.nanoTime();
        long first = stats.ok();
        sleepUntil(start + (long) (span * PROBE_WINDOW_END));
        long lastNanos = System.nanoTime();
        long last = stats.ok();
        await(run, span + SoakOptions.DRAIN_TIMEOUT.toNanos() + TimeUnit.SECONDS.toNanos(10));
        double window = (lastNanos - firstNanos) / 1e9;
        SoakStats.Counts counts = stats.counts();
        long failed = counts.ended() - counts.of(Ending.OK);
        double max = (last - first) / window;
        progress.printf(Locale.ROOT, "probe: %.1f req/s answered (%d in %.1f s), %d failed%n", max, last - first,
                window, failed);
        if (!(max > 0)) {
            throw new IllegalStateException("the probe measured no throughput; failures: " + counts.endings());
        }
        return new SoakResult.Probe(users, window, last - first, failed, max);
    }

    private void scheduleKills(ScheduledExecutorService killer) {
        long[] times = options.killTimesMillis();
        for (int k = 0; k < times.length; k++) {
            SoakReplica replica = replicas.get(k % replicas.size());
            killer.schedule(() -> kill(killer, replica), times[k], TimeUnit.MILLISECONDS);
        }
    }

    private void kill(ScheduledExecutorService killer, SoakReplica replica) {
        SoakReplica.Kill kill = replica.kill();
        kills.add(kill);
        down.add(replica.index());
        progress.printf(Locale.ROOT, "soak: killed replica %d (:%d): %d connections reset, %d requests cut%n",
                replica.index(), replica.port(), kill.connectionsReset(), kill.cutIds().size());
        killer.schedule(() -> {
            try {
                replica.restart();
                down.remove(replica.index());
                progress.printf(Locale.ROOT, "soak: replica %d back on :%d%n", replica.index(), replica.port());
            } catch (RuntimeException e) {
                progress.println("soak: replica " + replica.index() + " did not restart: " + e);
            }
        }, options.restartAfter().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A sample and a progress line every interval until the load (and its drain) has ended. */
    private void sampleUntilDone(CompletableFuture<Void> load, SoakStats stats, long loadStart)
            throws InterruptedException {
        long every = options.sampleEvery().toNanos();
        long hardStop = loadStart + options.duration().toNanos() + SoakOptions.DRAIN_TIMEOUT.toNanos()
                + TimeUnit.SECONDS.toNanos(30);
        long next = loadStart + every;
        SoakStats.Counts previous = stats.counts();
        long previousNanos = loadStart;
        while (!load.isDone()) {
            if (System.nanoTime() > hardStop) {
                throw new IllegalStateException("the load did not end in time");
            }
            try {
                load.get(Math.max(1, next - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // time for a sample
            } catch (ExecutionException e) {
                throw new IllegalStateException("the load failed", e.getCause());
            }
            long now = System.nanoTime();
            if (now >= next || load.isDone()) {
                SoakStats.Counts counts = stats.counts();
                sample(stats, counts, previous, (now - previousNanos) / 1e9, (now - loadStart) / 1e9);
                previous = counts;
                previousNanos = now;
                next = now + every;
            }
        }
    }

    private void sample(SoakStats stats, SoakStats.Counts counts, SoakStats.Counts previous, double seconds,
                        double at) {
        SoakStats.Latencies interval = stats.interval();
        GatewayHeap.Sample reading = readHeap();
        double heapMb = reading == null ? Double.NaN : GatewayHeap.Sample.mb(reading.heapUsed());
        double oldMb = reading == null || reading.oldGenUsed() < 0 ? Double.NaN
                : GatewayHeap.Sample.mb(reading.oldGenUsed());
        long failed = counts.ended() - counts.of(Ending.OK) - counts.of(Ending.ABORTED);
        long failedBefore = previous.ended() - previous.of(Ending.OK) - previous.of(Ending.ABORTED);
        int up = (int) replicas.stream().filter(SoakReplica::up).count();
        SoakResult.Sample sample = new SoakResult.Sample(round(at), round((counts.sent() - previous.sent()) / seconds),
                round((counts.of(Ending.OK) - previous.of(Ending.OK)) / seconds),
                counts.of(Ending.ABORTED) - previous.of(Ending.ABORTED), failed - failedBefore, counts.inFlight(),
                round(SoakStats.Latencies.ms(interval.ttftMicros(), 99)),
                round(SoakStats.Latencies.ms(interval.e2eMicros(), 99)), round(heapMb), round(oldMb), up);
        samples.add(sample);
        Set<String> cut = new HashSet<>();
        new ArrayList<>(kills).forEach(kill -> cut.addAll(kill.cutIds()));
        long unexplained = stats.failures().stream()
                .filter(f -> f.ending() != Ending.ABORTED && !cut.contains(f.id())).count();
        progress.printf(Locale.ROOT, "soak %4.0f/%.0f s  sent %6.1f/s  ok %6.1f/s  aborted %d  failed %d "
                        + "(not explained by a kill: %d)  in flight %d  p99 ttft %.1f ms e2e %.1f ms  heap %s  "
                        + "replicas up %d/%d%n", at, options.duration().toMillis() / 1000.0, sample.sentPerSecond(),
                sample.okPerSecond(), counts.of(Ending.ABORTED), failed, unexplained, counts.inFlight(),
                sample.ttftP99Ms(), sample.e2eP99Ms(),
                Double.isNaN(heapMb) ? "n/a" : String.format(Locale.ROOT, "%.1f MB", heapMb), up, replicas.size());
    }

    private GatewayHeap.Sample readHeap() {
        if (heap == null) {
            return null;
        }
        try {
            GatewayHeap.Sample reading = heap.sampleAfterGc();
            heapSamples.add(reading);
            return reading;
        } catch (RuntimeException e) {
            heapUnavailable = "reading failed: " + e;
            heap.close();
            heap = null;
            return null;
        }
    }

    /** Until the gateway has counted every request the generator saw end (its 499s can lag a little). */
    private GatewayCounts settle(GatewayCounts before, java.util.Map<Integer, Long> expected)
            throws InterruptedException {
        long total = expected.values().stream().mapToLong(Long::longValue).sum();
        long deadline = System.currentTimeMillis() + SETTLE_TIMEOUT_MILLIS;
        GatewayCounts delta = GatewayCounts.parse(gateway.metrics()).minus(before);
        while (delta.answered() < total && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            delta = GatewayCounts.parse(gateway.metrics()).minus(before);
        }
        return delta;
    }

    /**
     * The detector reports a leaked buffer when it is collected and a later sampled allocation
     * looks: a full GC, a burst of requests, another GC and burst, then the output is read.
     */
    private void leakCheck(SoakClient client) throws InterruptedException {
        SoakTraffic traffic = new SoakTraffic(model(), "leak-check", 0, options.seed() + 9);
        for (int round = 0; round < 2; round++) {
            readHeap();
            SoakStats stats = new SoakStats();
            await(client.closed(traffic, stats, LEAK_CHECK_USERS, LEAK_CHECK_BURST, options.seed() + 10 + round),
                    LEAK_CHECK_BURST.toNanos() + SoakOptions.DRAIN_TIMEOUT.toNanos() + TimeUnit.SECONDS.toNanos(10));
        }
        readHeap();
        Thread.sleep(500); // a moment for the gateway's last log lines to reach the file
    }

    private HeapTrend trend(long loadStart, boolean afterWarmup) {
        long warmup = afterWarmup ? options.heapWarmup().toNanos() : 0;
        List<Double> minutes = new ArrayList<>();
        List<Double> mb = new ArrayList<>();
        // Samples of the load only: the leak check's own GCs come after it.
        for (GatewayHeap.Sample sample : heapSamples) {
            if (sample.atNanos() - loadStart >= warmup && sample.atNanos() <= loadEndNanos) {
                minutes.add((sample.atNanos() - loadStart) / 60e9);
                mb.add(GatewayHeap.Sample.mb(sample.heapUsed()));
            }
        }
        return HeapTrend.fit(minutes, mb);
    }

    private List<String> warnings() {
        return gateway.process().output().lines()
                .filter(line -> line.contains("[WARN]") || line.contains("[ERROR]"))
                .toList();
    }

    static SoakResult.Latency latency(SoakStats.Latencies total) {
        Histogram ttft = total.ttftMicros();
        Histogram e2e = total.e2eMicros();
        return new SoakResult.Latency(e2e.getTotalCount(), round(SoakStats.Latencies.ms(ttft, 50)),
                round(SoakStats.Latencies.ms(ttft, 99)), round(SoakStats.Latencies.ms(e2e, 50)),
                round(SoakStats.Latencies.ms(e2e, 90)), round(SoakStats.Latencies.ms(e2e, 99)),
                round(SoakStats.Latencies.ms(e2e, 100)));
    }

    static void await(CompletableFuture<Void> run, long timeoutNanos) throws InterruptedException {
        try {
            run.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the load failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the load did not end in time", e);
        }
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    static double round(double value) {
        return Double.isNaN(value) ? value : Math.round(value * 100.0) / 100.0;
    }
}
