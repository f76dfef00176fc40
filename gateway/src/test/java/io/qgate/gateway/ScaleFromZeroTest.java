package io.qgate.gateway;

import io.qgate.testing.OpenAiStub;
import io.qgate.testing.StubReplica;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A pool scaled to zero: its requests wait at the gateway until a replica is ready (the replicas
 * file stands in for the autoscaler), go on in arrival order no faster than the woken replica
 * takes them, and get 503 with Retry-After when none wakes in time.
 */
class ScaleFromZeroTest extends LoopbackGatewayTest {

    private static final String HELD = "{\"model\":\"m\",\"prompt\":\"hold\",\"max_tokens\":1000}";

    @TempDir
    Path directory;

    private final OpenAiStub openAi = new OpenAiStub();

    private static void replace(Path file, String content) throws Exception {
        Path temporary = Files.writeString(file.resolveSibling("replicas.tmp"), content);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private Gateway wakingGateway(Path file, String... settings) {
        String[] all = new String[settings.length + 6];
        System.arraycopy(new String[] {"discovery.file", file.toString(), "scale-from-zero.enabled", "true",
                "batching.routes", ""}, 0, all, 0, 6);
        System.arraycopy(settings, 0, all, 6, settings.length);
        return gateway("", all);
    }

    @Test
    void requestsWaitForTheFirstReplicaAndTheGatewayStaysReady() throws Exception {
        StubReplica replica = stub().respondWith(openAi);
        Path file = Files.writeString(directory.resolve("replicas"), "# scaled to zero\n");
        Gateway gateway = wakingGateway(file);

        assertThat(get(gateway.adminPort(), "/readyz").statusCode()).isEqualTo(200);
        CompletableFuture<HttpResponse<String>> first = postAsync(gateway, "/v1/completions",
                "{\"model\":\"m\",\"prompt\":\"one\",\"max_tokens\":5}", "Bearer sk-a");
        CompletableFuture<HttpResponse<String>> second = postAsync(gateway, "/v1/completions",
                "{\"model\":\"m\",\"prompt\":\"two\",\"max_tokens\":5,\"stream\":false}", "Bearer sk-b");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                metric(gateway, "qgate_pool_waiting_for_replica{pool=\"default\"}") == 2);
        assertThat(metric(gateway, "qgate_pool_demand{pool=\"default\"}")).isEqualTo(2);
        assertThat(get(gateway.adminPort(), "/scaling").body()).contains("\"demand\":2")
                .contains("\"waitingForReplica\":2").contains("\"readyReplicas\":0");
        assertThat(first).isNotDone();

        replace(file, replica.url() + "\n");

        assertThat(first.join().statusCode()).isEqualTo(200);
        assertThat(second.join().statusCode()).isEqualTo(200);
        assertThat(replica.received()).extracting(StubReplica.RecordedRequest::body)
                .allMatch(body -> body.contains("\"one\"") || body.contains("\"two\""));
        assertThat(metric(gateway, "qgate_pool_waiting_for_replica{pool=\"default\"}")).isZero();
    }

    @Test
    void aWokenReplicaGetsNoMoreAtOnceThanTheReleaseAllowsAndTheRestFollowInOrder() throws Exception {
        StubReplica replica = stub().respondWith(openAi);
        Path file = Files.writeString(directory.resolve("replicas"), "");
        Gateway gateway = wakingGateway(file, "scale-from-zero.release-per-replica", "2");
        List<CompletableFuture<HttpResponse<String>>> held = List.of(
                postAsync(gateway, "/v1/completions", HELD, "Bearer sk-a"),
                postAsync(gateway, "/v1/completions", HELD, "Bearer sk-a"),
                postAsync(gateway, "/v1/completions", HELD, "Bearer sk-a"),
                postAsync(gateway, "/v1/completions", HELD, "Bearer sk-a"));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                metric(gateway, "qgate_pool_waiting_for_replica{pool=\"default\"}") == 4);

        replace(file, replica.url() + "\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> openAi.heldCount() == 2);
        // Two at the replica, two still at the gateway: the replica is not handed the backlog.
        assertThat(metric(gateway, "qgate_queue_length{pool=\"default\",priority=\"normal\"}")).isEqualTo(2);

        openAi.releaseHeld();
        // The two left at the gateway follow as the first two free their slots. (Releasing again until
        // all are answered: a release that runs while a follower arrives may answer it already.)
        await().atMost(Duration.ofSeconds(10)).until(() -> replica.received().size() == 4);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            openAi.releaseHeld();
            return held.stream().allMatch(CompletableFuture::isDone);
        });
        for (CompletableFuture<HttpResponse<String>> request : held) {
            assertThat(request.join().statusCode()).isEqualTo(200);
        }
        assertThat(replica.received()).hasSize(4);
    }

    @Test
    void whenNoReplicaWakesInTimeTheAnswerIs503WithRetryAfter() throws Exception {
        Path file = Files.writeString(directory.resolve("replicas"), "");
        Gateway gateway = wakingGateway(file, "scale-from-zero.timeout", "300ms", "admission.queue-size", "1");

        CompletableFuture<HttpResponse<String>> waiting = postAsync(gateway, "/v1/completions",
                "{\"model\":\"m\",\"prompt\":\"x\"}", "Bearer sk-a");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                metric(gateway, "qgate_pool_waiting_for_replica{pool=\"default\"}") == 1);
        // The hold is full: the next one is refused at once, as 503 (no replica), not 429.
        HttpResponse<String> full = post(gateway, "/v1/completions", "{\"model\":\"m\",\"prompt\":\"y\"}");
        assertThat(full.statusCode()).isEqualTo(503);
        assertThat(full.headers().firstValue("retry-after")).hasValue("1");
        assertThat(full.body()).contains("no_ready_replica").contains("starting from zero");

        HttpResponse<String> timedOut = waiting.join();
        assertThat(timedOut.statusCode()).isEqualTo(503);
        assertThat(timedOut.headers().firstValue("retry-after")).hasValue("1");
        // The request is over once its answer is written, a moment after the client read it.
        await().atMost(Duration.ofSeconds(5)).until(() -> metric(gateway, "qgate_pool_demand{pool=\"default\"}") == 0);
    }

    @Test
    void aHeldStreamIsRelayedEventByEventOnceAReplicaWakes() throws Exception {
        StubReplica replica = stub().respondWith(StubReplica.sse(3, 5));
        Path file = Files.writeString(directory.resolve("replicas"), "");
        Gateway gateway = wakingGateway(file);
        CompletableFuture<HttpResponse<String>> stream = postAsync(gateway, "/v1/chat/completions",
                "{\"model\":\"m\",\"stream\":true,\"messages\":[]}", "Bearer sk-a");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                metric(gateway, "qgate_pool_waiting_for_replica{pool=\"default\"}") == 1);

        replace(file, replica.url() + "\n");

        HttpResponse<String> answer = stream.join();
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("content-type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("text/event-stream"));
        assertThat(answer.body()).contains("data: [DONE]");
    }

    @Test
    void aClientThatLeavesWhileHeldIsForgottenAndNeverSent() throws Exception {
        StubReplica replica = stub().respondWith(openAi);
        Path file = Files.writeString(directory.resolve("replicas"), "");
        Gateway gateway = wakingGateway(file);
        CompletableFuture<HttpResponse<String>> leaving = postAsync(gateway, "/v1/completions",
                "{\"model\":\"m\",\"prompt\":\"gone\"}", "Bearer sk-a");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                metric(gateway, "qgate_pool_waiting_for_replica{pool=\"default\"}") == 1);

        leaving.cancel(true);
        await().atMost(Duration.ofSeconds(10)).until(() -> metric(gateway, "qgate_pool_demand{pool=\"default\"}") == 0
                && metric(gateway, "qgate_pool_waiting_for_replica{pool=\"default\"}") == 0);
        replace(file, replica.url() + "\n");
        assertThat(post(gateway, "/v1/completions", "{\"model\":\"m\",\"prompt\":\"here\"}").statusCode())
                .isEqualTo(200);
        assertThat(replica.received()).extracting(StubReplica.RecordedRequest::body)
                .noneMatch(body -> body.contains("gone"));
    }

    @Test
    void drainingRefusesHeldRequestsWith503SoTheirClientsRetryElsewhere() throws Exception {
        Path file = Files.writeString(directory.resolve("replicas"), "");
        Gateway gateway = wakingGateway(file, "shutdown.delay", "0s");
        CompletableFuture<HttpResponse<String>> held = postAsync(gateway, "/v1/completions",
                "{\"model\":\"m\",\"prompt\":\"x\"}", "Bearer sk-a");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                metric(gateway, "qgate_pool_waiting_for_replica{pool=\"default\"}") == 1);

        CompletableFuture<Void> drain = CompletableFuture.runAsync(gateway::shutdownGracefully);

        HttpResponse<String> refused = held.join();
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("retry-after")).isPresent();
        drain.get(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void withoutScaleFromZeroAnEmptyPoolAnswers503AtOnceAndIsNotReady() throws Exception {
        Path file = Files.writeString(directory.resolve("replicas"), "");
        Gateway gateway = gateway("", "discovery.file", file.toString());

        assertThat(get(gateway.adminPort(), "/readyz").statusCode()).isEqualTo(503);
        HttpResponse<String> refused = post(gateway, "/v1/completions", "{\"model\":\"m\",\"prompt\":\"x\"}");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body()).contains("no_ready_replica");
    }
}
