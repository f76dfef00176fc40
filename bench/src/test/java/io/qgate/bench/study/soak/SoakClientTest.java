package io.qgate.bench.study.soak;

import static org.assertj.core.api.Assertions.assertThat;

import io.qgate.bench.sim.SimOptions;
import io.qgate.bench.sim.SimServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The soak's generator straight against one simulated replica. */
class SoakClientTest {

    private static SimServer replica;
    private static SoakClient client;

    @BeforeAll
    static void start() {
        replica = SimServer.start(SimOptions.defaults().with(o -> {
            o.host = "127.0.0.1";
            o.port = 0;
            o.timeScale = 0.1;
            o.maxNumSeqs = 32;
            o.ioThreads = 1;
        }));
        client = new SoakClient(new InetSocketAddress("127.0.0.1", replica.port()), 1);
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (replica != null) {
            replica.close();
        }
    }

    private static SoakTraffic traffic(double abortFraction) {
        return new SoakTraffic(SimOptions.defaults().model(), "t", abortFraction, 1);
    }

    @Test
    void anOpenLoopMixIsAnsweredInFullAndEveryRequestEndsOnce() throws Exception {
        SoakStats stats = new SoakStats();

        client.open(traffic(0), stats, 40, Duration.ofSeconds(1), 2).get(30, TimeUnit.SECONDS);

        SoakStats.Counts counts = stats.counts();
        assertThat(counts.sent()).isPositive();
        assertThat(counts.of(Ending.OK)).isEqualTo(counts.sent());
        assertThat(counts.doubleEndings()).isZero();
        assertThat(stats.sentByKind()).containsKeys("chat", "chat-stream", "completions", "completions-stream");
        assertThat(stats.total().ttftMicros().getTotalCount()).isPositive();
    }

    @Test
    void anAbortingClientClosesItsStreamAfterAFewEvents() throws Exception {
        SoakStats stats = new SoakStats();

        client.open(traffic(1.0), stats, 20, Duration.ofSeconds(1), 3).get(30, TimeUnit.SECONDS);

        SoakStats.Counts counts = stats.counts();
        assertThat(counts.sent()).isPositive();
        assertThat(counts.of(Ending.ABORTED)).isEqualTo(counts.sent());
        assertThat(stats.failures()).allSatisfy(f -> assertThat(f.ending()).isEqualTo(Ending.ABORTED));
    }

    @Test
    void aClosedLoopKeepsItsUsersBusyUntilTheEnd() throws Exception {
        SoakStats stats = new SoakStats();

        client.closed(traffic(0), stats, 4, Duration.ofSeconds(1), 4).get(30, TimeUnit.SECONDS);

        SoakStats.Counts counts = stats.counts();
        assertThat(counts.sent()).isGreaterThanOrEqualTo(4);
        assertThat(counts.of(Ending.OK)).isEqualTo(counts.sent());
    }
}
