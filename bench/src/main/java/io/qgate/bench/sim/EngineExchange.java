package io.qgate.bench.sim;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelHandlerContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One request that goes through the engine, from the LiteLLM proxy work and hop in to the hop out.
 *
 * <p>Everything but the {@link SequenceListener} callbacks runs on the connection's event loop;
 * those callbacks come from the engine thread and only hand work over with {@link #later}.
 */
abstract class EngineExchange {

    protected final ChannelHandlerContext ctx;
    protected final SimContext sim;
    private final Runnable onDone;
    private final long overheadNanos;
    private final List<Sequence> sequences = new ArrayList<>();
    private final ArrayDeque<Pending> outbox = new ArrayDeque<>();
    private Future<?> entry;
    private boolean drainScheduled;
    private boolean closed;

    private record Pending(long due, Runnable task) {}

    EngineExchange(ChannelHandlerContext ctx, SimContext sim, Runnable onDone) {
        this.ctx = requireNonNull(ctx, "ctx");
        this.sim = requireNonNull(sim, "sim");
        this.onDone = requireNonNull(onDone, "onDone");
        this.overheadNanos = sim.proxyOverheadNanos();
    }

    /** Queues for a proxy worker, does the proxy work, takes the hop in, then {@link #submit}s. */
    final void start() {
        long delay = sim.proxy.book(System.nanoTime()) + overheadNanos;
        if (delay > 0) {
            entry = ctx.executor().schedule(this::enter, delay, TimeUnit.NANOSECONDS);
        } else {
            enter();
        }
    }

    /** The client went away: free the engine's slots at once. */
    final void abort() {
        if (closed) {
            return;
        }
        closed = true;
        if (entry != null) {
            entry.cancel(false);
        }
        for (Sequence seq : sequences) {
            sim.engine.abort(seq);
        }
    }

    /** Hands the request's sequences to the engine (and may start the response). */
    protected abstract void submit();

    /** Queues one sequence, with the LoRA {@code adapter} it runs with ({@code null}: the base model). */
    protected final void addSequence(Prompt prompt, int outputTokens, FinishReason endReason,
                                     SequenceListener listener, String adapter, int priority) {
        sequences.add(sim.engine.submit(prompt, outputTokens, endReason, listener, adapter, priority));
    }

    /** Queues one input of an embeddings request of {@code requestItems} inputs. */
    protected final void addEmbedding(Prompt input, int requestItems, SequenceListener listener) {
        sequences.add(sim.engine.submitEmbedding(input, requestItems, listener));
    }

    /**
     * Runs {@code task} on the connection's loop after the outbound LiteLLM hop; any thread.
     *
     * <p>Tasks run in the order they were handed over. One timer per task would not guarantee
     * that: Netty runs a timer submitted from another thread at once if it is already due when
     * the loop picks it up, so a later token could overtake an earlier one. Hence an outbox
     * drained by a single timer that the loop itself schedules.
     */
    protected final void later(Runnable task) {
        long due = System.nanoTime() + overheadNanos;
        try {
            ctx.executor().execute(() -> {
                if (closed) {
                    return;
                }
                if (overheadNanos == 0) {
                    task.run();
                    return;
                }
                outbox.add(new Pending(due, task));
                if (!drainScheduled) {
                    scheduleDrain();
                }
            });
        } catch (RejectedExecutionException e) {
            // The server is shutting down and the connection with it; nobody is left to answer.
        }
    }

    private void drainOutbox() {
        drainScheduled = false;
        long now = System.nanoTime();
        while (!closed && !outbox.isEmpty() && outbox.peek().due() - now <= 0) {
            outbox.poll().task().run();
        }
        if (closed) {
            outbox.clear();
        } else if (!outbox.isEmpty()) {
            scheduleDrain();
        }
    }

    private void scheduleDrain() {
        drainScheduled = true;
        long delay = Math.max(0, outbox.peek().due() - System.nanoTime());
        ctx.executor().schedule(this::drainOutbox, delay, TimeUnit.NANOSECONDS);
    }

    /** The last byte of the response has been written. */
    protected final void complete() {
        closed = true;
        onDone.run();
    }

    private void enter() {
        if (closed) {
            return;
        }
        try {
            submit();
        } catch (RejectedExecutionException e) {
            for (Sequence seq : sequences) {
                sim.engine.abort(seq);
            }
            ctx.writeAndFlush(HttpResponses.error(ctx.alloc(), ApiException.unavailable("engine is shutting down")));
            complete();
        }
    }
}
