package io.qgate.bench.harness.stub;

import io.qgate.bench.cli.CommandLine;
import java.util.concurrent.CountDownLatch;

/**
 * {@code stub}: the replica stub as a process of its own, so that the benchmarks can pin it to a
 * core and keep its sockets out of the other processes' open-file limit. Prints one
 * {@code stub port N} line per replica, then {@code stub ready}; runs until killed.
 */
public final class StubCommand {

    /** The line the parent waits for. */
    public static final String READY = "stub ready";
    /** Prefix of each port line. */
    public static final String PORT_LINE = "stub port ";

    private static final String USAGE = """
            Usage: java -jar qgate-bench.jar stub [options]

            A replica stub for proxy benchmarks: answers every API request at once with a small chat
            completion, or with a stream of fixed events when the body asks "stream":true; /metrics
            shows the open streams as vLLM's running requests. Binds 127.0.0.1, ephemeral ports.

              --replicas N         listeners, one port each (default 2)
              --io-threads N       event-loop threads shared by the listeners (default 1)
              --events N           content events per stream (default 200)
              --event-interval D   pause between events, such as 500ms (default 0: back to back,
                                   each flushed on its own)
            """;

    private StubCommand() {}

    public static int run(String[] args) {
        return CommandLine.run("stub", USAGE, args, System.out, System.err, StubOptions::parse, StubCommand::serve);
    }

    private static int serve(StubOptions options) {
        StubServer server = StubServer.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "qgate-stub-stop"));
        server.ports().forEach(port -> System.out.println(PORT_LINE + port));
        System.out.println(READY);
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
