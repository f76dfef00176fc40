package io.qgate.bench;

import io.qgate.bench.load.LoadGenerator;
import io.qgate.bench.load.LoadResult;
import io.qgate.bench.sim.SimOptions;
import io.qgate.bench.sim.SimServer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * The README's first command runs the demo; this runs what it prints. Every curl example in the
 * instructions is sent as it stands (URL and JSON body) and must be answered.
 */
class DemoFleetTest {

    private static final Pattern CURL = Pattern.compile("curl -sN? (http://\\S+)(?: -H '[^']*' \\\\\\s+-d '([^']*)')?");

    @Test
    void theDemoServesTheExamplesItPrints() throws Exception {
        try (DemoFleet demo = DemoFleet.start(0, 0, 3, 0, 0.1)) {
            String instructions = demo.instructions();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<String> answered = new ArrayList<>();

            Matcher curl = CURL.matcher(instructions);
            while (curl.find()) {
                String url = curl.group(1);
                String body = curl.group(2);
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
                if (body != null) {
                    request.header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
                }
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(url + " " + body).isEqualTo(200);
                answered.add(url);
            }

            assertThat(answered).hasSizeGreaterThanOrEqualTo(7)
                    .anyMatch(url -> url.endsWith("/v1/chat/completions"))
                    .anyMatch(url -> url.endsWith("/v1/embeddings"))
                    .anyMatch(url -> url.endsWith("/metrics"))
                    .anyMatch(url -> url.endsWith("/status.json"));
            assertThat(instructions).contains("\"stream\":true").contains("Ctrl-C stops everything");
        }
    }

    @Test
    void theReplicasHaveASmallBatchLimitAndTheLastIsTwiceAsSlow() {
        List<SimOptions> settings = DemoFleet.replicaSettings(3, 8001, 1.0);

        assertThat(settings).extracting(SimOptions::port).containsExactly(8001, 8002, 8003);
        assertThat(settings).extracting(SimOptions::maxNumSeqs).containsOnly(8);
        assertThat(settings.get(1).tpotMs()).isEqualTo(settings.get(0).tpotMs());
        assertThat(settings.get(2).tpotMs()).isEqualTo(2 * settings.get(0).tpotMs());
        assertThat(settings.get(2).prefillMsPerToken()).isEqualTo(2 * settings.get(0).prefillMsPerToken());

        double normal = DemoFleet.capacity(List.of(settings.get(0)));
        double slow = DemoFleet.capacity(List.of(settings.get(2)));
        assertThat(slow / normal).isBetween(0.4, 0.6);
        // Ten times faster in real time at a time scale of 0.1.
        assertThat(DemoFleet.capacity(DemoFleet.replicaSettings(3, 0, 0.1)))
                .isCloseTo(10 * DemoFleet.capacity(settings), within(1e-6 * DemoFleet.capacity(settings)));
        assertThat(DemoFleet.replicaSettings(1, 0, 1.0).get(0).tpotMs()).isEqualTo(settings.get(0).tpotMs());
    }

    @Test
    void theBannerPointsToTheStatusPageAndToLoadThatMakesQueuesForm() throws Exception {
        try (DemoFleet demo = DemoFleet.start(0, 0, 3, 0, 0.1)) {
            String instructions = demo.instructions();

            assertThat(instructions)
                    .contains("Status page (live, in a browser; watch the routing there): http://127.0.0.1:" + demo.gateway().adminPort()
                            + "/\n")
                    .contains("at most 8 requests at once")
                    .contains(":" + demo.replicas().get(2).port() + ", is 2 times as slow")
                    .contains("qgate-bench.jar demo --load")
                    .contains("load --url " + demo.url() + " --rate " + String.format(Locale.ROOT, "%.1f",
                            demo.loadRate()) + " --duration 60s --stream");
            assertThat(demo.loadRate()).isCloseTo(1.2 * demo.capacity(), within(0.05));
        }
    }

    @Test
    void loadIsAcceptedAndRefusedWhereNoQueueCanForm() {
        assertThat(DemoCommand.parse(new String[] {"--load"}).load()).isTrue();
        assertThat(DemoCommand.parse(new String[0]).load()).isFalse();
        assertThatThrownBy(() -> DemoCommand.parse(new String[] {"--load", "--time-scale", "0"}))
                .hasMessageStartingWith("--time-scale: 0.0 with --load (expected: > 0");
    }

    /**
     * What {@code demo --load} runs, for four seconds (two were too few for the slow replica's backlog to
     * show every time under {@code work} routing): every request answered, the slow replica
     * given less. A time scale of 0.25 keeps the rate (about 30 requests a second) within what a
     * busy 2-core CI machine simulates on time.
     */
    @Test
    void theDemosLoadIsAnsweredAndTheSlowReplicaGetsLess() {
        try (DemoFleet demo = DemoFleet.start(0, 0, 3, 0, 0.25)) {
            LoadResult result = LoadGenerator.run(DemoLoad.options(demo, Duration.ofSeconds(4)), null);

            assertThat(result.requests()).isGreaterThan(0);
            assertThat(result.errorCount()).isZero();
            assertThat(result.ok()).isEqualTo(result.requests());
            List<Long> served = demo.replicas().stream().map(SimServer::apiRequests).toList();
            assertThat(served.get(2)).isLessThan(Math.max(served.get(0), served.get(1)));
        }
    }

    /** {@code demo --load}: a progress line each second with the replicas' occupancy; the interrupt of Ctrl-C stops it. */
    @Test
    void theDemosLoadPrintsItsProgressAndStopsWhenInterrupted() throws Exception {
        try (DemoFleet demo = DemoFleet.start(0, 0, 3, 0, 0.25)) {
            ByteArrayOutputStream progress = new ByteArrayOutputStream();

            Thread load = DemoLoad.start(demo, new PrintStream(progress, true, StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> progress.toString(StandardCharsets.UTF_8)
                            .matches("(?s).*\\] sent \\d+ .* replicas \\(running\\+waiting\\) \\d+\\+\\d+ \\d+\\+\\d+ \\d+\\+\\d+\\n.*"));
            load.interrupt();
            load.join(10_000);

            assertThat(load.isAlive()).isFalse();
        }
    }
}
