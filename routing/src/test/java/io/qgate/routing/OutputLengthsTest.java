package io.qgate.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The learned output length, on a clock the test moves (nanoseconds passed in). */
class OutputLengthsTest {

    private static final long SECOND = 1_000_000_000L;

    static Stream<Arguments> theMeanFollowsAChangeOfTraffic() {
        // {answers of 100 tokens, then answers of 1,000, spaced this many ms apart, expected range after}
        return Stream.of(
                Arguments.of(50, 0, 10, 100, 100),
                Arguments.of(10_000, 300, 10, 940, 1000),
                // However long the old traffic ran, the capped weight lets the new one take over.
                Arguments.of(100_000, 500, 10, 990, 1000),
                // Few answers, far apart: the old ones have decayed, the new ones dominate soon.
                Arguments.of(1_000, 5, 120_000, 950, 1000));
    }

    @ParameterizedTest(name = "{0} x 100 then {1} x 1000, {2} ms apart -> [{3}, {4}]")
    @MethodSource
    void theMeanFollowsAChangeOfTraffic(int oldAnswers, int newAnswers, long gapMillis, int low, int high) {
        OutputLengths lengths = new OutputLengths();
        long now = 0;
        for (int i = 0; i < oldAnswers; i++) {
            lengths.observe("m", 100, now += gapMillis * 1_000_000);
        }
        for (int i = 0; i < newAnswers; i++) {
            lengths.observe("m", 1000, now += gapMillis * 1_000_000);
        }

        assertThat(lengths.expected("m", 0)).isBetween(low, high);
    }

    @Test
    void maxTokensWinsAndUnknownModelsStartFromTheInitialGuess() {
        OutputLengths lengths = new OutputLengths();
        lengths.observe("m", 40, SECOND);

        assertThat(lengths.expected("m", 900)).isEqualTo(900);
        assertThat(lengths.expected("m", 0)).isEqualTo(40);
        assertThat(lengths.expected("other", 0)).isEqualTo(OutputLengths.INITIAL);
    }

    @Test
    void modelsBeyondTheBoundShareOneMean() {
        OutputLengths lengths = new OutputLengths();
        for (int m = 0; m < OutputLengths.MAX_MODELS + 10; m++) {
            lengths.observe("model-" + m, 10 + m, SECOND);
        }
        // The first models keep their own means; later ones fall into a shared one.
        assertThat(lengths.expected("model-0", 0)).isEqualTo(10);
        assertThat(lengths.expected("model-" + (OutputLengths.MAX_MODELS + 5), 0))
                .isEqualTo(lengths.expected("model-" + (OutputLengths.MAX_MODELS + 9), 0));
    }
}
