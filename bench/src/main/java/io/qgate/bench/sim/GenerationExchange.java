package io.qgate.bench.sim;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;

/**
 * A chat or text completion in modelled time. Streamed answers send each token as its own SSE
 * event as soon as the engine produces it; the others answer when every prompt has finished.
 * A stream's headers go out at once, but its first event (for chat, the assistant's role) only
 * with the first token: vLLM's chat stream generator emits the role chunk on the engine's first
 * output, so a client (or a gateway timing its first byte) sees the time spent queued.
 */
final class GenerationExchange extends EngineExchange {

    private final GenerationRequest request;
    private final List<Generation> answers;
    private final OpenAiJson.Head head;
    private final boolean chat;
    private int finished;
    private boolean roleSent;

    GenerationExchange(ChannelHandlerContext ctx, SimContext sim, GenerationRequest request,
                       List<Generation> answers, Runnable onDone) {
        super(ctx, sim, onDone);
        this.request = request;
        this.answers = answers;
        this.chat = request.kind() == GenerationRequest.Kind.CHAT;
        this.head = sim.newHead(chat ? "chatcmpl-" : "cmpl-");
    }

    @Override
    protected void submit() {
        for (int i = 0; i < answers.size(); i++) {
            Generation answer = answers.get(i);
            addSequence(request.prompts().get(i), answer.length(), answer.finishReason(), new Choice(i),
                    sim.adapter(request.model()), request.priority());
        }
        if (request.stream()) {
            ctx.writeAndFlush(HttpResponses.eventStream());
        }
    }

    /** The assistant's role, once, just before the stream's first token (chat only). */
    private void roleOnce() {
        if (chat && !roleSent) {
            roleSent = true;
            ctx.write(new DefaultHttpContent(HttpResponses.buffer(ctx.alloc(),
                    buf -> OpenAiJson.chatChunk(buf, head, "assistant", "", null))));
        }
    }

    private void token(int choice, int index) {
        String token = answers.get(choice).tokens()[index];
        roleOnce();
        ctx.writeAndFlush(new DefaultHttpContent(HttpResponses.buffer(ctx.alloc(), buf -> {
            if (chat) {
                OpenAiJson.chatChunk(buf, head, null, token, null);
            } else {
                OpenAiJson.textChunk(buf, head, choice, token, null);
            }
        })));
    }

    private void finished(int choice, FinishReason reason) {
        finished++;
        boolean last = finished == answers.size();
        if (request.stream()) {
            roleOnce();
            ByteBuf buf = HttpResponses.buffer(ctx.alloc(), b -> {
                if (chat) {
                    OpenAiJson.chatChunk(b, head, null, null, reason);
                } else {
                    OpenAiJson.textChunk(b, head, choice, "", reason);
                }
                if (last) {
                    if (request.includeUsage()) {
                        OpenAiJson.usageChunk(b, head, chat ? "chat.completion.chunk" : "text_completion",
                                request.promptTokens(), completionTokens());
                    }
                    OpenAiJson.done(b);
                }
            });
            ctx.writeAndFlush(last ? new DefaultLastHttpContent(buf) : new DefaultHttpContent(buf));
        } else if (last) {
            ctx.writeAndFlush(HttpResponses.json(HttpResponseStatus.OK, HttpResponses.buffer(ctx.alloc(), b -> {
                if (chat) {
                    OpenAiJson.chatCompletion(b, head, answers.get(0), request.promptTokens());
                } else {
                    OpenAiJson.textCompletion(b, head, answers, request.promptTokens());
                }
            })));
        }
        if (last) {
            complete();
        }
    }

    private int completionTokens() {
        int sum = 0;
        for (Generation answer : answers) {
            sum += answer.length();
        }
        return sum;
    }

    /** The engine's view of one prompt of this request. */
    private final class Choice implements SequenceListener {
        private final int index;

        Choice(int index) {
            this.index = index;
        }

        @Override
        public void onToken(int token) {
            // A non-streamed answer is known in advance; only its end matters.
            if (request.stream()) {
                later(() -> token(index, token));
            }
        }

        @Override
        public void onFinish(FinishReason reason) {
            later(() -> finished(index, reason));
        }
    }
}
