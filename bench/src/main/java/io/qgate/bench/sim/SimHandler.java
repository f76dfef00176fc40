package io.qgate.bench.sim;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Routes the requests of one connection. Sits after {@code HttpServerCodec},
 * {@code HttpServerKeepAliveHandler} and {@code HttpObjectAggregator}, so it sees whole requests.
 *
 * <p>Requests are answered one at a time in arrival order; a pipelined request waits in
 * {@link #pending} until the one before it has been answered.
 */
final class SimHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(SimHandler.class);

    private final SimContext sim;
    private final boolean serveApi;
    private final boolean serveMetrics;
    private final ArrayDeque<FullHttpRequest> pending = new ArrayDeque<>();
    private EngineExchange current;
    private boolean busy;

    SimHandler(SimContext sim, boolean serveApi, boolean serveMetrics) {
        this.sim = requireNonNull(sim, "sim");
        this.serveApi = serveApi;
        this.serveMetrics = serveMetrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            // The aggregator only passes whole requests; anything else has no one to go to.
            ReferenceCountUtil.release(msg);
            return;
        }
        pending.add(request);
        drain(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (current != null) {
            current.abort();
            current = null;
        }
        FullHttpRequest request;
        while ((request = pending.poll()) != null) {
            request.release();
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("closing connection after an error", cause);
        ctx.close();
    }

    private void drain(ChannelHandlerContext ctx) {
        FullHttpRequest request;
        while (!busy && (request = pending.poll()) != null) {
            busy = true;
            try {
                handle(ctx, request);
            } catch (ApiException e) {
                respond(ctx, HttpResponses.error(ctx.alloc(), e));
            } catch (RuntimeException e) {
                log.warn("failed to answer {} {}", request.method(), request.uri(), e);
                respond(ctx, HttpResponses.error(ctx.alloc(), new ApiException(
                        HttpResponseStatus.INTERNAL_SERVER_ERROR, "simulator error: " + e, "internal_error",
                        null, null)));
            } finally {
                request.release();
            }
        }
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            ctx.writeAndFlush(HttpResponses.error(ctx.alloc(),
                            ApiException.badRequest("Malformed HTTP request", null)))
                    .addListener(ChannelFutureListener.CLOSE);
            busy = false;
            return;
        }
        String uri = request.uri();
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        HttpMethod method = request.method();
        Route route = Route.of(path, serveApi, serveMetrics);
        if (route == null) {
            throw ApiException.notFound(method.name(), path);
        }
        if (!route.method.equals(method)) {
            FullHttpResponse response = HttpResponses.error(ctx.alloc(),
                    ApiException.methodNotAllowed(method.name(), path));
            response.headers().set(HttpHeaderNames.ALLOW, route.method.name());
            respond(ctx, response);
            return;
        }
        switch (route) {
            case HEALTH -> respond(ctx, HttpResponses.full(HttpResponseStatus.OK, HttpHeaderValues.TEXT_PLAIN,
                    ctx.alloc().buffer(0)));
            case MODELS -> respond(ctx, HttpResponses.json(HttpResponseStatus.OK, HttpResponses.buffer(ctx.alloc(),
                    b -> OpenAiJson.models(b, sim.options.model(), sim.options.loraModules(),
                            sim.createdEpochSeconds))));
            case METRICS -> respond(ctx, HttpResponses.full(HttpResponseStatus.OK, PromText.CONTENT_TYPE,
                    ByteBufUtil.writeUtf8(ctx.alloc(), sim.metrics.render(sim.engine))));
            case CHAT -> generation(ctx, GenerationRequest.Kind.CHAT, request);
            case COMPLETIONS -> generation(ctx, GenerationRequest.Kind.COMPLETION, request);
            case EMBEDDINGS -> embeddings(ctx, request);
        }
    }

    private void generation(ChannelHandlerContext ctx, GenerationRequest.Kind kind, FullHttpRequest http) {
        sim.apiRequests.increment();
        JsonNode body = OpenAiRequests.readBody(http.content());
        GenerationRequest request = OpenAiRequests.generation(kind, body, sim.options.model(),
                sim.options.loraModules());
        if (request.priority() != 0 && sim.options.schedulingPolicy() != SchedulingPolicy.PRIORITY) {
            // vLLM's own refusal, word for word: a gateway that adds a priority to engines without
            // the policy breaks every such request.
            throw ApiException.badRequest("Got priority " + request.priority()
                    + " but Priority scheduling is not enabled.", "priority");
        }
        if (kind == GenerationRequest.Kind.COMPLETION && refused(ctx, request.prompts(), "prompt")) {
            return;
        }
        List<Generation> answers = sim.answers(request);
        if (sim.latency.instant()) {
            InstantResponder.generation(ctx, sim, request, answers);
            busy = false;
        } else {
            start(ctx, new GenerationExchange(ctx, sim, request, answers, () -> exchangeDone(ctx)));
        }
    }

    private void embeddings(ChannelHandlerContext ctx, FullHttpRequest http) {
        sim.apiRequests.increment();
        JsonNode body = OpenAiRequests.readBody(http.content());
        List<Prompt> inputs = OpenAiRequests.embeddingInputs(body, sim.options.model(), List.of());
        if (refused(ctx, inputs, "input")) {
            return;
        }
        if (sim.latency.instant()) {
            InstantResponder.embeddings(ctx, sim, inputs);
            busy = false;
        } else {
            start(ctx, new EmbeddingExchange(ctx, sim, inputs, () -> exchangeDone(ctx)));
        }
    }

    /**
     * Whether the engine refuses these inputs (see {@link OpenAiRequests#checkAccepted}); if so the
     * error is on its way: through the proxy in modelled time, at once (thrown) at time scale 0.
     */
    private boolean refused(ChannelHandlerContext ctx, List<Prompt> inputs, String field) {
        try {
            OpenAiRequests.checkAccepted(inputs, field);
            return false;
        } catch (ApiException e) {
            if (sim.latency.instant()) {
                throw e;
            }
            start(ctx, new RefusalExchange(ctx, sim, e, () -> exchangeDone(ctx)));
            return true;
        }
    }

    private void start(ChannelHandlerContext ctx, EngineExchange exchange) {
        current = exchange;
        exchange.start();
    }

    private void exchangeDone(ChannelHandlerContext ctx) {
        current = null;
        busy = false;
        drain(ctx);
    }

    private void respond(ChannelHandlerContext ctx, FullHttpResponse response) {
        ctx.writeAndFlush(response);
        busy = false;
    }

    /** The paths this simulator serves, with and without LiteLLM's optional {@code /v1} prefix. */
    private enum Route {
        CHAT(HttpMethod.POST),
        COMPLETIONS(HttpMethod.POST),
        EMBEDDINGS(HttpMethod.POST),
        MODELS(HttpMethod.GET),
        HEALTH(HttpMethod.GET),
        METRICS(HttpMethod.GET);

        final HttpMethod method;

        Route(HttpMethod method) {
            this.method = method;
        }

        static Route of(String path, boolean api, boolean metrics) {
            if (metrics && path.equals("/metrics")) {
                return METRICS;
            }
            if (path.equals("/health")) {
                return HEALTH;
            }
            if (!api) {
                return null;
            }
            String p = path.startsWith("/v1/") ? path.substring(3) : path;
            return switch (p) {
                case "/chat/completions" -> CHAT;
                case "/completions" -> COMPLETIONS;
                case "/embeddings" -> EMBEDDINGS;
                case "/models" -> MODELS;
                default -> null;
            };
        }
    }
}
