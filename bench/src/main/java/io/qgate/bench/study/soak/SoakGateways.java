package io.qgate.bench.study.soak;

import io.qgate.bench.harness.GatewayProcess;
import io.qgate.bench.harness.ProcStat;
import io.qgate.bench.load.LaneTargets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The system soak's gateways: a fixed number of slots, each running one gateway process at a
 * time from the packaged jar, peers of one another over UDP on ports fixed for the run (a
 * restarted gateway comes back on the same peers port, and on new client and admin ports, as a
 * new pod gets a new address). Every process is a {@link Life}: its client port names it in the
 * clients' books, and its counters are read while it lives.
 */
final class SoakGateways implements AutoCloseable {

    /** How one life ended: still running, killed, or drained. */
    enum End { RUNNING, SIGKILL, SIGTERM, STOPPED }

    /** One process of one slot. */
    static final class Life {
        final int slot;
        final int number;
        final GatewayProcess process;
        final long startNanos;
        volatile long endNanos;
        volatile long faultNanos;
        volatile End end = End.RUNNING;
        /** The last reading of its counters; what a SIGKILL leaves of them. */
        volatile GatewayCounts lastCounts = new GatewayCounts(java.util.Map.of(), 0);

        Life(int slot, int number, GatewayProcess process) {
            this.slot = slot;
            this.number = number;
            this.process = process;
            this.startNanos = System.nanoTime();
        }

        int port() {
            return process.address().getPort();
        }

        String name() {
            return "gateway " + slot + " life " + number + " (:" + port() + ")";
        }

        /** Reads its counters now, keeping them as its last; false if it did not answer. */
        boolean readCounts() {
            String text = process.metrics();
            if (text.isEmpty()) {
                return false;
            }
            lastCounts = GatewayCounts.parse(text);
            return true;
        }

        int openFiles() {
            return ProcStat.openFiles(process.process().pid());
        }

        int threads() {
            return ProcStat.threads(process.process().pid());
        }
    }

    private final Path jar;
    private final List<String> jvm;
    private final Path logs;
    private final java.util.Map<Integer, Path> configs = new java.util.concurrent.ConcurrentHashMap<>();
    private final Life[] current;
    private final List<Life> lives = new ArrayList<>();
    private final AtomicInteger cursor = new AtomicInteger();

    private SoakGateways(Path jar, List<String> jvm, Path logs, int count) {
        this.jar = jar;
        this.jvm = jvm;
        this.logs = logs;
        this.current = new Life[count];
    }

    /** Fixed UDP ports for the peers, found free now (each gateway binds its own at start). */
    static List<Integer> freePeerPorts(int count) {
        List<DatagramSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
            }
            return sockets.stream().map(DatagramSocket::getLocalPort).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find free UDP ports for the peers", e);
        } finally {
            sockets.forEach(DatagramSocket::close);
        }
    }

    /**
     * Starts one gateway per element of {@code configs} (each with its own peers port) and waits
     * until all are ready.
     */
    static SoakGateways start(Path jar, List<String> jvm, List<Path> configs, Path logs) {
        SoakGateways gateways = new SoakGateways(jar, jvm, logs, configs.size());
        try {
            for (int slot = 0; slot < configs.size(); slot++) {
                gateways.launch(slot, configs.get(slot));
            }
            return gateways;
        } catch (RuntimeException e) {
            gateways.close();
            throw e;
        }
    }

    private synchronized Life launch(int slot, Path configFile) {
        configs.put(slot, configFile);
        int number = (int) lives.stream().filter(life -> life.slot == slot).count();
        Path log = logs.resolve("gateway-" + slot + "-life-" + number + ".log");
        GatewayProcess process = GatewayProcess.fromJar(jar, jvm, List.of("--config", configFile.toString()), log);
        Life life = new Life(slot, number, process);
        try {
            process.awaitReady(Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            process.close();
            throw e;
        }
        lives.add(life);
        current[slot] = life;
        return life;
    }

    /** Kills slot {@code slot}'s gateway with SIGKILL; its last counters are what it leaves. */
    Life kill(int slot) {
        return end(current(slot), End.SIGKILL, life -> life.process.process().killNow());
    }

    /** SIGTERM: the gateway drains and exits; returns once it has (a kill follows a drain that hangs). */
    Life drain(int slot) {
        return end(current(slot), End.SIGTERM, life -> life.process.close());
    }

    /** Reads the life's counters one last time, then ends it {@code how}. */
    private static Life end(Life life, End how, java.util.function.Consumer<Life> stop) {
        life.readCounts();
        life.faultNanos = System.nanoTime();
        life.end = how;
        stop.accept(life);
        life.endNanos = System.nanoTime();
        return life;
    }

    /** A new life for the slot, with the same configuration (and so the same peers port). */
    Life restart(int slot) {
        return launch(slot, configs.get(slot));
    }

    synchronized Life current(int slot) {
        return current[slot];
    }

    /** The lives running now. */
    synchronized List<Life> running() {
        List<Life> running = new ArrayList<>();
        for (Life life : current) {
            if (life != null && life.end == End.RUNNING) {
                running.add(life);
            }
        }
        return running;
    }

    synchronized List<Life> lives() {
        return List.copyOf(lives);
    }

    /** The running gateways' {@code /scaling?pool=NAME}: what the stand-in autoscaler sums. */
    List<String> scalingUrls(String pool) {
        return running().stream().map(life -> life.process.adminUrl() + "/scaling?pool=" + pool).toList();
    }

    /**
     * The clients' view, as through a Service: round robin over every slot's latest address; a
     * slot whose gateway is down still has its old address listed (endpoints lag), and the
     * refused connect goes on to the next.
     */
    LaneTargets spread() {
        return new LaneTargets() {
            @Override
            public int start() {
                return cursor.getAndIncrement();
            }

            @Override
            public InetSocketAddress at(int index) {
                return current(Math.floorMod(index, current.length)).process.address();
            }

            @Override
            public int size() {
                return current.length;
            }
        };
    }

    @Override
    public synchronized void close() {
        for (Life life : current) {
            if (life != null && life.end == End.RUNNING) {
                end(life, End.STOPPED, stopped -> stopped.process.close());
            }
        }
    }

    static void writeConfig(Path file, String yaml) {
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
