package io.qgate.bench.study.zero;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live proof in seconds: a pool at zero, a burst held until the stand-in wakes it, the sleep, the next wake. */
class ScaleFromZeroRunTest {

    @TempDir
    Path dir;

    @Test
    void everyHeldRequestIsAnsweredWholeAndThePoolWakesAgainAfterItsCooldown() {
        ScaleFromZeroRun.Result result = ScaleFromZeroRun.run(new ScaleFromZeroRun.Options(20, 8,
                Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(1), dir),
                new PrintStream(OutputStream.nullOutputStream()));

        assertThat(result.readyWhileEmpty()).isEqualTo(200);
        assertThat(result.burst()).hasSize(20).allSatisfy(answer -> {
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.problem()).isEmpty();
        });
        assertThat(result.burst()).filteredOn(HeldRequest.Answer::streamed).hasSize(10);
        assertThat(result.afterCooldown().status()).isEqualTo(200);
        assertThat(result.afterCooldown().problem()).isEmpty();
        assertThat(result.allAnswered()).isTrue();
        // Woken for the burst, put to zero, woken again for the last request.
        assertThat(result.wakeUps()).isEqualTo(2);
        assertThat(result.removals()).isEqualTo(1);
        assertThat(result.maxWaitingForReplica()).isPositive();

        String markdown = new ScaleFromZeroReport(result).toMarkdown();
        assertThat(markdown).contains("**21 of 21 answered 200 and whole**").contains("(after the cooldown)");
    }
}
