package io.qgate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.qgate.routing.ApiRoute;
import io.qgate.routing.RouteRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;

import java.io.InputStream;

/**
 * Reads the few top-level fields routing needs ({@code model}, {@code stream}) from a JSON
 * request body with a streaming parser: no tree is built, nested values are skipped, and the
 * whole body is still checked to be well-formed JSON (a client gets 400 from the gateway, not a
 * confusing answer from a replica).
 */
public final class RequestBodyInspector {

    /** Buffers recycled per thread: the parser runs on event loops, a few threads for the process. */
    private static final JsonFactory JSON = JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.threadLocalPool())
            .build();

    private RequestBodyInspector() {}

    /** Thrown when the body is not what the route expects; the message is safe to show. */
    public static final class InvalidBody extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidBody(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Inspects {@code body} (not consumed: its reader index is left where it was).
     *
     * @throws InvalidBody when the body is not a well-formed JSON object, or a field has the
     *                     wrong type
     */
    public static RouteRequest inspect(ApiRoute route, ByteBuf body) throws InvalidBody {
        if (!body.isReadable()) {
            throw new InvalidBody("The request body is empty; expected a JSON object.");
        }
        String model = null;
        boolean stream = false;
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
                } else {
                    parser.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw new InvalidBody("The request body is not valid JSON: unexpected content after the object.");
            }
        } catch (JacksonException e) {
            throw new InvalidBody("The request body is not valid JSON: " + e.getOriginalMessage());
        }
        return new RouteRequest(route, model, stream);
    }
}
