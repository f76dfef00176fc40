package io.qgate.bench.load;

import io.qgate.routing.config.Units;
import io.qgate.gateway.Transport;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one load test in-process and returns what it measured.
 *
 * <p>Each event loop thread carries an independent {@link Lane} and its {@link LoadTraffic} with its own share of the rate,
 * concurrency, request budget and connection limit; their measurements are merged at the end.
 * The calling thread only waits and prints the progress line.
 */
public final class LoadGenerator {

    private static final long PROGRESS_INTERVAL_MILLIS = 1000;

    private LoadGenerator() {}

    /** Runs the load described by {@code options}; blocks until every request has ended. */
    public static LoadResult run(LoadOptions options) {
        return run(options, options.quiet() ? null : System.err);
    }

    /** As {@link #run(LoadOptions)}, printing the progress line to {@code progress} unless it is {@code null}. */
    public static LoadResult run(LoadOptions options, PrintStream progress) {
        if (!options.warmup().isZero() && progress != null) {
            progress.println("warming up for " + Units.format(options.warmup()));
        }
        return runOnce(options, progress);
    }

    /**
     * One run; its first {@code warmup} is sent like the rest but not counted. The warm-up and the
     * measured load share their connections, as a client that keeps its connections alive would:
     * a measured run that began by opening every connection anew would measure a burst of
     * connects (hundreds at once in an open loop at thousands of requests a second) rather than
     * the steady state that the warm-up was for.
     */
    private static LoadResult runOnce(LoadOptions options, PrintStream progress) {
        InetSocketAddress address = resolve(options);
        RequestFactory factory = RequestFactory.from(options);
        RequestTemplate template = new RequestTemplate(options.url(), options.api(), options.headers());
        Transport transport = Transport.best();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(options.threads(),
                new DefaultThreadFactory("qgate-load", true), transport.ioHandlerFactory());
        try {
            SplittableRandom seeds = new SplittableRandom(options.seed());
            long warmupNanos = options.warmup().toNanos();
            Instant startedAt = Instant.now().plusNanos(warmupNanos);
            long startNanos = System.nanoTime();
            long measureFromNanos = startNanos + warmupNanos;
            List<Measured> lanes = new ArrayList<>();
            int index = 0;
            for (EventExecutor executor : group) {
                LoadTraffic traffic = new LoadTraffic(options, factory, template);
                LanePlan plan = LaneShare.of(options, index++).plan(options, startNanos, measureFromNanos);
                lanes.add(new Measured(new Lane<>(plan, traffic, (EventLoop) executor, transport, address,
                        seeds.split()), traffic));
            }
            lanes.forEach(measured -> measured.lane().start());
            StatsSnapshot total = await(lanes, progress, measureFromNanos,
                    options.stream() && options.api().generates());
            long endNanos = lanes.stream().mapToLong(measured -> measured.lane().endNanos()).max()
                    .orElse(measureFromNanos);
            long issuedUntilNanos = lanes.stream().mapToLong(measured -> measured.lane().stoppedIssuingNanos()).max()
                    .orElse(measureFromNanos);
            return LoadResult.of(options, startedAt, total, (endNanos - measureFromNanos) / 1e9,
                    Math.max(0, issuedUntilNanos - measureFromNanos) / 1e9);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** A lane and the counters it fills. */
    private record Measured(Lane<LoadRequest> lane, LoadTraffic traffic) {

        /** The counters so far, read on the lane's loop. */
        CompletableFuture<StatsSnapshot> snapshot() {
            return lane.read(traffic::snapshot);
        }
    }

    /** @param progressShowsTtft whether the answers stream, so that the progress line shows time to first token */
    private static StatsSnapshot await(List<Measured> lanes, PrintStream progress, long startNanos,
                                       boolean progressShowsTtft) {
        CompletableFuture<?>[] done = lanes.stream().map(measured -> measured.lane().done())
                .toArray(CompletableFuture[]::new);
        CompletableFuture<Void> all = CompletableFuture.allOf(done);
        ProgressLine line = new ProgressLine(startNanos, progressShowsTtft);
        while (true) {
            try {
                all.get(PROGRESS_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
                return merge(lanes.stream().map(measured -> measured.snapshot().join()).toList());
            } catch (TimeoutException e) {
                if (progress != null && System.nanoTime() >= startNanos) { // nothing to show while warming up
                    List<StatsSnapshot> now = lanes.stream().map(measured -> measured.snapshot().join()).toList();
                    progress.println(line.next(merge(now), startNanos, System.nanoTime()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the load was running", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("load run failed", e.getCause());
            }
        }
    }

    private static StatsSnapshot merge(List<StatsSnapshot> snapshots) {
        StatsSnapshot total = StatsSnapshot.empty();
        for (StatsSnapshot snapshot : snapshots) {
            total = total.merge(snapshot);
        }
        return total;
    }

    /** Resolved once: a name lookup per connection would be measured as connect time. */
    private static InetSocketAddress resolve(LoadOptions options) {
        int port = options.url().getPort() < 0 ? 80 : options.url().getPort();
        InetSocketAddress address = new InetSocketAddress(options.url().getHost(), port);
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("url: " + options.url() + " (cannot resolve " + options.url().getHost() + ")");
        }
        return address;
    }
}
