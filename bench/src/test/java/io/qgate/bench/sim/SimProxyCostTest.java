package io.qgate.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The two costs of the modelled LiteLLM, over real connections: proxy work, for which requests
 * queue, and the hop, for which they do not. Only lower bounds are asserted where a slow machine
 * could stretch a time, and upper bounds only where the alternative (queueing) would take
 * several times as long; a warm-up request first keeps class loading out of the times.
 */
class SimProxyCostTest {

    private static final String MODEL = "meta-llama/Llama-3.1-8B-Instruct";
    /** Long enough that a few milliseconds of scheduling noise cannot blur one turn into four. */
    private static final long WORK_MS = 250;
    private static final String ONE_INPUT = "{\"model\":\"" + MODEL + "\",\"input\":\"short text\"}";

    private final ExecutorService clients = Executors.newFixedThreadPool(4);

    @AfterEach
    void stopClients() throws InterruptedException {
        clients.shutdownNow();
        clients.awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void oneProxyWorkerServesConcurrentRequestsOneAfterAnother() {
        try (SimServer server = SimServer.start(options().with(o -> {
            o.proxyCpuMs = WORK_MS;
            o.proxyWorkers = 1;
        }))) {
            long elapsed = concurrently(server, 4, ONE_INPUT);

            // Four turns, one after the other.
            assertThat(elapsed).isGreaterThanOrEqualTo(4 * WORK_MS);
            assertThat(server.apiRequests()).isEqualTo(1 + 4);
        }
    }

    @Test
    void moreProxyWorkersServeRequestsSideBySide() {
        try (SimServer server = SimServer.start(options().with(o -> {
            o.proxyCpuMs = WORK_MS;
            o.proxyWorkers = 4;
        }))) {
            long elapsed = concurrently(server, 4, ONE_INPUT);

            // One turn each, side by side; queued, they would take four.
            assertThat(elapsed).isGreaterThanOrEqualTo(WORK_MS).isLessThan(4 * WORK_MS);
        }
    }

    @Test
    void theHopDelaysEveryRequestButNeverQueues() {
        try (SimServer server = SimServer.start(options().with(o -> o.proxyOverheadMs = WORK_MS / 2))) {
            long elapsed = concurrently(server, 4, ONE_INPUT);

            // In and out, all four at once; queued, they would take four times as long.
            assertThat(elapsed).isGreaterThanOrEqualTo(WORK_MS).isLessThan(4 * WORK_MS);
        }
    }

    @Test
    void aRequestPaysProxyWorkOnceWhateverItsNumberOfInputs() {
        StringBuilder many = new StringBuilder("{\"model\":\"" + MODEL + "\",\"input\":[");
        for (int i = 0; i < 32; i++) {
            many.append(i == 0 ? "" : ",").append("\"text number ").append(i).append('"');
        }
        String batch = many.append("]}").toString();
        try (SimServer server = SimServer.start(options().with(o -> {
            o.proxyCpuMs = WORK_MS;
            o.embeddingMsPerItem = 1;
        }))) {
            SimClient client = new SimClient(server.port());
            warmUp(client);
            long start = System.nanoTime();
            assertThat(client.postJson("/v1/embeddings", batch).get("data").size()).isEqualTo(32);
            long elapsed = (System.nanoTime() - start) / 1_000_000;

            // One turn of proxy work, then the encoder: 32 inputs at 1 ms each. A turn per input would take 32.
            assertThat(elapsed).isGreaterThanOrEqualTo(WORK_MS + 32).isLessThan(4 * WORK_MS);
            assertThat(server.apiRequests()).isEqualTo(1 + 1);
        }
    }

    @Test
    void embeddingInputsOfOneRequestAddToItsEngineTime() {
        String three = "{\"model\":\"" + MODEL + "\",\"input\":[\"a\",\"b\",\"c\"]}";
        try (SimServer server = SimServer.start(options().with(o -> o.embeddingMsPerItem = 100))) {
            SimClient client = new SimClient(server.port());
            long start = System.nanoTime();
            client.postJson("/v1/embeddings", three);

            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(300);
        }
    }

    /** One request, before anything is timed; it has finished, and freed its proxy worker, on return. */
    private static void warmUp(SimClient client) {
        assertThat(client.postJson("/v1/embeddings", ONE_INPUT).get("data").size()).isEqualTo(1);
    }

    /** Fast everything except what a test turns on: no hop, no prefill overhead, tiny token costs. */
    private static SimOptions options() {
        return SimOptions.defaults().with(o -> {
            o.port = 0;
            o.proxyOverheadMs = 0;
            o.prefillOverheadMs = 0;
            o.prefillMsPerToken = 0;
            o.embeddingMsPerItem = 0;
            o.embeddingDim = 8;
        });
    }

    /**
     * Sends {@code count} requests at once, each on a connection of its own, after one request
     * alone that loads the classes of both ends; milliseconds until the last answer.
     */
    private long concurrently(SimServer server, int count, String body) {
        warmUp(new SimClient(server.port()));
        long start = System.nanoTime();
        List<CompletableFuture<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SimClient client = new SimClient(server.port());
            answers.add(CompletableFuture.supplyAsync(
                    () -> client.postJson("/v1/embeddings", body).get("data").size(), clients));
        }
        answers.forEach(answer -> assertThat(answer.join()).isEqualTo(1));
        return (System.nanoTime() - start) / 1_000_000;
    }
}
