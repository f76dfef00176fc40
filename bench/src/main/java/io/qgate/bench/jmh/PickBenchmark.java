package io.qgate.bench.jmh;

import io.qgate.routing.ApiRoute;
import io.qgate.routing.Endpoint;
import io.qgate.routing.Strategies;
import io.qgate.routing.EndpointLoad;
import io.qgate.routing.EndpointSnapshot;
import io.qgate.routing.PrefixHasher;
import io.qgate.routing.RouteRequest;
import io.qgate.routing.Router;
import io.qgate.routing.RoutingSettings;
import io.qgate.routing.RoutingStrategy;
import io.qgate.routing.metrics.LoraAdapters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The cost of one routing decision (filter, score, pick, record) over fleets of 8 to 1,024
 * replicas, each with a fresh scrape, reading the load index, weighing every replica or a sample of them. Run: {@code java -jar bench/target/qgate-bench.jar jmh PickBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PickBenchmark {

    @Param({"8", "64", "1024"})
    public int replicas;

    @Param({"queue", "work", "least-inflight", "round-robin"})
    public String strategy;

    /**
     * How a scoring strategy finds its candidates: {@code index} reads the load index (the default),
     * {@code scan} weighs every replica, {@code sample} a random 16 ({@code routing.sample-size: 16}).
     */
    @Param({"index", "scan", "sample"})
    public String decisions;

    private static final Set<String> MODELS = Set.of("m");

    private Router router;
    private List<Endpoint> endpoints;
    private long scrapedAt;
    private int next;
    private RouteRequest plain;
    private RouteRequest withPrefix;
    private RouteRequest forAdapter;

    @Setup
    public void setUp() {
        RoutingSettings settings = RoutingSettings.defaults()
                .withSampleSize(decisions.equals("sample") ? RoutingSettings.SAMPLE_SIZE : 0);
        RoutingStrategy routing = Strategies.named(strategy, settings, Strategies.THREAD_LOCAL_RANDOM);
        router = new Router(decisions.equals("scan") ? routing.withoutIndex() : routing, settings, System::nanoTime);
        endpoints = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
            endpoints.add(Endpoint.of("10." + (i / 65536) + "." + (i / 256 % 256) + "." + (i % 256), 4000));
        }
        router.update(EndpointSnapshot.of(endpoints));
        Random random = new Random(1);
        long now = System.nanoTime();
        scrapedAt = now + 3_600_000_000_000L;
        // A quarter of the replicas run adapter "a", the rest "b" beside a free slot.
        LoraAdapters runningA = new LoraAdapters(Set.of("a"), 2, 1);
        LoraAdapters runningB = new LoraAdapters(Set.of("b"), 2, 1);
        for (int i = 0; i < endpoints.size(); i++) {
            router.load(endpoints.get(i)).scraped(random.nextInt(8), random.nextInt(64), random.nextDouble(),
                    Set.of("m"), i % 4 == 0 ? runningA : runningB, now + 3_600_000_000_000L);
        }
        plain = new RouteRequest(ApiRoute.CHAT, "m", true);
        withPrefix = new RouteRequest(ApiRoute.CHAT, "m", true, PrefixHasher.hash("s".repeat(2048), 64, 32));
        forAdapter = new RouteRequest(ApiRoute.CHAT, "a", true);
    }

    @Benchmark
    public Endpoint pick() {
        Router.Dispatch dispatch = router.dispatch(plain, Set.of());
        dispatch.finish();
        return dispatch.endpoint();
    }

    /** A request for a LoRA adapter: the lora scorer runs too. */
    @Benchmark
    public Endpoint pickForAdapter() {
        Router.Dispatch dispatch = router.dispatch(forAdapter, Set.of());
        dispatch.finish();
        return dispatch.endpoint();
    }

    /**
     * What keeping the index costs: one replica's scrape, a new queue and KV-cache use, which
     * moves its place in the index ({@code decisions=index}) or only stores a sample.
     */
    @Benchmark
    public EndpointLoad scrape() {
        int at = next++ & (replicas - 1);
        EndpointLoad load = router.load(endpoints.get(at % endpoints.size()));
        load.scraped(at & 7, (next >> 3) & 63, (next & 1023) / 1024.0, MODELS, LoraAdapters.NONE,
                scrapedAt);
        return load;
    }

    @Benchmark
    public Endpoint pickWithPrefix() {
        Router.Dispatch dispatch = router.dispatch(withPrefix, Set.of());
        dispatch.finish();
        return dispatch.endpoint();
    }
}
