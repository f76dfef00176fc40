package io.qgate.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The DCGM-style GPU series: busy whenever one sequence runs, memory reserved whatever the load. */
class GpuGaugesTest {

    private static final long SECOND = 1_000_000_000L;
    private static final Pattern UTIL = Pattern.compile("DCGM_FI_DEV_GPU_UTIL\\{[^}]*} (\\S+)\n");

    @Test
    void utilizationIsTheBusyShareOfEachFullSamplePeriod() {
        GpuGauges gpu = new GpuGauges(1, 0);

        assertThat(gpu.utilizationPercent(SECOND / 4, SECOND / 2)).as("no full period yet").isZero();
        assertThat(gpu.utilizationPercent(3 * SECOND / 10, SECOND)).isEqualTo(30.0);
        // Until the next full period the last sample stands, as DCGM's does between its samples.
        assertThat(gpu.utilizationPercent(SECOND, 3 * SECOND / 2)).isEqualTo(30.0);
        assertThat(gpu.utilizationPercent(13 * SECOND / 10, 2 * SECOND)).isEqualTo(100.0);
        assertThat(gpu.utilizationPercent(13 * SECOND / 10, 3 * SECOND)).as("idle").isZero();
    }

    @Test
    void oneRunningSequenceKeepsTheGpuFullyBusyAndTheMemoryIsFlat() {
        try (SimServer sim = SimServer.start(SimOptions.defaults().with(o -> {
            o.port = 0;
            o.seed = 3;
            o.gpuMetrics = true;
        }))) {
            String idle = sim.metricsText();
            CompletableFuture<HttpResponse<String>> running = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sim.port() + "/v1/completions"))
                            .header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + SimOptions.defaults().model()
                                    + "\",\"prompt\":\"long\",\"max_tokens\":2000}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            try {
                // One sequence of the engine's max-num-seqs: the replica is nearly empty, the GPU is not.
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    assertThat(sim.running()).isEqualTo(1);
                    assertThat(utilization(sim.metricsText())).isEqualTo(100.0);
                });
                assertThat(SimOptions.defaults().maxNumSeqs()).isGreaterThan(100);
                String busy = sim.metricsText();
                assertThat(framebufferUsed(busy)).isEqualTo(framebufferUsed(idle)).isPositive();
            } finally {
                running.cancel(true);
            }
        }
    }

    private static double utilization(String text) {
        Matcher m = UTIL.matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static double framebufferUsed(String text) {
        Matcher m = Pattern.compile("DCGM_FI_DEV_FB_USED\\{[^}]*} (\\S+)\n").matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
