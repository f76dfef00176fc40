package io.qgate.gateway;

import io.qgate.gateway.config.GatewayConfig;
import io.qgate.testing.StubReplica;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two model pools behind one gateway, each of stub replicas: which pool a request goes to
 * (configured names, names the replicas list, conflicts, unknown names, the default pool), the
 * gateway's own model list, and the per-pool signals.
 */
class ModelPoolsTest extends LoopbackGatewayTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A replica that lists {@code models} at GET /v1/models and answers anything else with its port. */
    private StubReplica replicaListing(String... models) {
        StringBuilder list = new StringBuilder("{\"object\":\"list\",\"data\":[");
        for (int i = 0; i < models.length; i++) {
            String[] idAndParent = models[i].split(":");
            list.append(i == 0 ? "" : ",").append("{\"id\":\"").append(idAndParent[0])
                .append("\",\"object\":\"model\",\"owned_by\":\"vllm\"")
                .append(idAndParent.length > 1 ? ",\"parent\":\"" + idAndParent[1] + "\"" : "").append('}');
        }
        String body = list.append("]}").toString();
        StubReplica stub = stub();
        stub.respondWith((ctx, req, replica) -> StubReplica.json(req.uri().startsWith("/v1/models")
                ? body : "{\"port\":" + replica.port() + "}").respond(ctx, req, replica));
        return stub;
    }

    private Gateway gateway(List<Map<String, String>> pools, String... settings) {
        Map<String, String> config = new HashMap<>(Map.of("server.host", "127.0.0.1", "server.port", "0",
                "admin.port", "0", "shutdown.delay", "0s", "scrape.enabled", "false",
                "discovery.models-refresh", "100ms"));
        for (int i = 0; i < settings.length; i += 2) {
            config.put(settings[i], settings[i + 1]);
        }
        Gateway gateway = Gateway.start(GatewayConfig.of(config, pools));
        closeLater(gateway);
        return gateway;
    }

    private static Map<String, String> pool(String name, String models, StubReplica... replicas) {
        List<String> urls = new ArrayList<>();
        for (StubReplica replica : replicas) {
            urls.add(replica.url());
        }
        Map<String, String> pool = new HashMap<>(Map.of("name", name, "endpoints", String.join(",", urls)));
        if (!models.isEmpty()) {
            pool.put("models", models);
        }
        return pool;
    }

    private HttpResponse<String> chat(Gateway gateway, String model) throws Exception {
        return post(gateway, "/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":[]}");
    }

    /** The port of the replica that answered, or the gateway's error code. */
    private String servedBy(Gateway gateway, String model) throws Exception {
        HttpResponse<String> response = chat(gateway, model);
        JsonNode body = JSON.readTree(response.body());
        return response.statusCode() == 200 ? body.get("port").asString()
                : response.statusCode() + " " + body.get("error").get("code").asString();
    }

    private static String port(StubReplica replica) {
        return Integer.toString(replica.port());
    }

    @Test
    void eachConfiguredModelGoesToItsOwnPoolAndAnUnknownOneIsAnOpenAiNotFound() throws Exception {
        StubReplica llama = replicaListing();
        StubReplica qwen = replicaListing();
        Gateway gateway = gateway(List.of(pool("llama", "llama-8b", llama), pool("qwen", "qwen-32b", qwen)),
                "discovery.models-refresh", "0");

        for (int i = 0; i < 4; i++) {
            assertThat(servedBy(gateway, "llama-8b")).isEqualTo(port(llama));
            assertThat(servedBy(gateway, "qwen-32b")).isEqualTo(port(qwen));
        }
        HttpResponse<String> unknown = chat(gateway, "gpt-4o");
        assertThat(unknown.statusCode()).isEqualTo(404);
        JsonNode error = JSON.readTree(unknown.body()).get("error");
        assertThat(error.get("code").asString()).isEqualTo("model_not_found");
        assertThat(error.get("type").asString()).isEqualTo("invalid_request_error");
        assertThat(error.get("message").asString()).contains("'gpt-4o'").contains("llama-8b, qwen-32b");
        // The gateway keeps serving after the refusal.
        assertThat(servedBy(gateway, "llama-8b")).isEqualTo(port(llama));
    }

    @Test
    void theDefaultPoolTakesTheModelsNoPoolServes() throws Exception {
        StubReplica llama = replicaListing();
        StubReplica catchAll = replicaListing();
        Gateway gateway = gateway(List.of(pool("llama", "llama-8b", llama), pool("rest", "", catchAll)),
                "default-pool", "rest", "discovery.models-refresh", "0");

        assertThat(servedBy(gateway, "llama-8b")).isEqualTo(port(llama));
        assertThat(servedBy(gateway, "anything-else")).isEqualTo(port(catchAll));
    }

    @Test
    void namesTheReplicasListAreLearntAndConflictsResolvedForTheConfiguredOrFirstPool() throws Exception {
        // llama's replica lists a LoRA adapter of its base model, and two names it does not own.
        StubReplica llama = replicaListing("llama-8b", "sql-lora:llama-8b", "qwen-32b", "shared");
        StubReplica qwen = replicaListing("qwen-32b", "shared");
        Gateway gateway = gateway(List.of(pool("llama", "", llama), pool("qwen", "qwen-32b", qwen)));

        await().atMost(Duration.ofSeconds(10)).until(() -> servedBy(gateway, "sql-lora").equals(port(llama)));
        assertThat(servedBy(gateway, "llama-8b")).isEqualTo(port(llama));
        // Configured for qwen: listing it elsewhere does not move it.
        assertThat(servedBy(gateway, "qwen-32b")).isEqualTo(port(qwen));
        // Listed by both, configured by neither: the first pool in the configuration.
        assertThat(servedBy(gateway, "shared")).isEqualTo(port(llama));
    }

    @Test
    void theGatewayListsEveryPoolsModelsOnceInOpenAisShape() throws Exception {
        StubReplica llama = replicaListing("llama-8b", "sql-lora:llama-8b");
        StubReplica qwen = replicaListing("qwen-32b", "llama-8b");
        Gateway gateway = gateway(List.of(pool("llama", "", llama),
                pool("qwen", "qwen-32b,Qwen/Qwen2.5-32B", qwen)));

        await().atMost(Duration.ofSeconds(10)).until(() ->
                get(gateway.port(), "/v1/models").body().contains("sql-lora"));
        JsonNode list = JSON.readTree(get(gateway.port(), "/v1/models").body());
        assertThat(list.get("object").asString()).isEqualTo("list");
        List<String> ids = new ArrayList<>();
        list.get("data").forEach(model -> ids.add(model.get("id").asString()));
        assertThat(ids).containsExactlyInAnyOrder("llama-8b", "sql-lora", "qwen-32b", "Qwen/Qwen2.5-32B");
        // The replica's own entry is passed on: its owner and the adapter's parent.
        list.get("data").forEach(model -> {
            if (model.get("id").asString().equals("sql-lora")) {
                assertThat(model.get("parent").asString()).isEqualTo("llama-8b");
                assertThat(model.get("owned_by").asString()).isEqualTo("vllm");
            }
        });
        HttpResponse<String> one = get(gateway.port(), "/v1/models/Qwen/Qwen2.5-32B");
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(one.body()).get("id").asString()).isEqualTo("Qwen/Qwen2.5-32B");
        HttpResponse<String> none = get(gateway.port(), "/v1/models/nope");
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(none.body()).contains("model_not_found");
        // The list is the gateway's: no replica was asked for it by a client.
        assertThat(llama.received()).allMatch(request -> request.uri().equals("/v1/models")
                && !request.headers().contains("authorization"));
    }

    @Test
    void metricsScalingAndDebugAreKeptPerPool() throws Exception {
        StubReplica llama = replicaListing();
        StubReplica qwenA = replicaListing();
        StubReplica qwenB = replicaListing();
        Gateway gateway = gateway(List.of(pool("llama", "llama-8b", llama),
                pool("qwen", "qwen-32b", qwenA, qwenB)), "discovery.models-refresh", "0");
        for (int i = 0; i < 3; i++) {
            assertThat(chat(gateway, "qwen-32b").statusCode()).isEqualTo(200);
        }
        assertThat(chat(gateway, "llama-8b").statusCode()).isEqualTo(200);
        assertThat(chat(gateway, "unknown").statusCode()).isEqualTo(404);

        String metrics = get(gateway.adminPort(), "/metrics").body();
        assertThat(metrics)
                .contains("qgate_requests_total{code=\"200\",model=\"qwen-32b\",pool=\"qwen\",route=\"chat\"} 3.0")
                .contains("qgate_requests_total{code=\"200\",model=\"llama-8b\",pool=\"llama\",route=\"chat\"} 1.0")
                .contains("qgate_requests_total{code=\"404\",model=\"none\",pool=\"none\",route=\"chat\"} 1.0")
                .contains("qgate_pool_ready_endpoints{pool=\"qwen\"} 2.0")
                .contains("qgate_pool_ready_endpoints{pool=\"llama\"} 1.0")
                .contains("qgate_queue_length{pool=\"llama\",priority=\"normal\"} 0.0")
                .contains("qgate_pool_queue_length{pool=\"qwen\"}")
                .contains("qgate_request_rate{pool=\"qwen\"}");

        JsonNode qwen = JSON.readTree(get(gateway.adminPort(), "/scaling?pool=qwen").body());
        assertThat(qwen.get("readyReplicas").asInt()).isEqualTo(2);
        JsonNode all = JSON.readTree(get(gateway.adminPort(), "/scaling").body());
        assertThat(all.get("readyReplicas").asInt()).isEqualTo(3);
        assertThat(all.get("pools").get("llama").get("readyReplicas").asInt()).isEqualTo(1);
        assertThat(get(gateway.adminPort(), "/scaling?pool=nope").statusCode()).isEqualTo(404);

        JsonNode debug = JSON.readTree(get(gateway.adminPort(), "/debug/endpoints").body());
        assertThat(debug.get("pools")).hasSize(2);
        assertThat(debug.get("pools").get(1).get("pool").asString()).isEqualTo("qwen");
        assertThat(debug.get("pools").get(1).get("endpoints")).hasSize(2);

        JsonNode status = JSON.readTree(get(gateway.adminPort(), "/status.json").body());
        assertThat(status.get("pools").get(0).get("configuredModels").get(0).asString()).isEqualTo("llama-8b");
        assertThat(status.get("pools").get(1).get("replicas")).hasSize(2);
    }
}
