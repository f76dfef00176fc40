package io.qgate.bench.suite.stub;

import io.qgate.routing.config.Units;
import java.time.Duration;

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
        StubOptions options = defaults();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + ": missing value");
            }
            String value = args[++i];
            options = switch (flag) {
                case "--replicas" -> new StubOptions(whole(flag, value), options.ioThreads, options.events,
                        options.eventInterval);
                case "--io-threads" -> new StubOptions(options.replicas, whole(flag, value), options.events,
                        options.eventInterval);
                case "--events" -> new StubOptions(options.replicas, options.ioThreads, whole(flag, value),
                        options.eventInterval);
                case "--event-interval" -> new StubOptions(options.replicas, options.ioThreads, options.events,
                        Units.duration(flag, value));
                default -> throw new IllegalArgumentException("unknown option: " + flag);
            };
        }
        return options;
    }

    private static int whole(String flag, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": " + value + " (expected: a whole number)");
        }
    }
}
