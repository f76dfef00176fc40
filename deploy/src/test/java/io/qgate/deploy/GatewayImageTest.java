package io.qgate.deploy;

import org.junit.jupiter.api.Test;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Builds the image from the repository's Dockerfile and runs it the way OpenShift's
 * restricted-v2 does: an arbitrary UID outside /etc/passwd, group 0. Needs a Docker engine; the
 * class is reported as skipped where there is none.
 */
@Testcontainers(disabledWithoutDocker = true)
class GatewayImageTest {

    /** A UID of the kind OpenShift assigns from a project's range. */
    private static final String ARBITRARY_UID = "1000680000";

    @Test
    void servesHealthAsAnArbitraryNonRootUser() throws Exception {
        ImageFromDockerfile image = new ImageFromDockerfile("qgate-image-test", true)
                .withDockerfile(DeployFiles.repositoryRoot().resolve("Dockerfile"));
        try (GenericContainer<?> container = new GenericContainer<>(image)
                .withExposedPorts(8080, 9090)
                .withCreateContainerCmdModifier(cmd -> cmd.withUser(ARBITRARY_UID + ":0"))
                .waitingFor(Wait.forHttp("/healthz").forPort(9090).forStatusCode(200))) {
            container.start();

            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://" + container.getHost() + ":" + container.getMappedPort(9090) + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("ok\n");

            // The java process (PID 1) runs as that UID, in group 0.
            ExecResult status = container.execInContainer("cat", "/proc/1/status");
            String uids = status.getStdout().lines().filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
            String gids = status.getStdout().lines().filter(l -> l.startsWith("Gid:")).findFirst().orElseThrow();
            assertThat(uids.split("\\s+")[1]).isEqualTo(ARBITRARY_UID);
            assertThat(gids.split("\\s+")[1]).isEqualTo("0");

            // No build tools in the final image.
            ExecResult mvn = container.execInContainer("sh", "-c", "command -v mvn javac || echo none");
            assertThat(mvn.getStdout().strip()).isEqualTo("none");
        }
    }
}
