package io.qgate.gateway.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.qgate.routing.ApiRoute;
import io.qgate.routing.Endpoint;
import io.qgate.routing.EndpointPicker;
import io.qgate.routing.EndpointSnapshot;
import io.qgate.routing.RouteRequest;
import io.qgate.routing.Router;
import io.qgate.routing.RoutingSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The one upstream call on an {@link EmbeddedChannel} standing in for the replica connection,
 * on a fake clock: what it writes, the callbacks it makes, the timeouts, the connection it gives
 * back and the verdict the router gets. A replica is ejected after one failure here, so the
 * verdict shows as whether it is ejected.
 */
class UpstreamCallTest {

    private static final long FIRST_BYTE = TimeUnit.SECONDS.toNanos(10);
    private static final long IDLE = TimeUnit.SECONDS.toNanos(5);
    private static final RouteRequest REQUEST = new RouteRequest(ApiRoute.CHAT, "m", false);

    private final MockTicker ticker = Ticker.newMockTicker();
    private final Router router = new Router(EndpointPicker.roundRobin(),
            RoutingSettings.defaults().withEjection(1, Duration.ofMinutes(1), Duration.ofMinutes(1)), ticker::nanoTime);
    private final Endpoint replica = Endpoint.of("10.0.0.1", 8000);
    private final EmbeddedChannel upstream = EmbeddedChannel.builder().ticker(ticker).build();
    private final UpstreamPool pool = new UpstreamPool(upstream.eventLoop(), new Bootstrap(), 1, 1, FIRST_BYTE,
            new TimeoutSweeper(upstream.eventLoop(), ticker::nanoTime, FIRST_BYTE, IDLE));
    private final Recording call = new Recording(pool);

    /** Records what the call hands on; writes a fixed request. */
    private static final class Recording extends UpstreamCall {
        final List<String> events = new ArrayList<>();
        final StringBuilder body = new StringBuilder();

        Recording(UpstreamPool pool) {
            super(pool);
        }

        @Override
        void writeRequest(Channel channel) {
            ByteBuf body = Unpooled.copiedBuffer("{}", StandardCharsets.US_ASCII);
            write(channel, Unpooled.copiedBuffer("POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\n",
                    StandardCharsets.US_ASCII), body);
            body.release();
        }

        @Override
        void onHead(ResponseHead head) {
            events.add("head " + head.status());
        }

        @Override
        void onBody(ByteBuf bytes) {
            body.append(bytes.toString(StandardCharsets.US_ASCII));
            bytes.release();
        }

        @Override
        void onEnd() {
            events.add("end");
            finishDispatch(false, null);
        }

        @Override
        void onFailure(Failure failure, Throwable cause) {
            events.add(failure.name());
            finishDispatch(failure != Failure.CLOSED || !reused(), failure);
        }
    }

    UpstreamCallTest() {
        upstream.pipeline().addLast("relay", new UpstreamHandler());
        router.update(EndpointSnapshot.of(List.of(replica)));
    }

    @AfterEach
    void nothingLeftBehind() {
        assertFalse(upstream.finishAndReleaseAll());
    }

    /** Sends the call over the embedded connection, as the pool would hand it over. */
    private void sendOverEmbeddedConnection(boolean reused) {
        call.dispatch = router.dispatch(REQUEST, List.of());
        call.acquired(upstream, reused);
    }

    private String written() {
        StringBuilder out = new StringBuilder();
        ByteBuf bytes;
        while ((bytes = upstream.readOutbound()) != null) {
            out.append(bytes.toString(StandardCharsets.US_ASCII));
            bytes.release();
        }
        return out.toString();
    }

    private void answer(String wire) {
        upstream.writeInbound(Unpooled.copiedBuffer(wire, StandardCharsets.US_ASCII));
    }

    private void advance(long nanos) {
        ticker.advance(nanos, TimeUnit.NANOSECONDS);
        upstream.runScheduledPendingTasks();
    }

    private boolean replicaStillPicked() {
        return !router.ejected(replica);
    }

    @Test
    void aSmallRequestLeavesInOneWriteAndTheAnswerComesAsHeadBodyEnd() {
        sendOverEmbeddedConnection(false);

        assertThat(written()).isEqualTo("POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}");
        answer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");

        assertThat(call.events).containsExactly("head 200", "end");
        assertThat(call.body).hasToString("hello");
        assertThat(router.load(replica).inflight()).isZero();
        assertThat(replicaStillPicked()).isTrue();
    }

    @Test
    void noHeadWithinTheFirstByteTimeoutOnTheFakeClockFailsTheCallAndChargesTheReplica() {
        sendOverEmbeddedConnection(false);
        written();

        advance(FIRST_BYTE - TimeUnit.SECONDS.toNanos(1));
        assertThat(call.events).isEmpty();
        advance(TimeUnit.SECONDS.toNanos(1));

        assertThat(call.events).containsExactly("NO_HEAD");
        assertThat(upstream.isOpen()).as("a connection with an unread answer is not reused").isFalse();
        assertThat(replicaStillPicked()).isFalse();
    }

    @Test
    void aReplicaSilentMidResponseForTheIdleTimeoutFailsTheCall() {
        sendOverEmbeddedConnection(false);
        written();
        answer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhel");

        advance(IDLE - 1);
        assertThat(call.events).containsExactly("head 200");
        advance(1);

        assertThat(call.events).containsExactly("head 200", "SILENT");
        assertThat(call.body).hasToString("hel");
        assertThat(upstream.isOpen()).isFalse();
    }

    @Test
    void aPooledConnectionClosedBeforeTheHeadSaysNothingAboutTheReplica() {
        sendOverEmbeddedConnection(true);
        written();

        upstream.close();

        assertThat(call.events).containsExactly("CLOSED");
        assertThat(call.reused()).isTrue();
        assertThat(replicaStillPicked()).isTrue();
        advance(FIRST_BYTE);
        assertThat(call.events).as("no timeout after the call failed").containsExactly("CLOSED");
    }

    @Test
    void nothingReachesACallThatStopped() {
        sendOverEmbeddedConnection(false);
        written();
        call.stop();

        answer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
        advance(FIRST_BYTE);

        assertThat(call.events).isEmpty();
        call.releaseUpstream(false);
        call.finishDispatch(false, null);
        assertThat(router.load(replica).inflight()).isZero();
    }
}
