package io.qgate.bench.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * What every bench command does before its own work: {@code --help} (or {@code -h}) prints the
 * usage, and a command line that does not parse is refused with one line on stderr and
 * {@link #USAGE_STATUS}. The command lines themselves are read by the one parser,
 * {@link Flags}.
 */
public final class CommandLine {

    /** Exit status of a bad command line. */
    public static final int USAGE_STATUS = 2;

    /** The command's own work, given its parsed options; returns the exit status. */
    public interface Body<O> {
        int run(O options);
    }

    private CommandLine() {}

    /**
     * @param command the command's name, for the error line
     * @param parse   the command line to options; {@link IllegalArgumentException} for a bad one
     */
    public static <O> int run(String command, String usage, String[] args, PrintStream out, PrintStream err,
                              Function<String[], O> parse, Body<O> body) {
        List<String> list = Arrays.asList(args);
        if (list.contains("--help") || list.contains("-h")) {
            out.print(usage);
            return 0;
        }
        O options;
        try {
            options = parse.apply(args);
        } catch (IllegalArgumentException e) {
            err.println(command + ": " + e.getMessage() + " (see --help)");
            return USAGE_STATUS;
        }
        return body.run(options);
    }

    /**
     * The studies start and stop gateways, in-process by the hundred; their info lines would bury
     * the progress lines, so only warnings are shown, unless the user chose a level. slf4j-simple
     * reads this when a logger is created, which for the gateway is when its class first loads.
     */
    public static void quietGatewayLogs() {
        String key = "org.slf4j.simpleLogger.log.io.qgate.gateway";
        if (System.getProperty(key) == null) {
            System.setProperty(key, "warn");
        }
    }
}
