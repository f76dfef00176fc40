package io.qgate.gateway.pool;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * One model as a replica lists it at {@code GET /v1/models}: its id and the whole object (vLLM
 * adds {@code parent} for a LoRA module, {@code max_model_len}, ...), which the gateway's own list
 * passes on unchanged.
 */
public record ModelEntry(String id, ObjectNode json) {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** A replica listing more than this is not a model server: the rest is not read. */
    static final int MAX_PER_REPLICA = 1_000;

    /** An entry for a model known only from the configuration. */
    static ModelEntry configured(String id, long createdSeconds) {
        ObjectNode json = JSON.createObjectNode();
        json.put("id", id);
        json.put("object", "model");
        json.put("created", createdSeconds);
        json.put("owned_by", "qgate");
        return new ModelEntry(id, json);
    }

    /**
     * The entries of an OpenAI model list ({@code {"object":"list","data":[...]}}).
     *
     * @throws IllegalArgumentException when the body is not such a list
     */
    static List<ModelEntry> parseList(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        JsonNode data = root == null ? null : root.get("data");
        if (data == null || !data.isArray()) {
            throw new IllegalArgumentException("no \"data\" list");
        }
        List<ModelEntry> entries = new ArrayList<>();
        for (JsonNode item : data) {
            JsonNode id = item.get("id");
            if (!item.isObject() || id == null || !id.isString() || id.asString().isEmpty()) {
                continue;
            }
            entries.add(new ModelEntry(id.asString(), (ObjectNode) item));
            if (entries.size() == MAX_PER_REPLICA) {
                break;
            }
        }
        return entries;
    }

    /** {@code entries} as an OpenAI model list. */
    static String renderList(List<ModelEntry> entries) {
        ObjectNode root = JSON.createObjectNode();
        root.put("object", "list");
        var data = root.putArray("data");
        entries.forEach(entry -> data.add(entry.json));
        return JSON.writeValueAsString(root) + "\n";
    }

    /** One entry as JSON, for {@code GET /v1/models/{id}}. */
    String render() {
        return JSON.writeValueAsString(json) + "\n";
    }
}
