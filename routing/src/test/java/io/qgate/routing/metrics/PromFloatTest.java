package io.qgate.routing.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class PromFloatTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "0", "-0", "+0", "12", "12.0", "0.7", "0.8125", ".5", "5.", "1.234567e+06", "2.147483648e+09",
        "1.7643e+09", "1E-3", "00012.500", "9007199254740993", "123456789012345678901234567890",
        "0.1000000000000000055511151231257827", "4.9e-324", "2.2250738585072014E-308",
        "1.7976931348623157e308", "1.7976931348623159e308", "1e400", "-1e400", "1e-400",
        "0.000000000000000000000000000001", "1e22", "1e23", "123e-22", "123e-23",
    })
    void decimalsReadAsDoubleParseDoubleReadsThem(String token) {
        assertThat(parse(token)).isEqualTo(Double.parseDouble(token));
    }

    @Test
    void randomDecimalsRoundLikeDoubleParseDouble() {
        Random random = new Random(99);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder token = new StringBuilder();
            if (random.nextBoolean()) {
                token.append(random.nextBoolean() ? '-' : '+');
            }
            int digits = 1 + random.nextInt(random.nextBoolean() ? 8 : 25);
            int point = random.nextInt(digits + 1);
            for (int k = 0; k < digits; k++) {
                if (k == point) {
                    token.append('.');
                }
                token.append((char) ('0' + random.nextInt(10)));
            }
            if (random.nextBoolean()) {
                token.append('e').append(random.nextInt(700) - 350);
            }
            String text = token.toString();
            assertThat(parse(text)).as(text).isEqualTo(Double.parseDouble(text));
        }
    }

    @Test
    void specialValues() {
        assertThat(parse("+Inf")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(parse("-Inf")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(parse("inf")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(parse("-infinity")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(parse("NaN")).isNaN();
        assertThat(PromFloat.isNaNLiteral(buffer("nan"), 0, 3)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "+", "-", ".", "e5", "1e", "1e+", "1..2", "1.2.3", "0x1p3", "1_0", "1f", "1d",
        "Infinit", "+NaN", "nanx", " 1", "1 ", "--1"})
    void malformedTokensAreNotNumbers(String token) {
        assertThat(parse(token)).isNaN();
        assertThat(PromFloat.isNaNLiteral(buffer(token), 0, token.length())).isFalse();
    }

    private static double parse(String token) {
        return PromFloat.parse(buffer(token), 0, token.length());
    }

    private static ByteBuffer buffer(String token) {
        return ByteBuffer.wrap(token.getBytes(StandardCharsets.US_ASCII));
    }
}
