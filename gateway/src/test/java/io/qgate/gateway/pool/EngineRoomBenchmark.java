package io.qgate.gateway.pool;

import io.qgate.routing.Endpoint;
import io.qgate.routing.EndpointSnapshot;
import io.qgate.routing.Router;
import io.qgate.routing.RoutingSettings;
import io.qgate.routing.Strategies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The cost of the engines' room as admission reads it, kept ({@link EngineRoom}) or walked over
 * every replica ({@link EngineRoomWalk}, how it was computed before), over 16 and 1,024 replicas
 * with fresh scrapes and learnt limits, allowance {@code auto}. In the gateway's test scope, not in
 * bench: the walk is a test helper, the reference the kept room is tested against, and has no
 * place in the gateway's own code. Run {@link #main} on the gateway's test classpath (the command
 * is in {@code bench/results/engine-room-2026-12-06/report.md}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EngineRoomBenchmark {

    /** Runs every case in one fork: 5 warm-up seconds, then 8 measured, each. */
    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(EngineRoomBenchmark.class.getSimpleName())
                .warmupIterations(5).warmupTime(TimeValue.seconds(1))
                .measurementIterations(8).measurementTime(TimeValue.seconds(1))
                .forks(1).build()).run();
    }

    @Param({"16", "1024"})
    public int replicas;

    @Param({"kept", "walk"})
    public String room;

    private Router router;
    private List<Endpoint> endpoints;
    private IntSupplier engineRoom;
    private long scrapedAt;
    /** Racy on two threads, as it may be: it only spreads the scrapes over the replicas. */
    private int next;

    @Setup
    public void setUp() {
        router = new Router(Strategies.roundRobin(), RoutingSettings.defaults(), System::nanoTime);
        endpoints = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
            endpoints.add(Endpoint.of("10." + (i / 65536) + "." + (i / 256 % 256) + "." + (i % 256), 4000));
        }
        router.update(EndpointSnapshot.of(endpoints));
        engineRoom = room.equals("kept") ? new EngineRoom(router, 0, EngineAllowance.AUTO)
                : new EngineRoomWalk(router, 0, EngineAllowance.AUTO);
        // Dated an hour ahead, as PickBenchmark's: no scrape goes stale during the run.
        scrapedAt = System.nanoTime() + TimeUnit.HOURS.toNanos(1);
        Random random = new Random(1);
        for (Endpoint endpoint : endpoints) {
            // A queue beside 64 running: every limit is learnt, the room is bounded.
            router.load(endpoint).scraped(1 + random.nextInt(4), 64, 0.5, Set.of(), scrapedAt);
        }
        if (engineRoom.getAsInt() == Integer.MAX_VALUE) {
            throw new IllegalStateException("room unbounded (expected: every limit learnt)");
        }
    }

    /** A room read with nothing changed since the last. */
    @Benchmark
    public int read() {
        return engineRoom.getAsInt();
    }

    /** One replica's scrape, then the room read: what an admission pays after the fleet moved. */
    @Benchmark
    public int scrapeThenRead() {
        int at = Math.floorMod(next++, replicas);
        router.load(endpoints.get(at)).scraped(next & 3, 48 + (next & 15), 0.5, Set.of(), scrapedAt + next);
        return engineRoom.getAsInt();
    }

    /** {@link #scrapeThenRead} on two threads at once, as two event loops admit: the kept room's lock shared. */
    @Benchmark
    @Threads(2)
    public int scrapeThenReadOnTwoThreads() {
        return scrapeThenRead();
    }

    /** The scrape alone: subtracted from {@link #scrapeThenRead}, the read's part. */
    @Benchmark
    public Object scrape() {
        int at = Math.floorMod(next++, replicas);
        router.load(endpoints.get(at)).scraped(next & 3, 48 + (next & 15), 0.5, Set.of(), scrapedAt + next);
        return router;
    }
}
