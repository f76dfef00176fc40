package io.qgate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.qgate.routing.ApiRoute;
import io.qgate.routing.PrefixHasher;
import io.qgate.routing.RouteRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;

import java.io.InputStream;

/**
 * Reads what routing needs from a JSON request body with a streaming parser: the top-level
 * {@code model}, {@code stream}, {@code priority} and {@code max_tokens}, and the leading text of the prompt (the {@code content} of
 * the first chat messages, or the completion {@code prompt}) for prefix affinity. No tree is
 * built, everything else is skipped, and the whole body is still checked to be well-formed JSON
 * (a client gets 400 from the gateway, not a confusing answer from a replica).
 */
public final class RequestBodyInspector {

    /**
     * Nesting deeper than this is refused (400) before it reaches a replica: real requests (tool
     * schemas included) stay far below it, and a deeply nested body is a cheap way to make a
     * recursive parser in the replica fail.
     */
    static final int MAX_NESTING_DEPTH = 128;
    /** Digits in one number; longer ones are refused (Jackson's default, stated so it is seen). */
    static final int MAX_NUMBER_LENGTH = 1000;

    /** Bytes of a request body per prompt token, for the estimate work-aware routing reads. */
    static final int BYTES_PER_TOKEN = 4;
    private static final long[] NO_HASHES = new long[0];

    /** Buffers recycled per thread: the parser runs on event loops, a few threads for the process. */
    private static final JsonFactory JSON = JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.threadLocalPool())
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxNumberLength(MAX_NUMBER_LENGTH)
                    .build())
            .build();

    /** How much of the prompt to hash for prefix affinity; {@link #NONE} hashes nothing. */
    public record PrefixLimits(int blockChars, int maxBlocks) {
        public static final PrefixLimits NONE = new PrefixLimits(1, 0);

        int maxChars() {
            return blockChars * maxBlocks;
        }
    }

    private RequestBodyInspector() {}

    /** Thrown when the body is not what the route expects; the message is safe to show. */
    public static final class InvalidBody extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidBody(String message) {
            super(message, null, false, false);
        }
    }

    /** Inspects without prefix hashing. */
    public static InspectedBody inspect(ApiRoute route, ByteBuf body) throws InvalidBody {
        return inspect(route, body, PrefixLimits.NONE);
    }

    /**
     * Inspects {@code body} (not consumed: its reader index is left where it was).
     *
     * @throws InvalidBody when the body is not a well-formed JSON object, or a field has the
     *                     wrong type
     */
    public static InspectedBody inspect(ApiRoute route, ByteBuf body, PrefixLimits limits) throws InvalidBody {
        if (!body.isReadable()) {
            throw new InvalidBody("The request body is empty; expected a JSON object.");
        }
        String model = null;
        boolean stream = false;
        Integer priority = null;
        int maxTokens = -1;
        StringBuilder prefix = limits.maxBlocks() > 0 ? new StringBuilder() : null;
        try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(),
                (InputStream) new ByteBufInputStream(body.duplicate(), false))) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidBody("The request body must be a JSON object.");
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("model".equals(name)) {
                    if (value != JsonToken.VALUE_STRING) {
                        throw new InvalidBody("'model' must be a string.");
                    }
                    model = parser.getString();
                } else if ("stream".equals(name)) {
                    if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE && value != JsonToken.VALUE_NULL) {
                        throw new InvalidBody("'stream' must be a boolean.");
                    }
                    stream = value == JsonToken.VALUE_TRUE;
                } else if ("priority".equals(name)) {
                    priority = priority(parser, value);
                } else if (("max_tokens".equals(name) || "max_completion_tokens".equals(name))
                        && value == JsonToken.VALUE_NUMBER_INT) {
                    maxTokens = (int) Math.max(maxTokens, Math.min(Integer.MAX_VALUE, parser.getLongValue()));
                } else if (prefix != null && "messages".equals(name) && value == JsonToken.START_ARRAY) {
                    readMessages(parser, prefix, limits.maxChars());
                } else if (prefix != null && "prompt".equals(name)) {
                    readPrompt(parser, value, prefix, limits.maxChars());
                } else {
                    parser.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw new InvalidBody("The request body is not valid JSON: unexpected content after the object.");
            }
        } catch (JacksonException e) {
            throw new InvalidBody("The request body is not valid JSON: " + JsonSyntaxMessage.of(e) + ".");
        }
        long[] hashes = prefix == null || prefix.length() < limits.blockChars() ? NO_HASHES
                : PrefixHasher.hash(prefix, limits.blockChars(), limits.maxBlocks());
        // About four bytes of JSON a token: an estimate for routing by work, not a count.
        RouteRequest request = new RouteRequest(route, model, stream, hashes, body.readableBytes() / BYTES_PER_TOKEN,
                Math.max(0, maxTokens));
        return new InspectedBody(request, priority, maxTokens);
    }

    /** An integer that fits an int, as vLLM takes it; null (JSON null) is no priority. */
    private static Integer priority(JsonParser parser, JsonToken value) throws InvalidBody {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() != JsonParser.NumberType.INT) {
            throw new InvalidBody("'priority' must be an integer (lower is served first).");
        }
        return parser.getIntValue();
    }

    /** Appends the string contents of chat messages, in order, up to {@code maxChars}. */
    private static void readMessages(JsonParser parser, StringBuilder prefix, int maxChars) {
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (token != JsonToken.START_OBJECT) {
                parser.skipChildren();
                continue;
            }
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("content".equals(field) && value == JsonToken.VALUE_STRING && prefix.length() < maxChars) {
                    append(prefix, parser.getString(), maxChars);
                    prefix.append('\n');
                } else {
                    parser.skipChildren();
                }
            }
        }
    }

    /** A completion prompt: a string, or the first string of an array of prompts. */
    private static void readPrompt(JsonParser parser, JsonToken value, StringBuilder prefix, int maxChars) {
        if (value == JsonToken.VALUE_STRING) {
            append(prefix, parser.getString(), maxChars);
        } else if (value == JsonToken.START_ARRAY) {
            JsonToken first = parser.nextToken();
            if (first == JsonToken.VALUE_STRING) {
                append(prefix, parser.getString(), maxChars);
            } else {
                parser.skipChildren();
            }
            if (first != JsonToken.END_ARRAY) {
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    parser.skipChildren();
                }
            }
        } else {
            parser.skipChildren();
        }
    }

    private static void append(StringBuilder prefix, String text, int maxChars) {
        prefix.append(text, 0, Math.min(text.length(), Math.max(0, maxChars - prefix.length())));
    }
}
