package io.qgate.bench.study.soak;

import static org.assertj.core.api.Assertions.assertThat;

import io.qgate.bench.load.ErrorKinds;
import org.junit.jupiter.api.Test;

/** The soak counts the load generator's outcomes under its own endings. */
class EndingTest {

    @Test
    void everyErrorKindOfTheLaneHasItsEnding() {
        assertThat(Ending.of(null)).isEqualTo(Ending.OK);
        assertThat(Ending.of(ErrorKinds.ABORTED)).isEqualTo(Ending.ABORTED);
        assertThat(Ending.of(ErrorKinds.STREAM_ERROR)).isEqualTo(Ending.STREAM_ERROR);
        assertThat(Ending.of(ErrorKinds.INCOMPLETE_STREAM)).isEqualTo(Ending.INCOMPLETE);
        assertThat(Ending.of(ErrorKinds.CONNECT)).isEqualTo(Ending.CONNECT);
        assertThat(Ending.of(ErrorKinds.CLIENT_SATURATED)).isEqualTo(Ending.CONNECT);
        assertThat(Ending.of(ErrorKinds.TIMEOUT)).isEqualTo(Ending.TIMEOUT);
        assertThat(Ending.of(ErrorKinds.http(502))).isEqualTo(Ending.HTTP_ERROR);
        assertThat(Ending.of(ErrorKinds.RESET)).isEqualTo(Ending.RESET);
        assertThat(Ending.of(ErrorKinds.BAD_RESPONSE)).isEqualTo(Ending.RESET);
    }
}
