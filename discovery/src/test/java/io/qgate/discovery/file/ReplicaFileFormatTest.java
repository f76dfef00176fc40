package io.qgate.discovery.file;

import io.qgate.routing.Endpoint;
import io.qgate.routing.EndpointSnapshot;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplicaFileFormatTest {

    @Test
    void readsOneReplicaALineWithCommentsBlankLinesAndTheAddressFormsOfEndpoints() {
        String file = """
                \uFEFF# vLLM on the GPU VMs
                http://10.0.0.11:8000

                   10.0.0.12:8000   # no scheme, spaces around\r
                http://[fd00::1]:8000/
                """;

        assertThat(ReplicaFileFormat.parse(file)).containsExactly(Endpoint.of("10.0.0.11", 8000),
                Endpoint.of("10.0.0.12", 8000), Endpoint.of("fd00::1", 8000));
    }

    @Test
    void readyFalseListsAReplicaThatTakesNoNewRequests() {
        EndpointSnapshot snapshot = EndpointSnapshot.of(ReplicaFileFormat.parse(
                "http://a:1 ready=false # draining\nhttp://b:1 ready=true\n"));

        assertThat(snapshot.endpoints()).extracting(Endpoint::toString).containsExactly("a:1 (not ready)", "b:1");
        assertThat(snapshot.accepting()).containsExactly(Endpoint.of("b", 1));
    }

    @Test
    void anAddressListedTwiceCountsOnceAndTheReadyLineWins() {
        EndpointSnapshot snapshot = EndpointSnapshot.of(ReplicaFileFormat.parse(
                "http://a:1 ready=false\nA:1\nhttp://a:1\n"));

        assertThat(snapshot.endpoints()).containsExactly(Endpoint.of("a", 1));
    }

    @Test
    void anEmptyOrCommentOnlyFileListsNoReplicas() {
        assertThat(ReplicaFileFormat.parse("")).isEmpty();
        assertThat(ReplicaFileFormat.parse("# scaled to zero\n\n")).isEmpty();
    }

    @Test
    void oneBadLineRejectsTheFileNamingTheLineAndWhatWasExpected() {
        assertThatThrownBy(() -> ReplicaFileFormat.parse("http://a:1\n\nhttps://b:1\n"))
                .hasMessage("line 3: endpoint: https://b:1 (expected: an http:// URL)");
        assertThatThrownBy(() -> ReplicaFileFormat.parse("http://a:1 ready=maybe"))
                .hasMessage("line 1: ready=maybe (expected: ready=true or ready=false after the address)");
        assertThatThrownBy(() -> ReplicaFileFormat.parse("http://a:1,http://b:1"))
                .hasMessageStartingWith("line 1: endpoint: http://a:1,http://b:1 (expected:");
        assertThatThrownBy(() -> ReplicaFileFormat.parse("http://a:99999"))
                .hasMessageStartingWith("line 1: ");
    }
}
