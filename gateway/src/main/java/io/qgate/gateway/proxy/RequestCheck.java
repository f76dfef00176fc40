package io.qgate.gateway.proxy;

import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.qgate.routing.ApiRoute;
import io.qgate.routing.RouteRequest;

/**
 * What the gateway checks before a request may go to a replica: that it could be parsed, is for
 * the OpenAI API, uses the route's method, and (for JSON routes) has a body the router can read.
 */
final class RequestCheck {

    /** Why a request is answered by the gateway itself; thrown only for requests in error. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        final transient ErrorResponses error;
        final transient ApiRoute route;
        /** The method the route takes, for the answer's {@code Allow} header; or null. */
        final transient HttpMethod allow;
        /** The connection's framing can no longer be trusted: answer and close. */
        final boolean close;

        Refused(ErrorResponses error, String message, ApiRoute route, HttpMethod allow, boolean close,
                Throwable cause) {
            super(message, cause, false, false);
            this.error = error;
            this.route = route;
            this.allow = allow;
            this.close = close;
        }
    }

    private RequestCheck() {
    }

    /** The request as the router sees it, or why it is refused. */
    static InspectedBody check(FullHttpRequest request, RequestBodyInspector.PrefixLimits prefixLimits)
            throws Refused {
        if (request.decoderResult().isFailure()) {
            throw malformed(request.decoderResult().cause());
        }
        String uri = request.uri();
        if (!uri.startsWith("/v1/")) {
            throw new Refused(ErrorResponses.NOT_FOUND, "Unknown path; the gateway serves the OpenAI API under /v1/.",
                    ApiRoute.OTHER, null, false, null);
        }
        ApiRoute route = ApiRoute.ofPath(uri);
        HttpMethod allowed = allowedMethod(route);
        if (allowed != null && !allowed.equals(request.method())) {
            throw new Refused(ErrorResponses.METHOD_NOT_ALLOWED, "Use " + allowed + " for " + uri + ".", route,
                    allowed, false, null);
        }
        if (!route.isJsonPost()) {
            return InspectedBody.of(new RouteRequest(route, null, false));
        }
        try {
            return RequestBodyInspector.inspect(route, request.content(), prefixLimits);
        } catch (RequestBodyInspector.InvalidBody e) {
            throw new Refused(ErrorResponses.INVALID_JSON, e.getMessage(), route, null, false, null);
        }
    }

    private static HttpMethod allowedMethod(ApiRoute route) {
        if (route.isJsonPost()) {
            return HttpMethod.POST;
        }
        return route == ApiRoute.MODELS ? HttpMethod.GET : null;
    }

    private static Refused malformed(Throwable cause) {
        ErrorResponses error;
        if (cause instanceof TooLongHttpHeaderException) {
            error = ErrorResponses.HEADERS_TOO_LARGE;
        } else if (cause instanceof TooLongHttpLineException) {
            error = ErrorResponses.URI_TOO_LONG;
        } else if (cause instanceof TooLongFrameException) {
            error = ErrorResponses.HEADERS_TOO_LARGE;
        } else {
            error = ErrorResponses.BAD_REQUEST;
        }
        String message = error == ErrorResponses.BAD_REQUEST ? "Malformed HTTP request." : cause.getMessage();
        return new Refused(error, message, ApiRoute.OTHER, null, true, cause);
    }
}
