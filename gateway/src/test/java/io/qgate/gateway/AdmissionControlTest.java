package io.qgate.gateway;

import io.qgate.testing.OpenAiStub;
import io.qgate.testing.StubReplica;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway's own limit on requests at the replicas: beyond it requests wait in a bounded
 * queue, published as {@code qgate_queue_length}, and beyond that they get 429 with
 * {@code Retry-After}. Replicas are kept busy by requests the stub holds until told to answer.
 */
class AdmissionControlTest extends LoopbackGatewayTest {

    private static final String QUEUED = "qgate_queue_length{pool=\"default\",priority=\"normal\"}";

    private final OpenAiStub openAi = new OpenAiStub();

    private Gateway limitedGateway(String endpoints, String... more) {
        String[] settings = new String[more.length + 2];
        settings[0] = "batching.routes";
        settings[1] = "";
        System.arraycopy(more, 0, settings, 2, more.length);
        return gateway(endpoints, settings);
    }

    private CompletableFuture<HttpResponse<String>> embed(Gateway gateway, String input) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/embeddings"))
                .timeout(Duration.ofSeconds(20))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"input\":\"" + input + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void beyondTheLimitRequestsWaitAndBeyondTheQueueTheyGet429WithRetryAfter() throws Exception {
        StubReplica replica = stub().respondWith(openAi);
        Gateway gateway = limitedGateway(replica.url(), "admission.max-inflight", "1", "admission.queue-size", "1",
                "admission.retry-after", "3s");

        CompletableFuture<HttpResponse<String>> first = embed(gateway, "hold");
        await().atMost(10, TimeUnit.SECONDS).until(() -> openAi.heldCount() == 1);
        CompletableFuture<HttpResponse<String>> second = embed(gateway, "waits");
        await().atMost(10, TimeUnit.SECONDS).until(() -> metric(gateway, QUEUED) == 1);

        HttpResponse<String> third = embed(gateway, "refused").join();
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.headers().firstValue("retry-after")).hasValue("3");
        assertThat(third.body()).contains("\"code\":\"gateway_overloaded\"").contains("\"type\":\"rate_limit_error\"");
        assertThat(second).isNotDone();
        assertThat(replica.received()).hasSize(1); // the waiting request has not reached the replica

        openAi.releaseHeld();
        assertThat(first.join().statusCode()).isEqualTo(200);
        assertThat(second.join().statusCode()).isEqualTo(200);
        assertThat(metric(gateway, QUEUED)).isZero();
        assertThat(metric(gateway, "qgate_requests_total{code=\"429\",model=\"other\",pool=\"default\",route=\"embeddings\"}"))
                .isEqualTo(1);
    }

    @Test
    void aRequestThatWaitsLongerThanTheQueueTimeoutGets429() throws Exception {
        StubReplica replica = stub().respondWith(openAi);
        Gateway gateway = limitedGateway(replica.url(), "admission.max-inflight", "1",
                "admission.queue-timeout", "200ms");

        CompletableFuture<HttpResponse<String>> first = embed(gateway, "hold");
        await().atMost(10, TimeUnit.SECONDS).until(() -> openAi.heldCount() == 1);
        HttpResponse<String> waited = embed(gateway, "waits").join();

        assertThat(waited.statusCode()).isEqualTo(429);
        assertThat(waited.headers().firstValue("retry-after")).hasValue("1");
        openAi.releaseHeld();
        assertThat(first.join().statusCode()).isEqualTo(200);
        assertThat(embed(gateway, "after").join().statusCode()).isEqualTo(200);
    }

    @Test
    void aClientThatLeavesTheQueueGivesUpItsPlaceAndTheSlotStillPasses() throws Exception {
        StubReplica replica = stub().respondWith(openAi);
        Gateway gateway = limitedGateway(replica.url(), "admission.max-inflight", "1");

        CompletableFuture<HttpResponse<String>> first = embed(gateway, "hold");
        await().atMost(10, TimeUnit.SECONDS).until(() -> openAi.heldCount() == 1);
        CompletableFuture<HttpResponse<String>> leaving = embed(gateway, "leaves");
        await().atMost(10, TimeUnit.SECONDS).until(() -> metric(gateway, QUEUED) == 1);
        leaving.cancel(true);
        await().atMost(10, TimeUnit.SECONDS).until(() -> metric(gateway, QUEUED) == 0);

        openAi.releaseHeld();
        assertThat(first.join().statusCode()).isEqualTo(200);
        assertThat(embed(gateway, "next").join().statusCode()).isEqualTo(200);
        assertThat(embed(gateway, "and-next").join().statusCode()).isEqualTo(200);
        await().atMost(10, TimeUnit.SECONDS).until(() -> metric(gateway, "qgate_inflight_requests{pool=\"default\"}") == 0);
    }

    @Test
    void aLimitPerReplicaGrowsWithTheFleet() throws Exception {
        StubReplica a = stub().respondWith(openAi);
        StubReplica b = stub().respondWith(openAi);
        Gateway gateway = limitedGateway(a.url() + "," + b.url(), "admission.max-inflight-per-replica", "1");

        CompletableFuture<HttpResponse<String>> one = embed(gateway, "hold");
        CompletableFuture<HttpResponse<String>> two = embed(gateway, "hold");
        await().atMost(10, TimeUnit.SECONDS).until(() -> openAi.heldCount() == 2);
        CompletableFuture<HttpResponse<String>> three = embed(gateway, "waits");
        await().atMost(10, TimeUnit.SECONDS).until(() -> metric(gateway, QUEUED) == 1);

        openAi.releaseHeld();
        assertThat(one.join().statusCode()).isEqualTo(200);
        assertThat(two.join().statusCode()).isEqualTo(200);
        assertThat(three.join().statusCode()).isEqualTo(200);
    }
}
