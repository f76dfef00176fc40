package io.qgate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.qgate.routing.Router;

/**
 * The work hook of a relayed answer, for strategies that route by work: the first body bytes mean
 * the prefill is done; each SSE event of a stream is about one output token, which counts the
 * replica's decode work down; at the end the events counted teach the router the model's output
 * length. Counts the blank lines that end events ({@code \n\n}), across chunk boundaries; never
 * decodes the JSON. One per relay, on its event loop.
 */
final class StreamedTokens {

    /** Events that carry no token: the role chunk, the finish chunk, {@code [DONE]}. */
    private static final int FRAMING_EVENTS = 3;

    private final Router router;
    private final String model;
    private boolean lastWasNewline;
    private int events;

    StreamedTokens(Router router, String model) {
        this.router = router;
        this.model = model;
    }

    /** Body bytes of the answer arrived on {@code dispatch}. */
    void onBody(Router.Dispatch dispatch, ByteBuf bytes, boolean eventStream) {
        if (!eventStream) {
            dispatch.firstToken();
            return;
        }
        int ended = 0;
        for (int i = bytes.readerIndex(), end = bytes.writerIndex(); i < end; i++) {
            boolean newline = bytes.getByte(i) == '\n';
            if (newline && lastWasNewline) {
                ended++;
            }
            lastWasNewline = newline;
        }
        events += ended;
        // The first bytes of a stream are its first token's (the role chunk comes with it, as in vLLM).
        dispatch.tokens(ended);
    }

    /** The answer is complete: a stream's token count is an observation of the model's output length. */
    void onEnd(boolean eventStream) {
        if (eventStream && events > FRAMING_EVENTS) {
            router.answered(model, events - FRAMING_EVENTS);
        }
    }
}
