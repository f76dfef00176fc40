package io.qgate.bench.study.suite;

import io.qgate.bench.harness.Md;
import io.qgate.bench.study.routing.RoutingSweepResult;
import io.qgate.bench.study.connections.ConnectionsResult;
import io.qgate.bench.harness.JsonFiles;
import io.qgate.bench.study.proxies.ProxiesResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code report.md} and its PNG charts, from whichever of {@code proxies.json}, {@code routing.json}
 * and {@code connections.json} a results directory holds. Rendering reads nothing else, so the
 * report can be redrawn from committed results at any time.
 */
public final class Report {

    public static final String FILE = "report.md";

    private Report() {}

    /** Links to the reports of subdirectories: supplementary runs kept beside the main one. */
    private static String furtherRuns(Path dir) {
        List<Path> reports;
        try (Stream<Path> children = Files.list(dir)) {
            reports = children.filter(Files::isDirectory).map(child -> child.resolve(FILE)).filter(Files::exists)
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        if (reports.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("## Further runs\n\n");
        for (Path report : reports) {
            String name = report.getParent().getFileName().toString();
            md.append("- [").append(name).append("](").append(name).append('/').append(FILE).append(")\n");
        }
        return md.append('\n').toString();
    }

    /** Writes {@code report.md} and the charts into {@code dir}; returns the report's path. */
    public static Path render(Path dir) {
        Path proxiesFile = dir.resolve(ProxiesResult.FILE);
        Path routingFile = dir.resolve(RoutingSweepResult.FILE);
        Path connectionsFile = dir.resolve(ConnectionsResult.FILE);
        ProxiesResult proxies = Files.exists(proxiesFile) ? JsonFiles.read(proxiesFile, ProxiesResult.class) : null;
        RoutingSweepResult routing = Files.exists(routingFile)
                ? JsonFiles.read(routingFile, RoutingSweepResult.class) : null;
        ConnectionsResult connections = Files.exists(connectionsFile)
                ? JsonFiles.read(connectionsFile, ConnectionsResult.class) : null;
        if (proxies == null && routing == null && connections == null) {
            throw new IllegalArgumentException(dir + ": no " + ProxiesResult.FILE + ", " + RoutingSweepResult.FILE
                    + " or " + ConnectionsResult.FILE);
        }
        List<Headline> headline = new ArrayList<>();
        StringBuilder sections = new StringBuilder();
        boolean quick = false;
        if (proxies != null) {
            headline.addAll(ProxiesSection.headline(proxies));
            sections.append(ProxiesSection.markdown(proxies, dir));
            quick |= proxies.quick();
        }
        if (routing != null) {
            headline.addAll(RoutingSection.headline(routing));
            sections.append(RoutingSection.markdown(routing, dir));
            quick |= routing.quick();
        }
        if (connections != null) {
            headline.addAll(ConnectionsSection.headline(connections));
            sections.append(ConnectionsSection.markdown(connections, dir));
            quick |= connections.quick();
        }
        StringBuilder md = new StringBuilder();
        md.append("# qgate against its peers: ").append(dir.toAbsolutePath().normalize().getFileName()).append("\n\n");
        if (quick) {
            md.append("> **Quick runs.** At least one benchmark here ran with `--quick` (seconds, small scale): the "
                    + "figures show that the tools work, not how fast anything is.\n\n");
        }
        md.append(Md.f("All on one machine with %d cores, over loopback. The load average (1 min) at the start of each "
                + "run is recorded beside it: other work on the machine makes every figure worse, and the peers' "
                + "no less than qgate's.%n%n", Runtime.getRuntime().availableProcessors()));
        md.append("## Headline\n\n");
        md.append(Md.table(List.of("what", "measured", "target", "met", "load avg"), "lllll",
                headline.stream().map(Headline::cells).toList()));
        md.append("Regenerate this report from the JSON beside it with `java -jar bench/target/qgate-bench.jar report "
                + "DIR`; rerun everything with `java -jar bench/target/qgate-bench.jar suite` (see README, "
                + "\"Benchmarks\").\n\n");
        md.append(sections);
        md.append(furtherRuns(dir));
        Path file = dir.resolve(FILE);
        try {
            Files.writeString(file, md.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }
}
