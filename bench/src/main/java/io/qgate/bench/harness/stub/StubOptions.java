package io.qgate.bench.harness.stub;

import io.qgate.bench.cli.Flags;
import java.time.Duration;
import java.util.Set;

/**
 * Settings of the replica stub.
 *
 * @param replicas      listeners, each on an ephemeral port of its own (one "replica" each)
 * @param ioThreads     event-loop threads shared by every listener
 * @param events        content events of a streamed answer, before the usage event and {@code [DONE]}
 * @param eventInterval pause between two events; zero writes and flushes them back to back
 */
public record StubOptions(int replicas, int ioThreads, int events, Duration eventInterval) {

    public StubOptions {
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas: " + replicas + " (expected: > 0)");
        }
        if (ioThreads < 1) {
            throw new IllegalArgumentException("ioThreads: " + ioThreads + " (expected: > 0)");
        }
        if (events < 1) {
            throw new IllegalArgumentException("events: " + events + " (expected: > 0)");
        }
        if (eventInterval.isNegative()) {
            throw new IllegalArgumentException("eventInterval: " + eventInterval + " (expected: >= 0)");
        }
    }

    public static StubOptions defaults() {
        return new StubOptions(2, 1, 200, Duration.ZERO);
    }

    /** {@code --replicas N --io-threads N --events N --event-interval D}. */
    static StubOptions parse(String[] args) {
        Flags flags = Flags.parse(args, Set.of("--replicas", "--io-threads", "--events", "--event-interval"), Set.of());
        StubOptions defaults = defaults();
        return new StubOptions(flags.whole("--replicas", defaults.replicas), flags.whole("--io-threads",
                defaults.ioThreads), flags.whole("--events", defaults.events),
                flags.duration("--event-interval", defaults.eventInterval));
    }
}
