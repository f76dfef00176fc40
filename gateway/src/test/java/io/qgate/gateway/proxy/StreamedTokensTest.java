package io.qgate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.qgate.routing.ApiRoute;
import io.qgate.routing.Endpoint;
import io.qgate.routing.EndpointSnapshot;
import io.qgate.routing.RouteRequest;
import io.qgate.routing.Router;
import io.qgate.routing.RoutingSettings;
import io.qgate.routing.Strategies;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The relay's work hook: SSE events count a replica's decode work down, however the bytes are cut. */
class StreamedTokensTest {

    private static final Endpoint REPLICA = Endpoint.of("10.0.0.1", 4000);
    private static final String EVENT = "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\n";

    static Stream<Arguments> eventsCountDownTheDecodeWork() {
        String five = EVENT.repeat(5);
        return Stream.of(
                Arguments.of(List.of(five), 95),
                Arguments.of(List.of(five.substring(0, 30), five.substring(30)), 95),
                // A cut between the two newlines that end an event.
                Arguments.of(List.of(EVENT.substring(0, EVENT.length() - 1), EVENT.substring(EVENT.length() - 1)), 99),
                Arguments.of(List.of("data: partial"), 100));
    }

    @ParameterizedTest(name = "{index}: {0} -> {1} tokens still expected")
    @MethodSource
    void eventsCountDownTheDecodeWork(List<String> chunks, int decodeLeft) {
        SplittableRandom random = new SplittableRandom(1);
        Router router = new Router(Strategies.named("work", RoutingSettings.defaults(), () -> random),
                RoutingSettings.defaults(), () -> 0L);
        router.update(EndpointSnapshot.of(List.of(REPLICA)));
        Router.Dispatch dispatch = router.dispatch(
                new RouteRequest(ApiRoute.CHAT, "m", true, new long[0], 300, 100), Set.of());
        StreamedTokens tokens = new StreamedTokens(router, "m");

        for (String chunk : chunks) {
            ByteBuf bytes = Unpooled.copiedBuffer(chunk, StandardCharsets.UTF_8);
            tokens.onBody(dispatch, bytes, true);
            bytes.release();
        }

        assertThat(router.load(REPLICA).prefillPending()).as("prefill done at the first bytes").isZero();
        assertThat(router.load(REPLICA).decodePending()).isEqualTo(decodeLeft);
    }
}
