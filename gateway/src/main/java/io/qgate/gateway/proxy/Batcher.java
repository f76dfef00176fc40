package io.qgate.gateway.proxy;

import io.qgate.gateway.pool.ModelPool;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.util.concurrent.ScheduledFuture;
import io.qgate.gateway.metrics.BatchMeters;
import io.qgate.routing.ApiRoute;
import io.qgate.routing.batch.Batch;
import io.qgate.routing.batch.BatchPolicy;
import io.qgate.routing.batch.BatchableRequest;
import io.qgate.routing.batch.CallerIdentity;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Gathers the batchable requests of one event loop into batches of equal key and decides when
 * each leaves, as {@link BatchPolicy} says. Used from its event loop only.
 *
 * <p>When waiting is pointless the request is not even parsed: with nothing pending and either
 * no other request open at the gateway or an idle replica, it goes out alone at once, so
 * batching costs nothing at low load. Otherwise it joins a pending batch. Requests that arrive
 * in the same pass of the event loop join before any decision is taken (the review runs as a
 * task after the pass's reads); a batch that may wait is reviewed again when a batched call of
 * this loop ends (a replica may have become free) and leaves at its deadline at the latest.
 */
final class Batcher {

    private final EventLoop loop;
    private final ProxyContext context;
    private final ModelPool pool;
    private final BatchMeters meters;
    private final BatchPolicy policy;
    /** Pending batches by key, oldest first. */
    private final LinkedHashMap<String, Pending> pending = new LinkedHashMap<>();
    private final Runnable review = this::review;
    private boolean reviewScheduled;

    /** A batch still open to new members. */
    private final class Pending {
        final String key;
        final List<BatchWait> members = new ArrayList<>();
        int items;
        int tokens;
        long oldestArrivalNanos;
        ScheduledFuture<?> deadline;

        Pending(String key, long arrivalNanos) {
            this.key = key;
            this.oldestArrivalNanos = arrivalNanos;
        }

        BatchPolicy.Pending state() {
            return new BatchPolicy.Pending(items, tokens, oldestArrivalNanos);
        }

        void add(BatchWait member) {
            members.add(member);
            items += member.batchable().items().size();
            tokens += member.batchable().estimatedTokens();
        }

        boolean full() {
            return items >= policy.maxItems() || tokens >= policy.maxTokens();
        }
    }

    Batcher(EventLoop loop, ProxyContext context, ModelPool pool, BatchMeters meters) {
        this.loop = loop;
        this.context = context;
        this.pool = pool;
        this.meters = meters;
        this.policy = pool.config().batching().policy();
    }

    /**
     * Takes a request of a batching route into a batch.
     *
     * @return the request's stage in its batch, or null when the caller should send it alone now
     */
    BatchWait admit(ClientRequest client) {
        FullHttpRequest request = client.http();
        ApiRoute route = client.routeRequest.route();
        // This request is counted in flight already: more than one means others are open.
        if (pending.isEmpty() && (pool.meters().inflight() <= 1 || pool.router().anyIdle())) {
            meters.sent(route, 1);
            return null;
        }
        BatchableRequest batchable = BatchableRequest.of(route, ByteBufUtil.getBytes(request.content()),
                identity(request));
        if (batchable == null || (route == ApiRoute.COMPLETIONS && !shortCompletion(batchable))) {
            return null;
        }
        BatchWait member = new BatchWait(client, batchable);
        // The URI is part of the key: a query string may mean something to the replica.
        String key = request.uri() + '\n' + batchable.key();
        Pending batch = pending.get(key);
        if (batch != null && policy.overflows(batch.state(), batchable.items().size(), batchable.estimatedTokens())) {
            pending.remove(key);
            send(batch);
            batch = null;
        }
        if (batch == null) {
            batch = new Pending(key, client.startNanos);
            pending.put(key, batch);
        }
        batch.add(member);
        if (batch.full()) {
            // As a task: the caller makes this member its request's stage only after this
            // returns, and a batch that fails at once sends its members on alone.
            pending.remove(key);
            Pending full = batch;
            loop.execute(() -> send(full));
        } else if (!reviewScheduled) {
            reviewScheduled = true;
            loop.execute(review);
        }
        return member;
    }

    private boolean shortCompletion(BatchableRequest completion) {
        long maxTokens = completion.maxTokens();
        return maxTokens >= 0 && maxTokens <= pool.config().batching().maxCompletionTokens();
    }

    private static Map<String, String> identity(FullHttpRequest request) {
        Map<String, String> identity = new HashMap<>();
        for (Map.Entry<String, String> header : request.headers()) {
            if (CallerIdentity.identifies(header.getKey())) {
                identity.merge(header.getKey().toLowerCase(java.util.Locale.ROOT), header.getValue(),
                        (a, b) -> a + ", " + b);
            }
        }
        return identity;
    }

    /** Sends every pending batch that should not wait any longer; arms the deadline of the rest. */
    private void review() {
        reviewScheduled = false;
        if (pending.isEmpty()) {
            return;
        }
        long now = context.nowNanos();
        boolean replicaIdle = pool.router().anyIdle();
        int open = pool.meters().inflight();
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            Pending batch = it.next();
            boolean othersOpen = open > batch.members.size();
            if (policy.flushNow(batch.state(), now, replicaIdle, othersOpen)) {
                it.remove();
                send(batch);
            } else if (batch.deadline == null) {
                long delay = Math.max(0, policy.deadlineNanos(batch.state()) - now);
                batch.deadline = loop.schedule(() -> expire(batch), delay, TimeUnit.NANOSECONDS);
            }
        }
    }

    private void expire(Pending batch) {
        batch.deadline = null;
        if (pending.remove(batch.key, batch)) {
            send(batch);
        }
    }

    /** A batched call of this loop is over: a replica may be free for the batches that wait. */
    void callEnded() {
        if (!pending.isEmpty() && !reviewScheduled) {
            reviewScheduled = true;
            loop.execute(review);
        }
    }

    private void send(Pending batch) {
        if (batch.deadline != null) {
            batch.deadline.cancel(false);
            batch.deadline = null;
        }
        List<BatchWait> members = new ArrayList<>(batch.members.size());
        for (BatchWait member : batch.members) {
            if (member.waiting()) {
                members.add(member);
            }
        }
        if (members.isEmpty()) {
            return;
        }
        ApiRoute route = members.get(0).batchable().route();
        meters.sent(route, members.size());
        if (members.size() == 1) {
            members.get(0).sendAlone();
            return;
        }
        List<BatchableRequest> requests = new ArrayList<>(members.size());
        for (BatchWait member : members) {
            requests.add(member.batchable());
        }
        new BatchCall(this, context.connections().forLoop(loop), pool.router(), new Batch(requests), members, meters)
                .start();
    }
}
