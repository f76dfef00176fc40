package io.qgate.bench.study.suite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** {@code report DIR}: redraws {@code report.md} and the charts from the JSON results in DIR. */
public final class ReportCommand {

    private static final String USAGE = """
            Usage: java -jar qgate-bench.jar report DIR

            Writes DIR/report.md and its PNG charts from the results in DIR: proxies.json (proxies),
            routing.json (routing-sweep) and connections.json (connections), whichever are there.
            """;

    private ReportCommand() {}

    public static int run(String[] args) {
        if (args.length != 1 || Arrays.asList(args).contains("--help") || args[0].equals("-h")) {
            System.out.print(USAGE);
            return args.length == 1 ? 0 : 2;
        }
        Path dir = Path.of(args[0]);
        if (!Files.isDirectory(dir)) {
            System.err.println("report: " + dir + " is not a directory");
            return 2;
        }
        try {
            System.out.println("report: " + Report.render(dir));
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println("report: " + e.getMessage());
            return 2;
        }
    }
}
