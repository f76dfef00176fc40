package io.qgate.bench.study.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.qgate.bench.sim.SimOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SoakReplicaTest {

    private static HttpRequest chat(int port, String id, boolean stream, int maxTokens) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("X-Request-Id", id)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + SimOptions.defaults().model()
                        + "\",\"stream\":" + stream + ",\"max_tokens\":" + maxTokens
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build();
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @Test
    void aKillResetsItsConnectionsNamesTheRequestsItCutAndTheReplicaComesBackOnItsPort() throws Exception {
        try (SoakReplica replica = SoakReplica.start(0, SimOptions.defaults().with(o -> {
            o.host = "127.0.0.1";
            o.timeScale = 1;
            o.maxNumSeqs = 4;
            o.ioThreads = 1;
        }))) {
            int port = replica.port();
            HttpClient before = client();
            assertThat(before.send(chat(port, "done-1", false, 1), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(200);
            // About 7 s of tokens at time scale 1: certainly still streaming when the kill comes.
            HttpResponse<InputStream> streaming = before.sendAsync(chat(port, "cut-1", true, 1000),
                    HttpResponse.BodyHandlers.ofInputStream()).get(10, TimeUnit.SECONDS);
            assertThat(streaming.statusCode()).isEqualTo(200);

            SoakReplica.Kill kill = replica.kill();

            // done-1 ended a moment ago on a connection the kill reset: its last bytes may have been among
            // those the reset dropped, so it counts as cut too (a cut that was answered is still answered).
            assertThat(kill.cutIds()).containsExactlyInAnyOrder("cut-1", "done-1");
            assertThat(kill.connectionsReset()).isGreaterThanOrEqualTo(1);
            assertThat(replica.up()).isFalse();
            String rest;
            try (InputStream body = streaming.body()) {
                rest = new String(body.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                rest = "reset: " + e;
            }
            assertThat(rest).doesNotContain("[DONE]");
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);

            replica.restart();

            assertThat(replica.up()).isTrue();
            assertThat(replica.port()).isEqualTo(port);
            assertThat(client().send(chat(port, "after-1", false, 1), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(200);
            // Counted once the replica's last write has completed, which the client may see first.
            await().atMost(Duration.ofSeconds(5)).until(() -> replica.answered() == 2);
        }
    }
}
