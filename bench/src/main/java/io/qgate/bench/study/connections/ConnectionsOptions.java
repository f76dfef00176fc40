package io.qgate.bench.study.connections;

import io.qgate.bench.cli.Flags;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * Settings of the connections benchmark.
 *
 * @param streams       concurrent streaming clients to reach
 * @param rampRate      new streams per second while ramping up (Poisson)
 * @param events        events per stream
 * @param eventInterval pause between two events of a stream
 * @param replicas      replica stub listeners
 * @param heap          the gateway's {@code -Xmx}
 */
public record ConnectionsOptions(Path out, int streams, double rampRate, int events, Duration eventInterval,
                                 int replicas, String heap, boolean quick) {

    public ConnectionsOptions {
        if (streams < 1 || events < 1 || replicas < 1) {
            throw new IllegalArgumentException("streams, events, replicas: " + streams + ", " + events + ", "
                    + replicas + " (expected: > 0)");
        }
        if (!(rampRate > 0)) {
            throw new IllegalArgumentException("ramp-rate: " + rampRate + " (expected: > 0)");
        }
        if (eventInterval.isNegative() || eventInterval.isZero()) {
            throw new IllegalArgumentException("event-interval: " + eventInterval + " (expected: > 0)");
        }
        if (!heap.matches("[0-9]+[mMgG]")) {
            throw new IllegalArgumentException("heap: " + heap + " (expected: such as 512m)");
        }
    }

    /** How long one stream lasts: the events and the pauses between them. */
    Duration streamDuration() {
        return eventInterval.multipliedBy(events);
    }

    /** How long the ramp takes, on average. */
    Duration rampDuration() {
        return Duration.ofMillis(Math.round(streams / rampRate * 1000));
    }

    public static ConnectionsOptions parse(String[] args, Path defaultOut) {
        Flags flags = Flags.parse(args, Set.of("--out", "--streams", "--ramp-rate", "--events", "--event-interval",
                "--replicas", "--heap"), Set.of("--quick"));
        boolean quick = flags.has("--quick");
        return new ConnectionsOptions(
                Path.of(flags.text("--out", defaultOut.toString())),
                flags.whole("--streams", quick ? 50 : 8000),
                flags.number("--ramp-rate", quick ? 100 : 1000),
                flags.whole("--events", quick ? 10 : 60),
                flags.duration("--event-interval", quick ? Duration.ofMillis(200) : Duration.ofMillis(500)),
                flags.whole("--replicas", 4),
                flags.text("--heap", "512m"),
                quick);
    }
}
