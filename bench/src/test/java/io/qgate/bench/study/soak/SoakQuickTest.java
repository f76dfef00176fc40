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
 * The system soak's {@code --quick} run, as CI runs it: three gateways from the packaged jar, two
 * pools (one churning, one scaled from zero and back), 20 s of open-loop load in which every fault
 * of the plan happens once or more. Asserts the accounting only, never timings: every request
 * ended once with a fate, none unexplained, each gateway process's counters agree with its
 * clients', no leak. Needs the gateway jar, which {@code mvn verify} builds before this module's tests.
 */
class SoakQuickTest {

    private static final Path JAR = Path.of("..", "gateway", "target", "qgate-gateway.jar");

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void everyRequestEndsOnceWithAFateAndEveryGatewayAgreesWithItsClients(@TempDir Path out) throws Exception {
        assumeThat(Files.isRegularFile(JAR)).as("run with mvn verify so the gateway jar exists").isTrue();
        SoakOptions.Draft draft = new SoakOptions.Draft(SoakOptions.quick(out));
        draft.gatewayJar = JAR;
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        SystemSoakResult result = SystemSoakRun.run(draft.build(),
                new PrintStream(progress, true, StandardCharsets.UTF_8));
        SystemSoakReport.write(result, out);

        String context = progress.toString(StandardCharsets.UTF_8) + "\n" + SystemSoakReport.markdown(result);
        SystemAccounting a = result.accounting();
        assertThat(a.sent()).as(context).isPositive();
        assertThat(a.everyRequestAccounted()).as(context).isTrue();
        assertThat(a.of(Fate.UNEXPLAINED)).as(context).isZero();
        assertThat(a.gatewayCuts()).as(context).allSatisfy(cut -> assertThat(cut.bounded()).isTrue());
        assertThat(result.lives()).as(context).allSatisfy(life -> assertThat(life.agrees()).isTrue())
                .anySatisfy(life -> assertThat(life.end()).isEqualTo("SIGKILL"))
                .anySatisfy(life -> assertThat(life.end()).isEqualTo("SIGTERM"));
        assertThat(result.leakReports()).as(context).isEmpty();
        assertThat(result.events()).as(context).extracting(SystemSoakResult.Event::kind)
                .contains(java.util.Arrays.stream(FaultPlan.Kind.values()).map(Enum::name).toArray(String[]::new));
        assertThat(result.wakeUps()).as(context).isPositive();
        assertThat(out.resolve(SystemSoakReport.JSON_FILE)).isNotEmptyFile();
        assertThat(out.resolve(SystemSoakReport.MARKDOWN_FILE)).isNotEmptyFile();
        assertThat(out.resolve(SystemSoakReport.TIMELINE_FILE)).isNotEmptyFile();
    }
}
