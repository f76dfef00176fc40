package io.qgate.bench.study.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak's {@code --quick} run, as CI runs it: the packaged gateway in its own JVM in front of
 * three simulated replicas, 20 s of open-loop load with client aborts, one replica killed and
 * restarted. Asserts behaviour only, never timings. Needs the gateway jar, which {@code mvn verify}
 * builds before this module's tests.
 */
class SoakQuickTest {

    private static final Path JAR = Path.of("..", "gateway", "target", "qgate-gateway.jar");

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void noRequestIsLostButThoseAKillCutMidAnswerAndTheGatewayAgrees(@TempDir Path out) throws Exception {
        assumeThat(Files.isRegularFile(JAR)).as("run with mvn verify so the gateway jar exists").isTrue();
        SoakOptions.Draft draft = new SoakOptions.Draft(SoakOptions.quick(out));
        draft.gatewayJar = JAR;
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        SoakResult result = SoakRun.run(draft.build(), new PrintStream(progress, true, StandardCharsets.UTF_8));
        SoakReport.write(result, out);

        String context = progress.toString(StandardCharsets.UTF_8) + "\n" + SoakReport.markdown(result);
        Accounting a = result.accounting();
        assertThat(a.sent()).as(context).isPositive();
        assertThat(a.everyRequestAccounted()).as(context).isTrue();
        assertThat(a.unexplainedTotal()).as(context).isZero();
        assertThat(a.gatewayAgrees()).as(context).isTrue();
        assertThat(result.leakReports()).as(context).isEmpty();
        assertThat(a.kills()).as(context).hasSize(1)
                .allSatisfy(kill -> assertThat(kill.restarted()).isTrue());
        assertThat(a.aborted()).as(context).isPositive();
        assertThat(result.gatewayAliveAtEnd()).as(context).isTrue();
        assertThat(out.resolve(SoakReport.JSON_FILE)).isNotEmptyFile();
        assertThat(out.resolve(SoakReport.MARKDOWN_FILE)).isNotEmptyFile();
    }
}
