package io.qgate.bench.harness;

import io.qgate.bench.harness.stub.StubCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.StringJoiner;

/** The replica stub ({@code qgate-bench.jar stub}) in a JVM of its own, and the ports it bound. */
public final class StubProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final ChildProcess child;
    private final List<Integer> ports;

    private StubProcess(ChildProcess child, List<Integer> ports) {
        this.child = child;
        this.ports = List.copyOf(ports);
    }

    public static StubProcess start(int replicas, int ioThreads, int events, Duration eventInterval, Cpus cpus,
                                    Path log) {
        List<String> args = List.of("--replicas", Integer.toString(replicas), "--io-threads",
                Integer.toString(ioThreads), "--events", Integer.toString(events), "--event-interval",
                eventInterval.toMillis() + "ms");
        ChildProcess child = ChildProcess.start("stub", JavaCommand.bench(List.of(), "stub", args), cpus, log);
        try {
            List<String> lines = child.awaitLine(StubCommand.READY::equals, READY_TIMEOUT);
            List<Integer> ports = lines.stream().filter(line -> line.startsWith(StubCommand.PORT_LINE))
                    .map(line -> Integer.parseInt(line.substring(StubCommand.PORT_LINE.length()).trim())).toList();
            return new StubProcess(child, ports);
        } catch (RuntimeException e) {
            child.close();
            throw e;
        }
    }

    public List<Integer> ports() {
        return ports;
    }

    /** The gateway's {@code endpoints}: {@code http://127.0.0.1:N,...}. */
    public String endpoints() {
        StringJoiner joiner = new StringJoiner(",");
        ports.forEach(port -> joiner.add("http://127.0.0.1:" + port));
        return joiner.toString();
    }

    public ChildProcess process() {
        return child;
    }

    @Override
    public void close() {
        child.close();
    }
}
