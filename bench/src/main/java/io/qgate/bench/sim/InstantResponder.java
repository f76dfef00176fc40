package io.qgate.bench.sim;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers at time scale 0: no engine, no timers, the whole response in one write.
 *
 * <p>This is the stub the gateway's throughput benchmarks measure proxy overhead against, so it
 * does the least work that still yields the same bytes a modelled replica would send (ids and
 * timestamps aside); a stream goes out as one chunk holding every event back to back.
 */
final class InstantResponder {

    private InstantResponder() {}

    static void generation(ChannelHandlerContext ctx, SimContext sim, GenerationRequest request,
                           List<Generation> answers) {
        boolean chat = request.kind() == GenerationRequest.Kind.CHAT;
        OpenAiJson.Head head = sim.newHead(chat ? "chatcmpl-" : "cmpl-");
        int completionTokens = 0;
        for (int i = 0; i < answers.size(); i++) {
            Generation answer = answers.get(i);
            completionTokens += answer.length();
            sim.metrics.firstToken(0);
            sim.metrics.finished(answer.finishReason(), request.prompts().get(i).tokens(), answer.length(), 0);
        }
        if (!request.stream()) {
            ctx.writeAndFlush(HttpResponses.json(HttpResponseStatus.OK, HttpResponses.buffer(ctx.alloc(), b -> {
                if (chat) {
                    OpenAiJson.chatCompletion(b, head, answers.get(0), request.promptTokens());
                } else {
                    OpenAiJson.textCompletion(b, head, answers, request.promptTokens());
                }
            })));
            return;
        }
        int totalCompletion = completionTokens;
        ByteBuf events = HttpResponses.buffer(ctx.alloc(), b -> {
            if (chat) {
                Generation answer = answers.get(0);
                OpenAiJson.chatChunk(b, head, "assistant", "", null);
                for (String token : answer.tokens()) {
                    OpenAiJson.chatChunk(b, head, null, token, null);
                }
                OpenAiJson.chatChunk(b, head, null, null, answer.finishReason());
            } else {
                for (int i = 0; i < answers.size(); i++) {
                    Generation answer = answers.get(i);
                    for (String token : answer.tokens()) {
                        OpenAiJson.textChunk(b, head, i, token, null);
                    }
                    OpenAiJson.textChunk(b, head, i, "", answer.finishReason());
                }
            }
            if (request.includeUsage()) {
                OpenAiJson.usageChunk(b, head, chat ? "chat.completion.chunk" : "text_completion",
                        request.promptTokens(), totalCompletion);
            }
            OpenAiJson.done(b);
        });
        ctx.write(HttpResponses.eventStream());
        ctx.writeAndFlush(new DefaultLastHttpContent(events));
    }

    static void embeddings(ChannelHandlerContext ctx, SimContext sim, List<Prompt> inputs) {
        for (Prompt input : inputs) {
            sim.metrics.finished(FinishReason.STOP, input.tokens(), 0, 0);
        }
        ctx.writeAndFlush(HttpResponses.json(HttpResponseStatus.OK, embeddingsBody(ctx, sim, inputs)));
    }

    /** The embeddings response body; vectors depend on each input's text alone. */
    static ByteBuf embeddingsBody(ChannelHandlerContext ctx, SimContext sim, List<Prompt> inputs) {
        List<float[]> vectors = new ArrayList<>(inputs.size());
        int promptTokens = 0;
        for (Prompt input : inputs) {
            vectors.add(Embeddings.vector(input.text(), sim.options.embeddingDim()));
            promptTokens += input.tokens();
        }
        int tokens = promptTokens;
        return HttpResponses.buffer(ctx.alloc(), b -> OpenAiJson.embeddings(b, sim.options.model(), vectors, tokens));
    }
}
