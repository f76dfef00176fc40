package io.qgate.discovery.kubernetes;

import io.qgate.routing.Endpoint;
import io.qgate.routing.EndpointSnapshot;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.qgate.discovery.kubernetes.Slices.Member;
import static io.qgate.discovery.kubernetes.Slices.port;
import static io.qgate.discovery.kubernetes.Slices.slice;
import static org.assertj.core.api.Assertions.assertThat;

class SliceTranslationTest {

    private static final PortChoice FIRST = new PortChoice("", "");

    private static EndpointSnapshot snapshot(PortChoice ports, io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice... slices) {
        return EndpointSnapshot.of(SliceTranslation.endpoints(List.of(slices), ports));
    }

    @Test
    void readyTakesRequestsServingTerminatingStaysWithoutNewOnesTheRestIsDropped() {
        EndpointSnapshot snapshot = snapshot(FIRST, slice("a", List.of(port("http", 4000)),
                Member.ready("10.0.0.1"), Member.terminating("10.0.0.2"), Member.notReady("10.0.0.3"),
                Member.gone("10.0.0.4")));

        assertThat(snapshot.endpoints()).containsExactly(
                new Endpoint("10.0.0.1", 4000, true, false, 0, new Endpoint.Details("pod-10.0.0.1", "node-1", "zone-a")),
                new Endpoint("10.0.0.2", 4000, false, true, 0, new Endpoint.Details("pod-10.0.0.2", "node-1", "zone-a")));
        assertThat(snapshot.accepting()).extracting(Endpoint::host).containsExactly("10.0.0.1");
    }

    @Test
    void unsetConditionsCountAsReadyAsTheApiAsks() {
        EndpointSnapshot snapshot = snapshot(FIRST, slice("a", List.of(port("http", 4000)),
                new Member("10.0.0.1", null, null, null, "p")));

        assertThat(snapshot.accepting()).extracting(Endpoint::authority).containsExactly("10.0.0.1:4000");
    }

    @Test
    void servingPortByNameElseTheFirstAndMetricsPortByNameOrNumber() {
        var ports = List.of(port("metrics", 8000), port("http", 4000));

        assertThat(snapshot(FIRST, slice("a", ports, Member.ready("10.0.0.1"))).endpoints().get(0).port())
                .isEqualTo(8000);
        Endpoint named = snapshot(new PortChoice("http", "metrics"), slice("a", ports, Member.ready("10.0.0.1")))
                .endpoints().get(0);
        assertThat(named.port()).isEqualTo(4000);
        assertThat(named.metricsPort()).isEqualTo(8000);
        assertThat(snapshot(new PortChoice("http", "9400"), slice("a", ports, Member.ready("10.0.0.1")))
                .endpoints().get(0).metricsPort()).isEqualTo(9400);
        assertThat(snapshot(new PortChoice("http", "nope"), slice("a", ports, Member.ready("10.0.0.1")))
                .endpoints().get(0).metricsPort()).isZero();
    }

    @Test
    void aSliceWithoutTheNamedPortContributesNothing() {
        assertThat(snapshot(new PortChoice("api", ""), slice("a", List.of(port("http", 4000)),
                Member.ready("10.0.0.1"))).endpoints()).isEmpty();
    }

    @Test
    void slicesAreMergedAndAnAddressInTwoSlicesCountsOnceReadyWinning() {
        var ports = List.of(port("http", 4000));
        EndpointSnapshot snapshot = snapshot(FIRST,
                slice("a", ports, Member.ready("10.0.0.1"), Member.terminating("10.0.0.2")),
                slice("b", ports, Member.ready("10.0.0.2"), Member.ready("10.0.0.3")));

        assertThat(snapshot.endpoints()).extracting(Endpoint::authority)
                .containsExactly("10.0.0.1:4000", "10.0.0.2:4000", "10.0.0.3:4000");
        assertThat(snapshot.accepting()).hasSize(3);
    }

    @Test
    void sameContentInAnotherOrderGivesAnEqualSnapshot() {
        var ports = List.of(port("http", 4000));
        var a = slice("a", ports, Member.ready("10.0.0.1"));
        var b = slice("b", ports, Member.ready("10.0.0.2"));

        assertThat(snapshot(FIRST, a, b)).isEqualTo(snapshot(FIRST, b, a));
    }

    @Test
    void ipv6AddressesGetBracketsInTheAuthority() {
        EndpointSnapshot snapshot = snapshot(FIRST, slice("a", "IPv6", List.of(port("http", 4000)),
                Member.ready("fd00::1")));

        assertThat(snapshot.accepting()).extracting(Endpoint::authority).containsExactly("[fd00::1]:4000");
    }

    @Test
    void coreEndpointsGiveReadyAddressesAndDropNotReadyOnes() {
        List<Endpoint> endpoints = EndpointsTranslation.endpoints(
                List.of(Slices.endpoints(List.of("10.0.0.1"), List.of("10.0.0.2"), 4000)), new PortChoice("http", ""));

        assertThat(endpoints).containsExactly(new Endpoint("10.0.0.1", 4000, true, false, 0,
                new Endpoint.Details("pod-10.0.0.1", "node-1", "")));
    }
}
