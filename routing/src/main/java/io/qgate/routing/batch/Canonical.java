package io.qgate.routing.batch;

import tools.jackson.databind.JsonNode;

import java.util.Map;
import java.util.TreeMap;

/** JSON written with object fields in sorted order, so that equal parameters give equal keys. */
final class Canonical {

    private Canonical() {}

    static String json(JsonNode node) {
        StringBuilder out = new StringBuilder();
        write(node, out);
        return out.toString();
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                sorted.put(field.getKey(), field.getValue());
            }
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, JsonNode> field : sorted.entrySet()) {
                out.append(first ? "" : ",").append(BatchableRequest.JSON.writeValueAsString(field.getKey())).append(':');
                write(field.getValue(), out);
                first = false;
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                out.append(i == 0 ? "" : ",");
                write(node.get(i), out);
            }
            out.append(']');
        } else {
            out.append(BatchableRequest.JSON.writeValueAsString(node));
        }
    }
}
