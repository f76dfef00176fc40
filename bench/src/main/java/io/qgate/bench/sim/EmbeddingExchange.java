package io.qgate.bench.sim;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;

/**
 * An embeddings request in modelled time: each input is a prefill-only sequence, and the answer
 * goes out when the last of them has finished.
 */
final class EmbeddingExchange extends EngineExchange {

    private final List<Prompt> inputs;
    private int finished;

    EmbeddingExchange(ChannelHandlerContext ctx, SimContext sim, List<Prompt> inputs, Runnable onDone) {
        super(ctx, sim, onDone);
        this.inputs = inputs;
    }

    @Override
    protected void submit() {
        SequenceListener listener = new SequenceListener() {
            @Override
            public void onToken(int index) {
                // Embeddings produce no tokens.
            }

            @Override
            public void onFinish(FinishReason reason) {
                later(EmbeddingExchange.this::finished);
            }
        };
        for (Prompt input : inputs) {
            addEmbedding(input, inputs.size(), listener);
        }
    }

    private void finished() {
        if (++finished == inputs.size()) {
            ctx.writeAndFlush(HttpResponses.json(HttpResponseStatus.OK, InstantResponder.embeddingsBody(ctx, sim, inputs)));
            complete();
        }
    }
}
