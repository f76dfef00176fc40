package io.qgate.testing;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A {@link StubReplica.Responder} that answers {@code /v1/embeddings} and {@code /v1/completions}
 * like an OpenAI server would for any number of inputs, so that a batch's answer can be checked
 * item by item. Each embedding is {@code [length of the text, code of its first character]};
 * each completion's text is {@code "echo:" + prompt}; usage counts one token per character.
 *
 * <p>Scriptable failures: an input {@code "bad"} makes the whole request a 400, as a real server
 * rejects a request with one invalid input; an input {@code "hold"} is never answered until the
 * test {@link #releaseHeld releases} it (to keep the replica busy); {@link #failBatches} makes
 * every request with more than one input a 500.
 */
public final class OpenAiStub implements StubReplica.Responder {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ConcurrentLinkedQueue<ChannelHandlerContext> held = new ConcurrentLinkedQueue<>();
    private volatile boolean failBatches;

    public OpenAiStub failBatches(boolean fail) {
        this.failBatches = fail;
        return this;
    }

    /** Requests held so far. */
    public int heldCount() {
        return held.size();
    }

    /** Answers every held request with an empty embeddings list. */
    public void releaseHeld() {
        ChannelHandlerContext ctx;
        while ((ctx = held.poll()) != null) {
            ChannelHandlerContext target = ctx;
            target.executor().execute(() -> write(target, HttpResponseStatus.OK,
                    "{\"object\":\"list\",\"model\":\"m\",\"data\":[],\"usage\":{\"prompt_tokens\":0,\"total_tokens\":0}}",
                    true));
        }
    }

    @Override
    public void respond(ChannelHandlerContext ctx, FullHttpRequest request, StubReplica stub) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        JsonNode body = JSON.readTree(request.content().toString(StandardCharsets.UTF_8));
        boolean embeddings = request.uri().startsWith("/v1/embeddings");
        List<JsonNode> inputs = inputs(body.path(embeddings ? "input" : "prompt"));
        for (JsonNode input : inputs) {
            if (input.isString() && input.asString().equals("hold")) {
                held.add(ctx);
                return;
            }
        }
        for (JsonNode input : inputs) {
            if (input.isString() && input.asString().equals("bad")) {
                write(ctx, HttpResponseStatus.BAD_REQUEST,
                        "{\"error\":{\"message\":\"input 'bad' is invalid\",\"type\":\"invalid_request_error\","
                                + "\"code\":\"bad_input\"}}", keepAlive);
                return;
            }
        }
        if (failBatches && inputs.size() > 1) {
            write(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    "{\"error\":{\"message\":\"batch failed\",\"type\":\"server_error\"}}", keepAlive);
            return;
        }
        String model = body.path("model").asString("m");
        write(ctx, HttpResponseStatus.OK, JSON.writeValueAsString(embeddings ? embeddings(model, inputs)
                : completions(model, inputs)), keepAlive);
    }

    private static List<JsonNode> inputs(JsonNode field) {
        List<JsonNode> inputs = new ArrayList<>();
        if (field.isArray() && !field.isEmpty() && !field.get(0).isIntegralNumber()) {
            field.forEach(inputs::add);
        } else {
            inputs.add(field);
        }
        return inputs;
    }

    private static int length(JsonNode input) {
        return input.isString() ? input.asString().length() : input.size();
    }

    private static ObjectNode embeddings(String model, List<JsonNode> inputs) {
        ObjectNode answer = JSON.createObjectNode().put("object", "list").put("model", model);
        ArrayNode data = answer.putArray("data");
        int tokens = 0;
        // Listed last to first: clients must get their items by index, not by position.
        for (int i = inputs.size() - 1; i >= 0; i--) {
            JsonNode input = inputs.get(i);
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            ArrayNode vector = item.putArray("embedding");
            vector.add(length(input));
            vector.add(input.isString() && !input.asString().isEmpty() ? input.asString().charAt(0) : -1);
            tokens += length(input);
        }
        answer.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        return answer;
    }

    private static ObjectNode completions(String model, List<JsonNode> prompts) {
        ObjectNode answer = JSON.createObjectNode().put("id", "cmpl-stub").put("object", "text_completion")
                .put("created", 1_700_000_000L).put("model", model);
        ArrayNode choices = answer.putArray("choices");
        int promptTokens = 0;
        int completionTokens = 0;
        for (int i = 0; i < prompts.size(); i++) {
            String text = "echo:" + (prompts.get(i).isString() ? prompts.get(i).asString() : prompts.get(i).toString());
            choices.addObject().put("index", i).put("text", text).put("finish_reason", "stop");
            promptTokens += length(prompts.get(i));
            completionTokens += text.length();
        }
        answer.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
        return answer;
    }

    private static void write(ChannelHandlerContext ctx, HttpResponseStatus status, String body, boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set("x-litellm-response-cost", "0.5");
        HttpUtil.setKeepAlive(response, keepAlive);
        ctx.writeAndFlush(response);
    }
}
