package io.qgate.discovery;

import io.qgate.routing.Endpoint;
import io.qgate.routing.EndpointSnapshot;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StaticEndpointSourceTest {

    @Test
    void parsesUrlsHostPortsAndIpv6() {
        AtomicReference<EndpointSnapshot> seen = new AtomicReference<>();
        StaticEndpointSource source = StaticEndpointSource.parse(
                " http://127.0.0.1:8002, 127.0.0.1:8001 ,,http://[::1]:8003/");

        source.start(seen::set);

        assertThat(seen.get().endpoints()).containsExactly(
                Endpoint.of("127.0.0.1", 8001), Endpoint.of("127.0.0.1", 8002), Endpoint.of("::1", 8003));
        assertThat(source.synced()).isTrue();
    }

    @Test
    void emptyListGivesAnEmptySnapshot() {
        AtomicReference<EndpointSnapshot> seen = new AtomicReference<>();
        StaticEndpointSource.parse("").start(seen::set);
        assertThat(seen.get().endpoints()).isEmpty();
    }

    @Test
    void rejectsWhatIsNotAnHttpAddress() {
        assertThatThrownBy(() -> StaticEndpointSource.parse("https://a:1"))
                .hasMessageContaining("expected: an http:// URL");
        assertThatThrownBy(() -> StaticEndpointSource.parse("http://a:1/v1"))
                .hasMessageContaining("no path");
        assertThatThrownBy(() -> StaticEndpointSource.parse("http://a b:1"))
                .hasMessageContaining("endpoint: http://a b:1");
    }
}
