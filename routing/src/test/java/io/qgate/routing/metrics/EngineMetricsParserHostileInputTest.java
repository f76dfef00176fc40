package io.qgate.routing.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** Untrusted expositions: parse must return, skip what is broken and still count the rest. */
@Timeout(60)
class EngineMetricsParserHostileInputTest {

    private static final String VALID_AFTER = "\nvllm:num_requests_running 7\n";
    private static final int TEN_MB = 10 * 1024 * 1024;

    private final EngineMetricsParser vllm = new EngineMetricsParser(EngineProfile.VLLM);

    static Stream<String> badLines() {
        return Stream.of(
                "vllm:num_requests_waiting",
                "vllm:num_requests_waiting ",
                "vllm:num_requests_waiting{",
                "vllm:num_requests_waiting{model_name=\"abc",
                "vllm:num_requests_waiting{model_name=\"abc\"",
                "vllm:num_requests_waiting{model_name=\"abc\" 5",
                "vllm:num_requests_waiting{model_name=abc} 5",
                "vllm:num_requests_waiting{=\"x\"} 5",
                "vllm:num_requests_waiting{,} 5",
                "vllm:num_requests_waiting{a=\"x\",,b=\"y\"} 5",
                "vllm:num_requests_waiting{a=\"x\" b=\"y\"} 5",
                "vllm:num_requests_waiting{a=\"x\\\"} 5",
                "vllm:num_requests_waiting{a=\"x\\",
                "vllm:num_requests_waiting{a:b=\"x\"} 5",
                "vllm:num_requests_waiting{\"model_name\"=\"x\"} 5",
                "vllm:num_requests_waiting{model_name=\"a\"}",
                "vllm:num_requests_waiting 5 5 5",
                "vllm:num_requests_waiting 5abc",
                "vllm:num_requests_waiting five",
                "vllm:num_requests_waiting 5 abc",
                "vllm:num_requests_waiting 5 NaN",
                "vllm:num_requests_waiting 0x10",
                "vllm:num_requests_waiting 1e",
                "vllm:num_requests_waiting 1e+",
                "vllm:num_requests_waiting .",
                "vllm:num_requests_waiting -",
                "vllm:num_requests_waiting +NaN",
                "vllm:num_requests_waiting Infinit",
                "vllm:num_requests_waiting 1.2.3",
                "vllm:num_requests_waiting 1_000",
                "vllm:num_requests_waiting " + "1".repeat(PromFloat.MAX_TOKEN + 1),
                "vllm:num_requests_waiting 1e400",
                "vllm:num_requests_waiting 1e99999999999999999999",
                "vllm:num_requests_waiting -1",
                "vllm:num_requests_waiting -Inf",
                "vllm:num_requests_waiting NaN",
                "vllm:num_requests_waiting\u0000 5",
                "vllm:num_requests_waiting-5",
                "vllm:num_requests_waiting\r5",
                "vllm:num_requests_waiting 5\r\r",
                "# TYPE vllm:num_requests_waiting summary_of_sorts",
                "# TYPE vllm:num_requests_running gauge with extra words",
                "#",
                "{model_name=\"x\"} 5",
                "\"vllm:num_requests_waiting\" 5",
                "\u00ff\u00fe\u0000\u0001vllm:num_requests_waiting 5",
                "}{\"\\\\\"=,");
    }

    @ParameterizedTest
    @MethodSource("badLines")
    void badLineIsSkippedAndTheNextLineStillCounts(String bad) {
        EngineMetrics m = vllm.parse(bad + VALID_AFTER);

        assertThat(m.running()).isEqualTo(7);
        assertThat(m.waitingFound()).isFalse();
        assertThat(m.waiting()).isZero();
    }

    @ParameterizedTest
    @MethodSource("badLines")
    void badLineAtTheVeryEndIsSkipped(String bad) {
        EngineMetrics m = vllm.parse("vllm:num_requests_running 7\n" + bad);
        assertThat(m.running()).isEqualTo(7);
        assertThat(m.waitingFound()).isFalse();
    }

    @Test
    void tenMegabyteGarbageLine() {
        byte[] garbage = randomBytes(new Random(1), TEN_MB);
        assertSkippedThenCounted(garbage);
    }

    @Test
    void tenMegabyteUnterminatedLabelValue() {
        byte[] line = ("vllm:num_requests_waiting{model_name=\"" + "a".repeat(TEN_MB))
                .getBytes(StandardCharsets.US_ASCII);
        assertSkippedThenCounted(line);
    }

    @Test
    void tenMegabyteLabelValueStillCountsWithoutItsModel() {
        String text = "vllm:num_requests_waiting{model_name=\"" + "a".repeat(TEN_MB) + "\"} 5" + VALID_AFTER;
        EngineMetrics m = vllm.parse(text);
        assertThat(m.waiting()).isEqualTo(5);
        assertThat(m.running()).isEqualTo(7);
        assertThat(m.models()).isEmpty();
    }

    @Test
    void tenMegabytesOfDigits() {
        byte[] line = ("vllm:num_requests_waiting " + "9".repeat(TEN_MB)).getBytes(StandardCharsets.US_ASCII);
        assertSkippedThenCounted(line);
    }

    @Test
    void randomBytesNeverThrow() {
        Random random = new Random(20240611);
        for (int n = 0; n < 3000; n++) {
            byte[] input = randomBytes(random, random.nextInt(2048));
            assertThatCode(() -> vllm.parse(input)).as("random input %d", n).doesNotThrowAnyException();
        }
    }

    @Test
    void mutatedFixturesNeverThrow() {
        byte[] fixture = Fixtures.bytes(Fixtures.VLLM_V1);
        byte[] alphabet = "{}\",=\\ \t\r\n#.eE+-0123456789aINf:_".getBytes(StandardCharsets.US_ASCII);
        Random random = new Random(42);
        for (int n = 0; n < 3000; n++) {
            byte[] input = Arrays.copyOf(fixture, random.nextInt(fixture.length + 1));
            for (int k = random.nextInt(16); k > 0 && input.length > 0; k--) {
                int at = random.nextInt(input.length);
                input[at] = random.nextBoolean() ? alphabet[random.nextInt(alphabet.length)] : (byte) random.nextInt();
            }
            EngineMetrics[] result = new EngineMetrics[1];
            assertThatCode(() -> result[0] = vllm.parse(input)).as("mutation %d", n).doesNotThrowAnyException();
            assertThat(result[0].waiting()).isBetween(0.0, Double.MAX_VALUE);
        }
    }

    @Test
    void randomSlicesOfADirectBufferNeverThrow() {
        byte[] fixture = Fixtures.bytes(Fixtures.VLLM_V1);
        ByteBuffer direct = ByteBuffer.allocateDirect(fixture.length).put(fixture).flip();
        Random random = new Random(7);
        for (int n = 0; n < 1000; n++) {
            int from = random.nextInt(fixture.length + 1);
            direct.limit(from + random.nextInt(fixture.length - from + 1)).position(from);
            assertThatCode(() -> vllm.parse(direct)).doesNotThrowAnyException();
            assertThat(direct.position()).isEqualTo(from);
        }
    }

    private void assertSkippedThenCounted(byte[] badLine) {
        byte[] after = VALID_AFTER.getBytes(StandardCharsets.US_ASCII);
        byte[] input = Arrays.copyOf(badLine, badLine.length + after.length);
        System.arraycopy(after, 0, input, badLine.length, after.length);

        EngineMetrics m = vllm.parse(input);

        assertThat(m.running()).isEqualTo(7);
        assertThat(m.waitingFound()).isFalse();
    }

    /** Random bytes without a line end, so that they stay one line. */
    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        for (int i = 0; i < length; i++) {
            if (bytes[i] == '\n') {
                bytes[i] = 'x';
            }
        }
        return bytes;
    }
}
