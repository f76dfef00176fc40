package io.qgate.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.qgate.fleet.workload.Workload;
import io.qgate.bench.load.StubServer.Reply;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The generator against a stub server on real loopback sockets. */
class LoadGeneratorTest {

    private static LoadOptions.Builder options(StubServer server) {
        return LoadOptions.builder().url(server.url()).workload(Workload.tiny()).quiet(true)
                .drainTimeout(Duration.ofSeconds(5));
    }

    @Test
    void closedLoopCompletesExactlyTheRequestedNumber() {
        try (StubServer server = StubServer.builder().start()) {
            LoadResult result = LoadGenerator.run(options(server).concurrency(4).requests(50).build());

            assertThat(result.requests()).isEqualTo(50);
            assertThat(result.ok()).isEqualTo(50);
            assertThat(result.errors()).isEmpty();
            assertThat(server.received()).isEqualTo(50);
            assertThat(result.outputTokens()).isEqualTo(50L * StubServer.COMPLETION_TOKENS);
            assertThat(result.e2eMicros().getTotalCount()).isEqualTo(50);
            assertThat(result.ttftMs().p50()).isLessThanOrEqualTo(result.e2eMs().p50());
        }
    }

    @Test
    void closedLoopStreamsAndTakesTokensFromUsage() {
        try (StubServer server = StubServer.builder().events(5).start()) {
            LoadResult result = LoadGenerator.run(options(server).concurrency(3).requests(20).stream(true).build());

            assertThat(result.ok()).isEqualTo(20);
            assertThat(result.outputTokens()).isEqualTo(20L * 5);
            assertThat(result.ttftMicros().getTotalCount()).isEqualTo(20);
        }
    }

    @Test
    void sseEventsSplitAcrossWritesAreParsed() {
        try (StubServer server = StubServer.builder().events(5).usage(false).splitEvents(true).start()) {
            LoadResult result = LoadGenerator.run(options(server).concurrency(2).requests(6).stream(true).build());

            assertThat(result.errors()).isEmpty();
            assertThat(result.ok()).isEqualTo(6);
            // Without usage the generator counts content chunks: five per stream, the empty role chunk excluded.
            assertThat(result.outputTokens()).isEqualTo(6L * 5);
        }
    }

    @Test
    void openLoopKeepsTheOfferedRateWhenTheServerIsSlow() {
        try (StubServer server = StubServer.builder().delayMillis(300).start()) {
            LoadResult result = LoadGenerator.run(options(server).rate(200).duration(Duration.ofSeconds(1)).build());

            // A closed loop would be held to a few requests by a 300 ms server; Poisson at 200/s gives ~200.
            assertThat(result.requests()).isBetween(120L, 300L);
            assertThat(result.ok()).isEqualTo(result.requests());
            assertThat(server.received()).isEqualTo((int) result.requests());
            assertThat(result.e2eMs().p50()).isGreaterThanOrEqualTo(300.0);
        }
    }

    @Test
    void openLoopCountsClientSaturationInsteadOfWaiting() {
        try (StubServer server = StubServer.builder().delayMillis(400).start()) {
            LoadResult result = LoadGenerator.run(options(server).rate(100).duration(Duration.ofMillis(500))
                    .maxConnections(2).build());

            assertThat(result.errorCount(ErrorKinds.CLIENT_SATURATED)).isPositive();
            assertThat(result.ok() + result.errorCount(ErrorKinds.CLIENT_SATURATED)).isEqualTo(result.requests());
            assertThat(server.received()).isLessThanOrEqualTo(4);
        }
    }

    @Test
    void errorsAreCountedByKind() {
        StubServer.Builder stub = StubServer.builder().events(5)
                .replies(n -> n % 3 == 1 ? Reply.STATUS_500 : n % 3 == 2 ? Reply.CLOSE_MID_STREAM : Reply.OK);
        try (StubServer server = stub.start()) {
            LoadResult result = LoadGenerator.run(options(server).concurrency(3).requests(30).stream(true).build());

            assertThat(result.requests()).isEqualTo(30);
            assertThat(result.ok()).isEqualTo(10);
            assertThat(result.errors()).containsOnly(
                    org.assertj.core.api.Assertions.entry(ErrorKinds.http(500), 10L),
                    org.assertj.core.api.Assertions.entry(ErrorKinds.RESET, 10L));
        }
    }

    @Test
    void refusedConnectionsAreConnectErrors() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort(); // closed again at once: nothing listens there
        }
        LoadResult result = LoadGenerator.run(LoadOptions.builder().url("http://127.0.0.1:" + port).quiet(true)
                .workload(Workload.tiny()).concurrency(2).requests(5).build());

        assertThat(result.requests()).isEqualTo(5);
        assertThat(result.ok()).isZero();
        assertThat(result.errors()).containsOnlyKeys(ErrorKinds.CONNECT);
        assertThat(result.errorCount(ErrorKinds.CONNECT)).isEqualTo(5);
    }

    @Test
    void answersStillOutstandingAfterTheDrainAreTimeouts() {
        try (StubServer server = StubServer.builder().delayMillis(3000).start()) {
            LoadResult result = LoadGenerator.run(options(server).concurrency(2).requests(2)
                    .drainTimeout(Duration.ofMillis(200)).build());

            assertThat(result.requests()).isEqualTo(2);
            assertThat(result.errorCount(ErrorKinds.TIMEOUT)).isEqualTo(2);
        }
    }

    @Test
    void aRequestSlowerThanTheRequestTimeoutFailsAlone() {
        try (StubServer server = StubServer.builder().delayMillis(3000).start()) {
            LoadResult result = LoadGenerator.run(options(server).concurrency(1).requests(1)
                    .requestTimeout(Duration.ofMillis(300)).build());

            assertThat(result.errorCount(ErrorKinds.TIMEOUT)).isEqualTo(1);
            assertThat(result.durationSeconds()).isLessThan(3.0);
        }
    }

    @Test
    void severalEventLoopsShareTheWork() {
        try (StubServer server = StubServer.builder().start()) {
            LoadResult result = LoadGenerator.run(options(server).threads(2).concurrency(3).requests(31).build());

            assertThat(result.ok()).isEqualTo(31);
            assertThat(server.received()).isEqualTo(31);
        }
    }

    @Test
    void durationBoundsAClosedLoop() {
        try (StubServer server = StubServer.builder().delayMillis(20).start()) {
            LoadResult result = LoadGenerator.run(options(server).concurrency(2).duration(Duration.ofMillis(400)).build());

            assertThat(result.requests()).isPositive();
            assertThat(result.ok()).isEqualTo(result.requests());
            assertThat(result.durationSeconds()).isLessThan(5.0);
        }
    }

    @Test
    void aWarmupRunIsNotMeasured() {
        try (StubServer server = StubServer.builder().start()) {
            LoadResult result = LoadGenerator.run(options(server).concurrency(2).requests(5)
                    .warmup(Duration.ofMillis(200)).build());

            assertThat(result.requests()).isEqualTo(5);
            assertThat(result.ok()).isEqualTo(5);
            assertThat(server.received()).isGreaterThan(5);
        }
    }

    @Test
    void theMeasuredRunGoesOnOnTheWarmupsConnections() {
        try (StubServer server = StubServer.builder().delayMillis(5).start()) {
            LoadResult result = LoadGenerator.run(options(server).concurrency(2).requests(20)
                    .warmup(Duration.ofMillis(300)).build());

            assertThat(result.ok()).isEqualTo(20);
            assertThat(server.received()).isGreaterThan(20);
            assertThat(server.connections()).isEqualTo(2);
        }
    }
}
