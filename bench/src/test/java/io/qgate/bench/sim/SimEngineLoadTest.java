package io.qgate.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Continuous batching as the gateway observes it: slots, the queue, and freed slots. */
class SimEngineLoadTest {

    private static final String MODEL = "meta-llama/Llama-3.1-8B-Instruct";

    @Test
    void requestsBeyondMaxNumSeqsWaitAndMetricsShowIt() {
        SimOptions options = SimOptions.defaults().with(o -> {
            o.port = 0;
            o.metricsPort = 0;
            o.maxNumSeqs = 2;
        });
        try (SimServer server = SimServer.start(options)) {
            assertThat(server.metricsPort()).isNotEqualTo(server.port());
            SimClient metrics = new SimClient(server.metricsPort());
            List<RawHttp> clients = new ArrayList<>();
            try {
                // 2000 tokens at 7.5-15 ms each: far longer than the test, so nothing finishes.
                for (int i = 0; i < 6; i++) {
                    RawHttp client = new RawHttp(server.port());
                    clients.add(client);
                    client.write(RawHttp.post("/v1/chat/completions", "{\"model\":\"" + MODEL
                            + "\",\"messages\":[{\"role\":\"user\",\"content\":\"request " + i
                            + "\"}],\"max_tokens\":2000}"));
                }
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(metrics.get("/metrics").body())
                        .contains("vllm:num_requests_running{engine=\"0\",model_name=\"" + MODEL + "\"} 2.0\n")
                        .contains("vllm:num_requests_waiting{engine=\"0\",model_name=\"" + MODEL + "\"} 4.0\n"));
                assertThat(server.running()).isEqualTo(2);
                assertThat(server.waiting()).isEqualTo(4);
                assertThat(server.kvCacheUsage()).isGreaterThan(0.0);
                // The API port does not serve the sidecar's metrics.
                assertThat(new SimClient(server.port()).get("/metrics").statusCode()).isEqualTo(404);
            } finally {
                clients.forEach(RawHttp::close);
            }
            // Disconnected clients are aborted and free their slots and KV cache.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(server.running()).isZero();
                assertThat(server.waiting()).isZero();
                assertThat(server.kvCacheUsage()).isZero();
            });
            assertThat(server.metricsText()).contains("finished_reason=\"abort\"");
        }
    }

    @Test
    void aWaitingRequestIsAdmittedWhenARunningOneFinishes() {
        SimOptions options = SimOptions.defaults().with(o -> {
            o.port = 0;
            o.maxNumSeqs = 1;
            o.timeScale = 0.05;
        });
        try (SimServer server = SimServer.start(options)) {
            SimClient client = new SimClient(server.port());
            List<CompletableFuture<JsonNode>> answers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String body = "{\"model\":\"" + MODEL + "\",\"prompt\":\"queued " + i + "\",\"max_tokens\":20}";
                answers.add(CompletableFuture.supplyAsync(
                        () -> client.postJson("/v1/completions", body)));
            }
            for (var answer : answers) {
                assertThat(answer.join().get("usage").get("completion_tokens").asInt()).isEqualTo(20);
            }
            assertThat(server.running()).isZero();
            assertThat(server.waiting()).isZero();
        }
    }

    @Test
    void aQueuedStreamSendsItsFirstEventOnlyWithItsFirstToken() throws Exception {
        // One slot, held by a long answer: the second stream waits. Its headers go out at once, but
        // its role chunk must not while it waits, as vLLM emits it with the first engine output.
        SimOptions options = SimOptions.defaults().with(o -> {
            o.port = 0;
            o.maxNumSeqs = 1;
        });
        try (SimServer server = SimServer.start(options);
             RawHttp holder = new RawHttp(server.port())) {
            holder.write(RawHttp.post("/v1/completions", "{\"model\":\"" + MODEL
                    + "\",\"prompt\":\"hold\",\"max_tokens\":2000,\"stream\":true}"));
            await().atMost(Duration.ofSeconds(10)).until(() -> server.running() == 1);

            List<String> events = new CopyOnWriteArrayList<>();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<Stream<String>> response = http.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                            + "/v1/chat/completions")).POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                                    + "\"max_tokens\":5,\"stream\":true}")).build(),
                    HttpResponse.BodyHandlers.ofLines()).get(10, TimeUnit.SECONDS);
            CompletableFuture<Void> reader = CompletableFuture.runAsync(
                    () -> response.body().filter(line -> line.startsWith("data: ")).forEach(events::add));

            assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/event-stream"));
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
                assertThat(server.waiting()).isEqualTo(1);
                assertThat(events).isEmpty();
            });
            holder.close();
            reader.get(10, TimeUnit.SECONDS);
            assertThat(events.get(0)).contains("\"role\":\"assistant\"");
            assertThat(events.get(events.size() - 1)).isEqualTo("data: [DONE]");
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() {
        try (SimServer server = SimServer.start(SimOptions.defaults().with(o -> {
            o.port = 0;
            o.timeScale = 0.05;
        }));
             RawHttp raw = new RawHttp(server.port())) {
            raw.write(RawHttp.post("/v1/completions", "{\"model\":\"" + MODEL + "\",\"prompt\":\"a\",\"max_tokens\":30}")
                    + RawHttp.post("/v1/completions", "{\"model\":\"" + MODEL + "\",\"prompt\":\"b\",\"max_tokens\":1}"));

            JsonNode first = OpenAiJson.MAPPER.readTree(raw.readBody());
            JsonNode second = OpenAiJson.MAPPER.readTree(raw.readBody());

            assertThat(first.get("usage").get("completion_tokens").asInt()).isEqualTo(30);
            assertThat(second.get("usage").get("completion_tokens").asInt()).isEqualTo(1);
        }
    }

    @Test
    void streamedTokensKeepTheirOrderWhenTokensComeFasterThanTheProxyHop() {
        // At this scale a decode step (75 us) is shorter than the event loop's timer slack, the
        // case where tokens once overtook each other.
        SimOptions options = SimOptions.defaults().with(o -> {
            o.port = 0;
            o.timeScale = 0.01;
            o.proxyOverheadMs = 10;
        });
        try (SimServer server = SimServer.start(options)) {
            SimClient client = new SimClient(server.port());
            List<CompletableFuture<Void>> runs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String request = "{\"model\":\"" + MODEL + "\",\"prompt\":\"order " + i + "\",\"max_tokens\":400";
                runs.add(CompletableFuture.runAsync(() -> {
                    String expected = client.postJson("/v1/completions", request + "}")
                            .get("choices").get(0).get("text").asString();
                    StringBuilder streamed = new StringBuilder();
                    for (SimClient.Event event : client.stream("/v1/completions", request + ",\"stream\":true}")) {
                        if (!event.data().equals("[DONE]")) {
                            streamed.append(OpenAiJson.MAPPER.readTree(event.data())
                                    .get("choices").get(0).get("text").asString());
                        }
                    }
                    assertThat(streamed.toString()).isEqualTo(expected);
                }));
            }
            runs.forEach(CompletableFuture::join);
        }
    }
}
