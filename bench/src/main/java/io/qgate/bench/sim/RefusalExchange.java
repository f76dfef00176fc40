package io.qgate.bench.sim;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelHandlerContext;

/**
 * A request the model server refuses, in modelled time: LiteLLM does its work and the hop as for
 * any request, the engine answers with an error at once, and the error comes back over the hop.
 */
final class RefusalExchange extends EngineExchange {

    private final ApiException error;

    RefusalExchange(ChannelHandlerContext ctx, SimContext sim, ApiException error, Runnable onDone) {
        super(ctx, sim, onDone);
        this.error = requireNonNull(error, "error");
    }

    @Override
    protected void submit() {
        later(() -> {
            ctx.writeAndFlush(HttpResponses.error(ctx.alloc(), error));
            complete();
        });
    }
}
