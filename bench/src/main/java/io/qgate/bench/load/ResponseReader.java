package io.qgate.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Measures one response as it arrives: status, time to first byte or first token, whether a
 * stream finished with {@code [DONE]}, and the output token count. Reused for every response on a
 * connection; it never holds on to a buffer.
 */
final class ResponseReader {

    /** Non-streamed bodies are kept only to find their usage; beyond this they are not kept. */
    private static final int MAX_KEPT_BODY = 1 << 20;
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COMPLETION_TOKENS = "\"completion_tokens\"".getBytes(StandardCharsets.US_ASCII);
    /** Enough of an error answer to tell the gateway's own errors from a replica's. */
    private static final int KEPT_ERROR_BYTES = 300;

    private final SseParser sse = new SseParser(this::onEvent);
    private final ByteArrayBuilder body = new ByteArrayBuilder(1024);
    private final StringBuilder errorBody = new StringBuilder();

    private boolean streamRequested;
    private int status;
    private String retryAfter = "";
    private boolean eventStream;
    private boolean keepAlive;
    private long contentNanos;
    private long firstByteNanos;
    private long firstDataNanos;
    private long firstContentNanos;
    private boolean done;
    private boolean streamError;
    private long contentChunks;
    private long usageTokens;
    private int events;

    void begin(boolean streamRequested) {
        this.streamRequested = streamRequested;
        status = 0;
        retryAfter = "";
        eventStream = false;
        keepAlive = true;
        firstByteNanos = 0;
        firstDataNanos = 0;
        firstContentNanos = 0;
        done = false;
        streamError = false;
        contentChunks = 0;
        usageTokens = -1;
        events = 0;
        errorBody.setLength(0);
        sse.reset();
        body.reset();
    }

    void onHead(HttpResponse response) {
        status = response.status().code();
        String after = response.headers().get(HttpHeaderNames.RETRY_AFTER);
        retryAfter = after == null ? "" : after;
        keepAlive = HttpUtil.isKeepAlive(response);
        String type = response.headers().get(HttpHeaderNames.CONTENT_TYPE);
        eventStream = type != null && type.regionMatches(true, 0, HttpHeaderValues.TEXT_EVENT_STREAM.toString(),
                0, HttpHeaderValues.TEXT_EVENT_STREAM.length());
    }

    void onContent(ByteBuf content, long nowNanos) {
        if (!content.isReadable()) {
            return;
        }
        if (firstByteNanos == 0) {
            firstByteNanos = nowNanos;
        }
        if (!isSuccess()) {
            keepErrorBody(content); // an error body is not measured, only kept in part
            return;
        }
        if (eventStream) {
            contentNanos = nowNanos;
            sse.feed(content);
        } else if (body.length() < MAX_KEPT_BODY) {
            body.append(content);
        }
    }

    private void keepErrorBody(ByteBuf content) {
        int keep = Math.min(content.readableBytes(), KEPT_ERROR_BYTES - errorBody.length());
        if (keep > 0) {
            errorBody.append(content.toString(content.readerIndex(), keep, StandardCharsets.UTF_8));
        }
    }

    /** The answer's {@code Retry-After}, or {@code ""}. */
    String retryAfter() {
        return retryAfter;
    }

    /** The answer's status, or 0 before its head arrived. */
    int status() {
        return status;
    }

    /** The start of a non-2xx answer's body; empty otherwise. */
    String errorBody() {
        return errorBody.toString();
    }

    /** SSE data events of the answer so far, not counting {@code [DONE]} and error events. */
    int events() {
        return events;
    }

    /** Whether a 2xx stream is still going: neither {@code [DONE]} nor an error event has arrived. */
    boolean streamOpen() {
        return eventStream && isSuccess() && !done && !streamError;
    }

    /**
     * How a request ends whose connection went away under it: a stream that carried an error event
     * was cut by the server on purpose (the gateway's abort event), anything else was reset.
     */
    String cutKind() {
        return streamError ? ErrorKinds.STREAM_ERROR : ErrorKinds.RESET;
    }

    /** A failure of the answer read so far, with its status and error body. */
    Outcome failed(String kind) {
        return Outcome.failed(kind).withResponse(status, errorBody(), retryAfter);
    }

    /** Whether the connection may carry another request after this response. */
    boolean keepAlive() {
        return keepAlive;
    }

    Outcome finish(long intendedStartNanos, long nowNanos) {
        if (!isSuccess()) {
            return Outcome.failed(ErrorKinds.http(status));
        }
        long e2e = nowNanos - intendedStartNanos;
        if (!streamRequested) {
            long firstByte = firstByteNanos == 0 ? nowNanos : firstByteNanos;
            return Outcome.ok(firstByte - intendedStartNanos, e2e, Math.max(0, scanCompletionTokens()));
        }
        if (streamError) {
            return Outcome.failed(ErrorKinds.STREAM_ERROR);
        }
        if (!done) {
            return Outcome.failed(ErrorKinds.INCOMPLETE_STREAM);
        }
        // A stream whose every chunk was empty still answered: fall back to its first event.
        long first = firstContentNanos != 0 ? firstContentNanos : firstDataNanos != 0 ? firstDataNanos : nowNanos;
        long tokens = usageTokens >= 0 ? usageTokens : contentChunks;
        return Outcome.ok(first - intendedStartNanos, e2e, tokens);
    }

    private boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    private void onEvent(byte[] data, int length) {
        if (firstDataNanos == 0) {
            firstDataNanos = contentNanos;
        }
        if (length == DONE.length && regionEquals(data, 0, DONE)) {
            done = true;
            return;
        }
        JsonNode event;
        try {
            event = JsonMapper.shared().readTree(data, 0, length);
        } catch (JacksonException e) {
            events++;
            return; // not JSON: neither content nor usage
        }
        if (event == null || !event.isObject()) {
            events++;
            return;
        }
        if (event.has("error")) {
            streamError = true;
        } else {
            events++;
        }
        for (JsonNode choice : event.path("choices")) {
            JsonNode text = choice.path("delta").path("content");
            if (!text.isString()) {
                text = choice.path("text");
            }
            if (text.isString() && !text.stringValue().isEmpty()) {
                contentChunks++;
                if (firstContentNanos == 0) {
                    firstContentNanos = contentNanos;
                }
            }
        }
        JsonNode tokens = event.path("usage").path("completion_tokens");
        if (tokens.isNumber()) {
            usageTokens = tokens.asLong();
        }
    }

    /**
     * Finds {@code "completion_tokens": N} in the kept body without building a tree: a non-streamed
     * answer is measured at tens of thousands per second, and only this one number is needed.
     */
    private long scanCompletionTokens() {
        byte[] bytes = body.array();
        int length = body.length();
        for (int i = 0; i + COMPLETION_TOKENS.length <= length; i++) {
            if (bytes[i] == '"' && regionEquals(bytes, i, COMPLETION_TOKENS)) {
                int j = i + COMPLETION_TOKENS.length;
                while (j < length && (bytes[j] == ' ' || bytes[j] == ':' || bytes[j] == '\n' || bytes[j] == '\t')) {
                    j++;
                }
                long value = 0;
                int digits = 0;
                while (j < length && bytes[j] >= '0' && bytes[j] <= '9' && digits < 18) {
                    value = value * 10 + (bytes[j++] - '0');
                    digits++;
                }
                return digits == 0 ? -1 : value;
            }
        }
        return -1;
    }

    private static boolean regionEquals(byte[] bytes, int offset, byte[] expected) {
        for (int k = 0; k < expected.length; k++) {
            if (bytes[offset + k] != expected[k]) {
                return false;
            }
        }
        return true;
    }
}
