package io.qgate.bench.suite;

import io.qgate.bench.CommandLine;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.function.Function;

/** What the suite's commands share: {@code --help}, a bad command line refused with status 2, the default output directory. */
final class SuiteCli {

    static final int USAGE_STATUS = CommandLine.USAGE_STATUS;

    private static final String GATEWAY_LOG_LEVEL = "org.slf4j.simpleLogger.log.io.qgate.gateway";

    private SuiteCli() {}

    /** {@code bench/results/<today>}: every benchmark of one day writes into one directory, with one report. */
    static Path defaultOut() {
        return Path.of("bench", "results", LocalDate.now().toString());
    }

    interface Body<O> {
        int run(O options, PrintStream out, PrintStream err);
    }

    static <O> int run(String command, String usage, String[] args, PrintStream out, PrintStream err,
                       Function<String[], O> parse, Body<O> body) {
        return CommandLine.run(command, usage, args, out, err, parse, options -> {
            // The sweep starts and stops in-process gateways by the hundred; their info lines would bury
            // the progress lines (the same choice as the scenario commands', unless the user chose a level).
            if (System.getProperty(GATEWAY_LOG_LEVEL) == null) {
                System.setProperty(GATEWAY_LOG_LEVEL, "warn");
            }
            return body.run(options, out, err);
        });
    }
}
