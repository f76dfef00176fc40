package io.qgate.routing;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EndpointSnapshotTest {

    @Test
    void sortedSoThatTheSameEndpointsMakeEqualSnapshots() {
        EndpointSnapshot one = EndpointSnapshot.of(List.of(Endpoint.of("b", 1), Endpoint.of("a", 2)));
        EndpointSnapshot two = EndpointSnapshot.of(List.of(Endpoint.of("a", 2), Endpoint.of("b", 1)));

        assertThat(one).isEqualTo(two);
        assertThat(one.endpoints()).extracting(Endpoint::host).containsExactly("a", "b");
    }

    @Test
    void aDuplicatedAddressKeepsTheEntryThatAcceptsRequests() {
        EndpointSnapshot snapshot = EndpointSnapshot.of(List.of(
                Endpoint.of("a", 1).withReady(false), Endpoint.of("a", 1)));

        assertThat(snapshot.endpoints()).containsExactly(Endpoint.of("a", 1));
    }

    @Test
    void acceptingLeavesOutNotReadyAndTerminating() {
        EndpointSnapshot snapshot = EndpointSnapshot.of(List.of(
                Endpoint.of("a", 1), Endpoint.of("b", 1).withReady(false),
                Endpoint.of("c", 1).withTerminating(true)));

        assertThat(snapshot.accepting()).containsExactly(Endpoint.of("a", 1));
        assertThat(snapshot.endpoints()).hasSize(3);
    }

    @Test
    void ipv6AuthorityHasBrackets() {
        assertThat(Endpoint.of("FD00::1", 4000).authority()).isEqualTo("[fd00::1]:4000");
        assertThat(Endpoint.of("10.1.2.3", 4000).authority()).isEqualTo("10.1.2.3:4000");
    }

    @Test
    void invalidPortIsRejectedWithTheExpectedRange() {
        assertThatThrownBy(() -> Endpoint.of("a", 0)).hasMessage("port: 0 (expected: 1-65535)");
    }

    @Test
    void routeOfPath() {
        assertThat(ApiRoute.ofPath("/v1/chat/completions")).isEqualTo(ApiRoute.CHAT);
        assertThat(ApiRoute.ofPath("/v1/completions?x=1")).isEqualTo(ApiRoute.COMPLETIONS);
        assertThat(ApiRoute.ofPath("/v1/embeddings/")).isEqualTo(ApiRoute.EMBEDDINGS);
        assertThat(ApiRoute.ofPath("/v1/models/abc")).isEqualTo(ApiRoute.MODELS);
        assertThat(ApiRoute.ofPath("/v1/files")).isEqualTo(ApiRoute.OTHER);
    }
}
