package io.qgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** {@code admin.debug: loopback} on real sockets: a client on 127.0.0.1 reads the debug pages. */
class AdminDebugLoopbackTest extends LoopbackGatewayTest {

    @Test
    void aLoopbackClientReadsTheDebugPagesAndOffHidesThemFromEveryone() throws Exception {
        Gateway loopback = gateway(stub().url(), "admin.debug", "loopback");
        Gateway off = gateway(stub().url(), "admin.debug", "off");

        HttpResponse<String> local = get(loopback.adminPort(), "/debug/endpoints");
        HttpResponse<String> hidden = get(off.adminPort(), "/debug/endpoints");

        assertThat(local.statusCode()).isEqualTo(200);
        assertThat(local.body()).contains("\"endpoints\"");
        assertThat(hidden.statusCode()).isEqualTo(404);
        assertThat(get(off.adminPort(), "/metrics").statusCode()).isEqualTo(200);
    }
}
