package io.qgate.bench;

import io.qgate.bench.load.LoadGenerator;
import io.qgate.bench.load.LoadOptions;
import io.qgate.bench.load.LoadResult;
import io.qgate.fleet.workload.Workload;
import io.qgate.bench.sim.SimOptions;
import io.qgate.bench.sim.SimServer;
import io.qgate.gateway.Gateway;
import io.qgate.gateway.config.GatewayConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The queue strategy end to end: simulated replicas, real scrapes, real load. */
class LoadAwareRoutingTest {


    private final List<SimServer> replicas = new ArrayList<>();
    private Gateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        replicas.forEach(SimServer::close);
    }

    private void start(List<SimOptions> fleet) {
        StringJoiner endpoints = new StringJoiner(",");
        for (SimOptions options : fleet) {
            SimServer replica = SimServer.start(options.with(o -> o.port = 0));
            replicas.add(replica);
            endpoints.add("http://127.0.0.1:" + replica.port());
        }
        gateway = Gateway.start(GatewayConfig.of(Map.of("server.host", "127.0.0.1", "server.port", "0",
                "admin.port", "0", "endpoints", endpoints.toString(), "shutdown.delay", "0s",
                "routing.strategy", "queue", "scrape.interval", "100ms")));
    }


    @Test
    void aSlowReplicaGetsClearlyFewerRequests() {
        SimOptions normal = SimOptions.defaults().with(o -> {
            o.seed = 1;
            o.timeScale = 0.2;
            o.maxNumSeqs = 8;
        });
        start(List.of(normal, normal.with(o -> o.maxNumSeqs = 1), normal));

        LoadResult result = LoadGenerator.run(LoadOptions.builder()
                .url("http://127.0.0.1:" + gateway.port()).concurrency(24).requests(600)
                .workload(Workload.fixed(64, 32)).seed(3).quiet(true).build());

        assertThat(result.errorCount()).isZero();
        double slow = Served.by(replicas.get(1));
        double fastest = Math.min(Served.by(replicas.get(0)), Served.by(replicas.get(2)));
        assertThat(slow).as("requests served by the max-num-seqs 1 replica").isLessThan(fastest / 2);
    }

    @Test
    void aBurstRightAfterAScrapeIsSpreadNotSentToOneReplica() throws Exception {
        SimOptions options = SimOptions.defaults().with(o -> {
            o.seed = 1;
            o.timeScale = 1;
            o.maxNumSeqs = 64;
        });
        start(List.of(options, options, options));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        // Let every replica be scraped empty first.
        await().atMost(Duration.ofSeconds(3)).until(() -> gateway.router().snapshot().endpoints().stream()
                .allMatch(e -> gateway.router().load(e).fresh(System.nanoTime(), Duration.ofSeconds(1).toNanos())));

        List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            burst.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                            + "/v1/completions"))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + options.model()
                            + "\",\"prompt\":\"burst " + i + "\",\"max_tokens\":200}")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        // Each request takes ~1.5 s of decoding, so all 50 are inside the engines together.
        await().atMost(Duration.ofSeconds(5)).until(() ->
                replicas.stream().mapToInt(r -> r.running() + r.waiting()).sum() == 50);
        List<Integer> perReplica = replicas.stream().map(r -> r.running() + r.waiting()).toList();

        assertThat(perReplica).allSatisfy(n -> assertThat(n).isBetween(12, 22));
        CompletableFuture.allOf(burst.toArray(new CompletableFuture[0])).join();
        assertThat(burst).allSatisfy(f -> assertThat(f.join().statusCode()).isEqualTo(200));
    }
}
