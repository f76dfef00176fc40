package io.qgate.bench.sim;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http.HttpResponseStatus;

/** An error answered in OpenAI's shape: {@code {"error":{"message","type","param","code"}}}. */
final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    static final String INVALID_REQUEST = "invalid_request_error";

    private final HttpResponseStatus status;
    private final String type;
    private final String param;
    private final String code;

    ApiException(HttpResponseStatus status, String message, String type, String param, String code) {
        super(requireNonNull(message, "message"), null, false, false);
        this.status = requireNonNull(status, "status");
        this.type = requireNonNull(type, "type");
        this.param = param;
        this.code = code;
    }

    static ApiException badRequest(String message, String param) {
        return new ApiException(HttpResponseStatus.BAD_REQUEST, message, INVALID_REQUEST, param, null);
    }

    static ApiException notFound(String method, String path) {
        return new ApiException(HttpResponseStatus.NOT_FOUND, "Invalid URL (" + method + " " + path + ")",
                INVALID_REQUEST, null, "not_found");
    }

    static ApiException methodNotAllowed(String method, String path) {
        return new ApiException(HttpResponseStatus.METHOD_NOT_ALLOWED,
                "Method " + method + " not allowed for " + path, INVALID_REQUEST, null, "method_not_allowed");
    }

    /** As vLLM and LiteLLM answer a request for a model the server does not serve. */
    static ApiException modelNotFound(String model) {
        return new ApiException(HttpResponseStatus.NOT_FOUND, "The model `" + model + "` does not exist.",
                INVALID_REQUEST, "model", "model_not_found");
    }

    static ApiException unavailable(String message) {
        return new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, message, "service_unavailable", null, null);
    }

    HttpResponseStatus status() {
        return status;
    }

    String type() {
        return type;
    }

    String param() {
        return param;
    }

    String code() {
        return code;
    }
}
