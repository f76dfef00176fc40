package io.qgate.gateway.metrics;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LatencyHistogramTest {

    private static long[] counts() {
        return new long[LatencyHistogram.BUCKETS];
    }

    @Test
    void bucketsTileTheRangeWithoutGapsAndEachSpansAtMostAQuarterOfItsLowerBound() {
        assertThat(LatencyHistogram.lowerMicros(0)).isZero();
        for (int i = 0; i < LatencyHistogram.BUCKETS; i++) {
            long lower = LatencyHistogram.lowerMicros(i);
            long upper = LatencyHistogram.upperMicros(i);
            assertThat(LatencyHistogram.bucket(lower * 1000)).as("lower bound of %d", i).isEqualTo(i);
            assertThat(LatencyHistogram.bucket(upper * 1000 - 1)).as("just below the upper bound of %d", i).isEqualTo(i);
            if (i + 1 < LatencyHistogram.BUCKETS) {
                assertThat(LatencyHistogram.lowerMicros(i + 1)).isEqualTo(upper);
            }
            if (lower >= 4) {
                assertThat(upper - lower).isLessThanOrEqualTo(lower / 4);
            }
        }
        // The last bucket ends at 2^32 µs, about 71 minutes.
        assertThat(LatencyHistogram.upperMicros(LatencyHistogram.BUCKETS - 1)).isEqualTo(1L << 32);
    }

    @Test
    void outOfRangeLatenciesLandInTheEndBuckets() {
        assertThat(LatencyHistogram.bucket(-5)).isZero();
        assertThat(LatencyHistogram.bucket(999)).isZero();
        assertThat(LatencyHistogram.bucket(Duration.ofHours(3).toNanos())).isEqualTo(LatencyHistogram.BUCKETS - 1);
        assertThat(LatencyHistogram.bucket(Long.MAX_VALUE)).isEqualTo(LatencyHistogram.BUCKETS - 1);
    }

    @Test
    void percentilesOfAKnownDistributionAreWithinTheBucketResolution() {
        long[] counts = counts();
        // 1..1000 ms, one request each: p50 is 500 ms, p99 990 ms.
        for (int ms = 1; ms <= 1000; ms++) {
            counts[LatencyHistogram.bucket(Duration.ofMillis(ms).toNanos())]++;
        }
        LatencyHistogram histogram = new LatencyHistogram(counts);

        assertThat(histogram.count()).isEqualTo(1000);
        assertThat(histogram.quantileSeconds(0.5)).isCloseTo(0.5, within(0.5 * 0.05));
        assertThat(histogram.quantileSeconds(0.99)).isCloseTo(0.99, within(0.99 * 0.05));
        assertThat(histogram.quantileSeconds(0)).isCloseTo(0.001, within(0.001 * 0.25));
    }

    @Test
    void aSingleLatencyIsReportedInsideItsBucket() {
        long[] counts = counts();
        int bucket = LatencyHistogram.bucket(Duration.ofMillis(40).toNanos());
        counts[bucket] = 7;
        LatencyHistogram histogram = new LatencyHistogram(counts);

        for (double q : new double[] {0.5, 0.99, 1}) {
            assertThat(histogram.quantileSeconds(q) * 1e6)
                    .isBetween((double) LatencyHistogram.lowerMicros(bucket), (double) LatencyHistogram.upperMicros(bucket))
                    .isCloseTo(40_000, within(40_000 * 0.25));
        }
    }

    @Test
    void anEmptyHistogramHasNoPercentiles() {
        assertThat(new LatencyHistogram(counts()).quantileSeconds(0.5)).isNaN();
    }

    @Test
    void badInputSaysWhatWasExpected() {
        assertThatThrownBy(() -> new LatencyHistogram(new long[3])).hasMessageContaining("(expected: 124)");
        assertThatThrownBy(() -> new LatencyHistogram(counts()).quantileSeconds(1.5))
                .hasMessage("q: 1.5 (expected: 0 to 1)");
    }
}
