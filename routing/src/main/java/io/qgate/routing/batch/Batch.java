package io.qgate.routing.batch;

import io.qgate.routing.ApiRoute;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * Requests with one key, merged into one upstream call: the shared parameters with every
 * member's inputs concatenated, in member order, into {@code input} (embeddings) or
 * {@code prompt} (completions).
 */
public final class Batch {

    private final List<BatchableRequest> members;

    public Batch(List<BatchableRequest> members) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("members: empty (expected: at least one request)");
        }
        String key = members.get(0).key();
        for (BatchableRequest member : members) {
            if (!member.key().equals(key)) {
                throw new IllegalArgumentException("members: different keys (expected: one key per batch)");
            }
        }
        this.members = List.copyOf(members);
    }

    public List<BatchableRequest> members() {
        return members;
    }

    public ApiRoute route() {
        return members.get(0).route();
    }

    /** The body of the upstream call. */
    public byte[] body() {
        ObjectNode merged = members.get(0).parameters().deepCopy();
        ArrayNode inputs = merged.putArray(route() == ApiRoute.EMBEDDINGS ? "input" : "prompt");
        for (BatchableRequest member : members) {
            for (BatchItem item : member.items()) {
                inputs.add(item.value());
            }
        }
        return BatchableRequest.JSON.writeValueAsBytes(merged);
    }

    /** How many inputs the upstream call carries. */
    public int itemCount() {
        int count = 0;
        for (BatchableRequest member : members) {
            count += member.items().size();
        }
        return count;
    }
}
