package io.qgate.bench.sim;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/** What every connection of one simulated replica shares. */
final class SimContext {

    final SimOptions options;
    final LatencyModel latency;
    final Engine engine;
    final SimMetrics metrics;
    final TextGenerator text;
    final long createdEpochSeconds = System.currentTimeMillis() / 1000;
    /** The LiteLLM process's CPU, shared by every connection. */
    final ProxyWorkers proxy;
    /** Chat, completion and embeddings requests received, valid or not: upstream calls as a gateway sees them. */
    final LongAdder apiRequests = new LongAdder();

    SimContext(SimOptions options, Engine engine, SimMetrics metrics) {
        this.options = requireNonNull(options, "options");
        this.latency = LatencyModel.of(options);
        this.engine = requireNonNull(engine, "engine");
        this.metrics = requireNonNull(metrics, "metrics");
        this.text = new TextGenerator(options.seed(), options.meanOutputTokens(), options.maxOutputTokens());
        this.proxy = new ProxyWorkers(options.proxyWorkers(), latency.nanos(options.proxyCpuMs()), System.nanoTime());
    }

    /** The LoRA adapter a request for {@code model} runs with: {@code null} for the base model. */
    String adapter(String model) {
        return model.equals(options.model()) ? null : model;
    }

    /** The modelled LiteLLM hop, paid once on the way in and once on the way out; it never queues. */
    long proxyOverheadNanos() {
        return latency.nanos(options.proxyOverheadMs());
    }

    OpenAiJson.Head newHead(String idPrefix) {
        // The high bit keeps every id at 16 hex digits.
        String id = idPrefix + Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
        return new OpenAiJson.Head(id, System.currentTimeMillis() / 1000, options.model());
    }

    /** The answers to every prompt of the request, refusing one that cannot fit the KV cache. */
    List<Generation> answers(GenerationRequest request) {
        List<Generation> out = new ArrayList<>(request.prompts().size());
        for (Prompt prompt : request.prompts()) {
            // Checked before generating, so a huge max_tokens is refused without being allocated.
            if (request.maxTokens() > 0) {
                checkFits(prompt, request.maxTokens());
            }
            Generation gen = text.generate(request.answerKey(prompt), request.maxTokens());
            checkFits(prompt, gen.length());
            out.add(gen);
        }
        return out;
    }

    private void checkFits(Prompt prompt, int outputTokens) {
        long needed = (long) prompt.tokens() + outputTokens;
        if (needed > options.kvCapacityTokens()) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "This model's maximum context length is "
                    + options.kvCapacityTokens() + " tokens. However, you requested " + needed
                    + " tokens (" + prompt.tokens() + " in the prompt, " + outputTokens
                    + " for the completion).", ApiException.INVALID_REQUEST, "max_tokens",
                    "context_length_exceeded");
        }
    }
}
