package io.qgate.gateway;

import io.qgate.testing.OpenAiStub;
import io.qgate.testing.StubReplica;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The order in which requests waiting at the gateway go on, end to end: one slot (held by a
 * request the stub keeps), the others queued in a known order, then the slot freed; the replica
 * records the order it was sent them.
 */
class QueueOrderTest extends LoopbackGatewayTest {

    private final OpenAiStub openAi = new OpenAiStub();

    private Gateway oneSlot(StubReplica replica, String... more) {
        List<String> settings = new ArrayList<>(List.of("batching.routes", "", "admission.max-inflight", "1"));
        settings.addAll(List.of(more));
        return gateway(replica.url(), settings.toArray(new String[0]));
    }

    private CompletableFuture<HttpResponse<String>> complete(Gateway gateway, String prompt, String key,
                                                             String extra) {
        return postAsync(gateway, "/v1/completions", "{\"model\":\"m\",\"prompt\":\"" + prompt + "\"" + extra + "}",
                "Bearer " + key);
    }

    /** Sends a request and waits until it is queued, so the queue's arrival order is the test's. */
    private CompletableFuture<HttpResponse<String>> queued(Gateway gateway, String prompt, String key, String extra)
            throws Exception {
        double before = waiting(gateway);
        CompletableFuture<HttpResponse<String>> request = complete(gateway, prompt, key, extra);
        await().atMost(Duration.ofSeconds(10)).until(() -> waiting(gateway) == before + 1);
        return request;
    }

    private double waiting(Gateway gateway) throws Exception {
        double sum = 0;
        for (String band : List.of("high", "normal", "low")) {
            sum += metric(gateway, "qgate_queue_length{pool=\"default\",priority=\"" + band + "\"}");
        }
        return sum;
    }

    private static List<String> prompts(StubReplica replica) {
        List<String> prompts = new ArrayList<>();
        for (StubReplica.RecordedRequest request : replica.received()) {
            String body = request.body();
            int at = body.indexOf("\"prompt\":\"") + 10;
            prompts.add(body.substring(at, body.indexOf('"', at)));
        }
        return prompts;
    }

    @Test
    void aTenantWithABacklogDoesNotDelayAnotherTenantsRequest() throws Exception {
        StubReplica replica = stub().respondWith(openAi);
        Gateway gateway = oneSlot(replica);
        CompletableFuture<HttpResponse<String>> occupant = complete(gateway, "hold", "sk-flood", "");
        await().atMost(Duration.ofSeconds(10)).until(() -> openAi.heldCount() == 1);
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>(List.of(
                queued(gateway, "flood1", "sk-flood", ""),
                queued(gateway, "flood2", "sk-flood", ""),
                queued(gateway, "flood3", "sk-flood", ""),
                queued(gateway, "quiet1", "sk-quiet", "")));

        openAi.releaseHeld();
        all.add(occupant);
        all.forEach(request -> assertThat(request.join().statusCode()).isEqualTo(200));
        // FIFO would have sent quiet1 last.
        assertThat(prompts(replica)).containsExactly("hold", "flood1", "quiet1", "flood2", "flood3");
    }

    @Test
    void moreUrgentPrioritiesGoFirstFromTheBodyOrTheHeader() throws Exception {
        StubReplica replica = stub().respondWith(openAi);
        Gateway gateway = oneSlot(replica, "admission.priority-header", "x-priority");
        CompletableFuture<HttpResponse<String>> occupant = complete(gateway, "hold", "sk-a", "");
        await().atMost(Duration.ofSeconds(10)).until(() -> openAi.heldCount() == 1);
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>(List.of(
                queued(gateway, "batch", "sk-a", ",\"priority\":10"),
                queued(gateway, "normal", "sk-a", ""),
                queued(gateway, "interactive", "sk-a", ",\"priority\":-1")));
        assertThat(metric(gateway, "qgate_queue_length{pool=\"default\",priority=\"low\"}")).isOne();
        assertThat(metric(gateway, "qgate_queue_length{pool=\"default\",priority=\"high\"}")).isOne();

        openAi.releaseHeld();
        all.add(occupant);
        all.forEach(request -> assertThat(request.join().statusCode()).isEqualTo(200));
        assertThat(prompts(replica)).containsExactly("hold", "interactive", "normal", "batch");
        // The priority is passed on unchanged.
        assertThat(replica.received().get(1).body()).contains("\"priority\":-1");
    }

    @Test
    void aFullQueueShedsALessUrgentSheddableRequestButNeverAMoreUrgentOne() throws Exception {
        StubReplica replica = stub().respondWith(openAi);
        Gateway gateway = oneSlot(replica, "admission.queue-size", "1", "admission.sheddable-below", "0");
        CompletableFuture<HttpResponse<String>> occupant = complete(gateway, "hold", "sk-a", "");
        await().atMost(Duration.ofSeconds(10)).until(() -> openAi.heldCount() == 1);
        CompletableFuture<HttpResponse<String>> sheddable = queued(gateway, "low", "sk-a", ",\"priority\":3");

        // A normal request pushes the sheddable one out of the full queue.
        CompletableFuture<HttpResponse<String>> normal = complete(gateway, "normal", "sk-b", "");
        HttpResponse<String> shed = sheddable.join();
        assertThat(shed.statusCode()).isEqualTo(429);
        assertThat(shed.headers().firstValue("retry-after")).isPresent();
        // Another sheddable one finds the queue full of a more urgent request: it is the one refused.
        HttpResponse<String> refused = complete(gateway, "low2", "sk-a", ",\"priority\":3").join();
        assertThat(refused.statusCode()).isEqualTo(429);

        openAi.releaseHeld();
        assertThat(occupant.join().statusCode()).isEqualTo(200);
        assertThat(normal.join().statusCode()).isEqualTo(200);
        assertThat(prompts(replica)).containsExactly("hold", "normal");
        assertThat(metric(gateway, "qgate_admission_refusals_total{pool=\"default\",reason=\"shed\"}")).isOne();
        assertThat(metric(gateway, "qgate_admission_refusals_total{pool=\"default\",reason=\"queue_full\"}")).isOne();
        assertThat(get(gateway.adminPort(), "/metrics").body()).contains("qgate_queue_wait_seconds_count{pool=\"default\"}");
    }
}
