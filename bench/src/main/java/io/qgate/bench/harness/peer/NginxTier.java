package io.qgate.bench.harness.peer;

import io.qgate.bench.harness.RoutingTier;
import io.qgate.bench.harness.ChildProcess;
import io.qgate.bench.harness.Cpus;
import io.qgate.bench.harness.JavaCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * nginx instances in front of the routing scenario's fleet, one worker each, as qgate's instances
 * run one event loop each: every instance balances on what it alone has open, as each of several
 * nginx pods behind a Service would.
 */
public final class NginxTier implements RoutingTier {

    private final List<ChildProcess> processes;
    private final List<String> urls;
    private final Balance balance;

    private NginxTier(List<ChildProcess> processes, List<String> urls, Balance balance) {
        this.processes = List.copyOf(processes);
        this.urls = List.copyOf(urls);
        this.balance = balance;
    }

    /** A launcher for the sweep's rows. */
    public static RoutingTier.Launcher launcher(Balance balance) {
        return (instances, replicaPorts) -> start(instances, replicaPorts, balance);
    }

    /** The row label: {@code nginx least_conn} or {@code nginx round-robin}. */
    public static String label(Balance balance) {
        return "nginx " + (balance == Balance.LEAST_CONNECTIONS ? "least_conn" : "round-robin");
    }

    static NginxTier start(int instances, List<Integer> replicaPorts, Balance balance) {
        List<ChildProcess> started = new ArrayList<>();
        List<String> urls = new ArrayList<>();
        try {
            Path dir = Files.createTempDirectory("qgate-nginx-tier-");
            for (int i = 0; i < instances; i++) {
                int port = JavaCommand.freePort();
                started.add(Peer.NGINX.start(new PeerConfig(port, replicaPorts, 1, balance, dir.resolve("nginx-" + i)),
                        Cpus.ALL));
                urls.add("http://127.0.0.1:" + port);
            }
            return new NginxTier(started, urls, balance);
        } catch (IOException e) {
            started.forEach(ChildProcess::close);
            throw new UncheckedIOException("cannot create a directory for nginx", e);
        } catch (RuntimeException e) {
            started.forEach(ChildProcess::close);
            throw e;
        }
    }

    @Override
    public List<String> urls() {
        return urls;
    }

    @Override
    public String picker() {
        return label(balance);
    }

    @Override
    public void close() {
        processes.forEach(ChildProcess::close);
    }
}
