package io.qgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.qgate.bench.sim.SchedulingPolicy;
import io.qgate.bench.sim.SimOptions;
import io.qgate.bench.sim.SimServer;
import io.qgate.gateway.Gateway;
import io.qgate.gateway.config.GatewayConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What reaches the engine of a request's priority: the body's {@code priority} goes through the
 * gateway unchanged, and a priority given only in {@code admission.priority-header} orders the
 * gateway's queue but is not written into the body. The simulated engine answers a non-zero
 * priority as vLLM does: accepted under {@code --scheduling-policy priority}, refused (400) without.
 */
class PriorityPassThroughTest {

    private static final String MODEL = "meta-llama/Llama-3.1-8B-Instruct";

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void anEngineWithoutPriorityPolicyRefusesTheBodysPriorityAndNeverSeesTheHeaders() throws Exception {
        try (SimServer replica = replica(SchedulingPolicy.FCFS); Gateway gateway = gateway(replica)) {
            HttpResponse<String> inBody = chat(gateway, ",\"priority\":3", null);
            assertThat(inBody.statusCode()).isEqualTo(400);
            assertThat(inBody.body()).contains("Got priority 3 but Priority scheduling is not enabled.");
            assertThat(chat(gateway, "", "3").statusCode()).as("the header's priority stays at the gateway")
                    .isEqualTo(200);
            assertThat(chat(gateway, ",\"priority\":0", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void anEngineWithPriorityPolicyTakesTheBodysPriority() throws Exception {
        try (SimServer replica = replica(SchedulingPolicy.PRIORITY); Gateway gateway = gateway(replica)) {
            assertThat(chat(gateway, ",\"priority\":-5", null).statusCode()).isEqualTo(200);
            assertThat(chat(gateway, ",\"priority\":7", "1").statusCode()).isEqualTo(200);
            assertThat(chat(gateway, ",\"priority\":\"high\"", null).statusCode()).as("refused by the gateway")
                    .isEqualTo(400);
        }
    }

    private static SimServer replica(SchedulingPolicy policy) {
        return SimServer.start(SimOptions.defaults().with(o -> {
            o.port = 0;
            o.timeScale = 0.01;
            o.schedulingPolicy = policy;
        }));
    }

    private static Gateway gateway(SimServer replica) {
        return Gateway.start(GatewayConfig.of(Map.of("server.host", "127.0.0.1", "server.port", "0",
                "admin.port", "0", "endpoints", "http://127.0.0.1:" + replica.port(), "shutdown.delay", "0s",
                "admission.priority-header", "x-priority")));
    }

    private HttpResponse<String> chat(Gateway gateway, String bodyFields, String headerPriority) throws Exception {
        String body = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"max_tokens\":4" + bodyFields + "}";
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("content-type", "application/json");
        if (headerPriority != null) {
            request.header("x-priority", headerPriority);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
