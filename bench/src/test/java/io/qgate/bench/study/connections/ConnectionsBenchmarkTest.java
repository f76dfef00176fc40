package io.qgate.bench.study.connections;

import io.qgate.bench.harness.JsonFiles;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connections benchmark at a tiny scale: the stub, a gateway and the load generator as three
 * processes, 50 streams, every one answered, the gateway's memory read. No timing is asserted.
 */
class ConnectionsBenchmarkTest {

    @TempDir
    Path out;

    @Test
    void fiftyStreamsThroughAGatewayProcessAllSucceed() throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();

        int status = ConnectionsCommand.run(new String[] {"--quick", "--out", out.toString()},
                new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(progress, true, StandardCharsets.UTF_8));

        assertThat(status).as(progress.toString(StandardCharsets.UTF_8)).isZero();
        ConnectionsResult result = JsonFiles.read(out.resolve(ConnectionsResult.FILE), ConnectionsResult.class);
        assertThat(result.streams()).isEqualTo(50);
        assertThat(result.requests()).isEqualTo(50);
        assertThat(result.ok()).isEqualTo(50);
        assertThat(result.errors()).isZero();
        assertThat(result.gatewayErrors()).isZero();
        assertThat(result.peakInflight()).isPositive();
        assertThat(result.peakRssBytes()).isPositive();
        assertThat(result.timeline()).isNotEmpty();
        assertThat(Files.readString(out.resolve("report.md"))).contains("## 3. Connections");
    }
}
