package io.qgate.bench.study.zero;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One chat request sent to a gateway whose pool may be at zero, and whether its answer came back
 * whole: for a plain answer, the JSON with {@code finish_reason} {@code length} and as many
 * completion tokens as asked; for a stream, the same in its last chunks, then {@code [DONE]}.
 */
final class HeldRequest {

    /**
     * @param waitSeconds  from sending to the response head (for a held request, mostly the hold)
     * @param totalSeconds from sending to the end of the answer
     * @param problem      what was wrong with the answer, or empty
     */
    record Answer(int index, boolean streamed, int status, boolean complete, double waitSeconds, double totalSeconds,
                  String problem) {}

    private HeldRequest() {}

    /** Sends it and reads the answer to its end, blocking; never throws for a bad answer. */
    static Answer send(HttpClient http, String baseUrl, String model, int index, boolean stream, int maxTokens,
                       Duration timeout) {
        String body = "{\"model\":\"" + model + "\",\"max_tokens\":" + maxTokens + ",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Request " + index + " arrives while the pool is asleep.\"}]"
                + (stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : "") + "}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/chat/completions"))
                .timeout(timeout).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long start = System.nanoTime();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            double wait = (System.nanoTime() - start) / 1e9;
            String text;
            try (InputStream in = response.body()) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            double total = (System.nanoTime() - start) / 1e9;
            String problem = response.statusCode() != 200 ? "status " + response.statusCode() + ": " + text.strip()
                    : stream ? streamProblem(response, text, maxTokens) : plainProblem(text, maxTokens);
            return new Answer(index, stream, response.statusCode(), problem.isEmpty(), wait, total, problem);
        } catch (IOException e) {
            return new Answer(index, stream, 0, false, Double.NaN, (System.nanoTime() - start) / 1e9,
                    "no answer: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(index, stream, 0, false, Double.NaN, Double.NaN, "interrupted");
        }
    }

    private static String plainProblem(String text, int maxTokens) {
        JsonNode answer = JsonMapper.shared().readTree(text);
        JsonNode choice = answer.path("choices").path(0);
        if (!"length".equals(choice.path("finish_reason").asString(""))
                || choice.path("message").path("content").asString("").isBlank()) {
            return "no complete choice: " + text;
        }
        int tokens = answer.path("usage").path("completion_tokens").asInt(-1);
        return tokens == maxTokens ? "" : "completion_tokens " + tokens + " (expected: " + maxTokens + ")";
    }

    private static String streamProblem(HttpResponse<?> response, String text, int maxTokens) {
        if (!response.headers().firstValue("content-type").orElse("").startsWith("text/event-stream")) {
            return "content-type " + response.headers().firstValue("content-type").orElse("none");
        }
        String last = null;
        boolean finished = false;
        int tokens = -1;
        for (String line : text.split("\n")) {
            if (!line.startsWith("data: ")) {
                continue;
            }
            last = line.substring(6).strip();
            if (last.equals("[DONE]")) {
                continue;
            }
            JsonNode chunk = JsonMapper.shared().readTree(last);
            finished |= "length".equals(chunk.path("choices").path(0).path("finish_reason").asString(""));
            if (chunk.has("usage") && !chunk.get("usage").isNull()) {
                tokens = chunk.get("usage").path("completion_tokens").asInt(-1);
            }
        }
        if (!"[DONE]".equals(last)) {
            return "the stream did not end with [DONE]";
        }
        if (!finished) {
            return "no chunk with finish_reason length";
        }
        return tokens == maxTokens ? "" : "completion_tokens " + tokens + " (expected: " + maxTokens + ")";
    }
}
