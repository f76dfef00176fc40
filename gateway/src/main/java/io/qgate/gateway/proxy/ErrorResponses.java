package io.qgate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * The errors the gateway itself produces, as OpenAI-style JSON
 * ({@code {"error":{"message":…,"type":…,"code":…}}}), so that clients written against the
 * OpenAI API report them like any other API error. Errors from replicas pass through unchanged.
 */
public enum ErrorResponses {
    INVALID_JSON(HttpResponseStatus.BAD_REQUEST, "invalid_request_error", "invalid_json"),
    BAD_REQUEST(HttpResponseStatus.BAD_REQUEST, "invalid_request_error", "bad_request"),
    NOT_FOUND(HttpResponseStatus.NOT_FOUND, "invalid_request_error", "not_found"),
    FORBIDDEN(HttpResponseStatus.FORBIDDEN, "permission_error", "forbidden"),
    MODEL_NOT_FOUND(HttpResponseStatus.NOT_FOUND, "invalid_request_error", "model_not_found"),
    METHOD_NOT_ALLOWED(HttpResponseStatus.METHOD_NOT_ALLOWED, "invalid_request_error", "method_not_allowed"),
    REQUEST_TIMEOUT(HttpResponseStatus.REQUEST_TIMEOUT, "invalid_request_error", "request_timeout"),
    TOO_LARGE(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "invalid_request_error", "request_too_large"),
    URI_TOO_LONG(HttpResponseStatus.REQUEST_URI_TOO_LONG, "invalid_request_error", "uri_too_long"),
    HEADERS_TOO_LARGE(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "invalid_request_error",
            "headers_too_large"),
    OVERLOADED(HttpResponseStatus.TOO_MANY_REQUESTS, "rate_limit_error", "gateway_overloaded"),
    UPSTREAM_FAILED(HttpResponseStatus.BAD_GATEWAY, "api_error", "upstream_failed"),
    NO_REPLICA(HttpResponseStatus.SERVICE_UNAVAILABLE, "api_error", "no_ready_replica"),
    UPSTREAM_TIMEOUT(HttpResponseStatus.GATEWAY_TIMEOUT, "api_error", "upstream_timeout");

    private static final JsonFactory JSON = new JsonFactory();

    private final HttpResponseStatus status;
    private final String type;
    private final String code;

    ErrorResponses(HttpResponseStatus status, String type, String code) {
        this.status = status;
        this.type = type;
        this.code = code;
    }

    public HttpResponseStatus status() {
        return status;
    }

    /** The JSON body for {@code message}. */
    public String body(String message) {
        StringWriter out = new StringWriter(96 + message.length());
        try (JsonGenerator json = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
            json.writeStartObject();
            json.writeName("error");
            json.writeStartObject();
            json.writeStringProperty("message", message);
            json.writeStringProperty("type", type);
            json.writeStringProperty("code", code);
            json.writeEndObject();
            json.writeEndObject();
        }
        return out.toString();
    }

    /** A complete response carrying {@code message}; {@code keepAlive} sets the Connection header. */
    public FullHttpResponse response(ByteBufAllocator alloc, HttpVersion version, String message, boolean keepAlive) {
        ByteBuf content = alloc.buffer();
        content.writeCharSequence(body(message), StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(version, status, content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (version.equals(HttpVersion.HTTP_1_0)) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        return response;
    }
}
