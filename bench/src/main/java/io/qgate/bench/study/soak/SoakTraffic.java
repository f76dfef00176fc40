package io.qgate.bench.study.soak;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak's requests: chat and completions, streamed and not, with a tenant's shared system
 * prompt in front of a random user text (so prefix affinity and the replicas' prefix caches take
 * part), and a small share of streams whose client leaves after a few events.
 *
 * <p>Shares of the requests that are not aborted: streamed chat 40%, chat 20%, streamed
 * completions 20%, completions 20% (the non-streamed completions are batchable by the gateway).
 * Every request has a unique {@code X-Request-Id}, which the replicas see, so that a failure can be
 * matched to the replica connection that was cut under it. Thread-safe; each caller brings its own
 * random source.
 */
final class SoakTraffic {

    /** The OpenAI routes the soak calls. */
    enum Route {
        CHAT("/v1/chat/completions"),
        COMPLETIONS("/v1/completions"),
        EMBEDDINGS("/v1/embeddings");

        final String path;

        Route(String path) {
            this.path = path;
        }
    }

    /**
     * One request to send.
     *
     * @param abortAfterEvents close the connection once this many SSE data events arrived (0: never)
     * @param tenant           the {@code Authorization} bearer that names the client's tenant (empty: none)
     * @param priority         the priority header's value (empty: none)
     * @param malformed        the body is broken JSON on purpose: the gateway must answer 400
     */
    record Request(String id, Route route, boolean stream, int maxTokens, int abortAfterEvents, byte[] body,
                   String tenant, String priority, boolean malformed) {

        String kind() {
            if (malformed) {
                return "malformed";
            }
            return route.name().toLowerCase(java.util.Locale.ROOT) + (stream ? "-stream" : "");
        }
    }

    /**
     * What the system soak adds to the plain mix; {@link #PLAIN} adds nothing.
     *
     * @param embeddings the share of requests that are embeddings (batchable by the gateway)
     * @param malformed  the share whose body is broken JSON
     * @param tenants    bearer tokens, one drawn per request (empty: no {@code Authorization})
     * @param priorities priority header values, one drawn per request (empty: no header)
     */
    record Mix(double embeddings, double malformed, java.util.List<String> tenants,
               java.util.List<String> priorities) {
        static final Mix PLAIN = new Mix(0, 0, java.util.List.of(), java.util.List.of());
    }

    static final int MIN_OUTPUT_TOKENS = 16;
    static final int MAX_OUTPUT_TOKENS = 160;
    /**
     * An aborting client asks for a long answer and leaves after its third event, hundreds of
     * tokens before the end, so that the gateway always sees it leave before the stream is over.
     */
    static final int ABORTED_OUTPUT_TOKENS = 256;
    static final int ABORT_AFTER_EVENTS = 3;

    private static final int TENANTS = 32;
    private static final String[] WORDS = {
        "queue", "replica", "token", "engine", "prefix", "cache", "batch", "stream", "latency", "gateway",
        "model", "prompt", "answer", "request", "route", "scale", "metric", "window", "budget", "signal",
        "cluster", "pod", "service", "shard", "retry", "deadline", "buffer", "socket", "event", "loop",
        "kernel", "vector"};

    private final String model;
    private final String idPrefix;
    private final double abortFraction;
    private final Mix mix;
    private final String[] systemPrompts = new String[TENANTS];
    private final AtomicLong sequence = new AtomicLong();

    /**
     * @param idPrefix      starts every request id, so that the probe's and the soak's never meet
     * @param abortFraction the share of all requests whose client leaves mid-stream
     */
    SoakTraffic(String model, String idPrefix, double abortFraction, long seed) {
        this(model, idPrefix, abortFraction, Mix.PLAIN, seed);
    }

    SoakTraffic(String model, String idPrefix, double abortFraction, Mix mix, long seed) {
        this.model = model;
        this.idPrefix = idPrefix;
        this.abortFraction = abortFraction;
        this.mix = mix;
        SplittableRandom random = new SplittableRandom(seed);
        for (int tenant = 0; tenant < TENANTS; tenant++) {
            systemPrompts[tenant] = "You are assistant " + tenant + ". " + words(random, 40);
        }
    }

    /** Request ids handed out so far. */
    long issued() {
        return sequence.get();
    }

    Request next(SplittableRandom random) {
        String id = idPrefix + "-" + sequence.incrementAndGet();
        if (abortFraction > 0 && random.nextDouble() < abortFraction) {
            Route route = random.nextBoolean() ? Route.CHAT : Route.COMPLETIONS;
            return request(id, route, true, ABORTED_OUTPUT_TOKENS, ABORT_AFTER_EVENTS, random);
        }
        if (mix.malformed() > 0 && random.nextDouble() < mix.malformed()) {
            Request whole = request(id, Route.CHAT, false, MIN_OUTPUT_TOKENS, 0, random);
            byte[] cut = java.util.Arrays.copyOf(whole.body(), whole.body().length / 2);
            return new Request(id, Route.CHAT, false, 0, 0, cut, whole.tenant(), whole.priority(), true);
        }
        if (mix.embeddings() > 0 && random.nextDouble() < mix.embeddings()) {
            return request(id, Route.EMBEDDINGS, false, 0, 0, random);
        }
        double pick = random.nextDouble();
        Route route = pick < 0.6 ? Route.CHAT : Route.COMPLETIONS;
        boolean stream = pick < 0.4 || (pick >= 0.6 && pick < 0.8);
        int maxTokens = MIN_OUTPUT_TOKENS + random.nextInt(MAX_OUTPUT_TOKENS - MIN_OUTPUT_TOKENS + 1);
        return request(id, route, stream, maxTokens, 0, random);
    }

    private Request request(String id, Route route, boolean stream, int maxTokens, int abortAfter,
                            SplittableRandom random) {
        String system = systemPrompts[random.nextInt(TENANTS)];
        String user = words(random, 8 + random.nextInt(80));
        StringBuilder body = new StringBuilder(system.length() + user.length() + 200)
                .append("{\"model\":\"").append(model).append("\",");
        if (route == Route.EMBEDDINGS) {
            body.append("\"input\":\"").append(user).append("\"}");
            return new Request(id, route, false, 0, 0, body.toString().getBytes(StandardCharsets.UTF_8),
                    pickOf(mix.tenants(), random), pickOf(mix.priorities(), random), false);
        }
        if (route == Route.CHAT) {
            body.append("\"messages\":[{\"role\":\"system\",\"content\":\"").append(system)
                    .append("\"},{\"role\":\"user\",\"content\":\"").append(user).append("\"}]");
        } else {
            body.append("\"prompt\":\"").append(system).append(' ').append(user).append('"');
        }
        body.append(",\"max_tokens\":").append(maxTokens);
        body.append(stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}" : ",\"stream\":false}");
        return new Request(id, route, stream, maxTokens, abortAfter, body.toString().getBytes(StandardCharsets.UTF_8),
                pickOf(mix.tenants(), random), pickOf(mix.priorities(), random), false);
    }

    private static String pickOf(java.util.List<String> values, SplittableRandom random) {
        return values.isEmpty() ? "" : values.get(random.nextInt(values.size()));
    }

    /** Plain lower-case words: nothing in them needs escaping in JSON. */
    private static String words(SplittableRandom random, int count) {
        StringBuilder text = new StringBuilder(count * 8);
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                text.append(' ');
            }
            text.append(WORDS[random.nextInt(WORDS.length)]);
        }
        return text.toString();
    }
}
