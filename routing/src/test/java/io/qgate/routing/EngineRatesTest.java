package io.qgate.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.qgate.routing.metrics.EngineCounters;
import org.junit.jupiter.api.Test;

/** A replica's speed from its engine's counters, scrape after scrape. */
class EngineRatesTest {

    @Test
    void theIntervalsPrefillsTeachTheFitTheEnginesSecondsPerUncachedToken() {
        EngineRates rates = new EngineRates();
        double prompt = 0;
        double cached = 0;
        double seconds = 0;
        double prefills = 0;
        rates.scraped(counters(prompt, cached, seconds, prefills, 0, 0), 10);
        // Each interval, 5 prefills of a varied length, half of each prompt cached: 20 ms + 0.2 ms an uncached token.
        for (int i = 0; i < 20; i++) {
            double uncachedEach = 100 + 200 * (i % 6);
            prompt += 5 * 2 * uncachedEach;
            cached += 5 * uncachedEach;
            seconds += 5 * (0.020 + 0.0002 * uncachedEach);
            prefills += 5;
            rates.scraped(counters(prompt, cached, seconds, prefills, 0, 0), 10);
        }

        assertThat(rates.prefillFit().predict(1000)).isCloseTo(0.020 + 0.2, offset(1e-6));
    }

    @Test
    void theBatchsTimePerDecodeTokenIsTheTimeBetweenTokensOverTheBatch() {
        EngineRates rates = new EngineRates();
        assertThat(rates.secondsPerDecodeToken()).isNaN();
        assertThat(rates.secondsBetweenTokens()).isNaN();

        rates.scraped(counters(0, 0, 0, 0, 0, 0), 40);
        // 40 sequences, 20 ms between two of one sequence's tokens: 0.5 ms a token of the batch.
        rates.scraped(counters(0, 0, 0, 0, 4000 * 0.020, 4000), 40);

        assertThat(rates.secondsPerDecodeToken()).isCloseTo(0.0005, offset(1e-12));
        assertThat(rates.secondsBetweenTokens()).isCloseTo(0.020, offset(1e-12));
    }

    @Test
    void countersThatWentDownStartANewIntervalAndTeachNothing() {
        EngineRates rates = new EngineRates();
        rates.scraped(counters(1e6, 0, 500, 5000, 100, 10_000), 10);
        // The engine restarted: every counter is back near zero.
        rates.scraped(counters(1000, 0, 0.5, 5, 0.1, 10), 10);

        assertThat(rates.secondsPerDecodeToken()).isNaN();
        assertThat(rates.secondsBetweenTokens()).isNaN();
        assertThat(rates.prefillFit().predict(5000)).isNaN();
    }

    private static EngineCounters counters(double prompt, double cached, double prefillSeconds, double prefills,
                                           double interTokenSeconds, double interTokens) {
        return new EngineCounters(prompt, cached, prefillSeconds, prefills, interTokenSeconds, interTokens);
    }
}
