package io.qgate.bench;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * What every bench command does before its own work: {@code --help} (or {@code -h}) prints the
 * usage, and a command line that does not parse is refused with one line on stderr and
 * {@link #USAGE_STATUS}.
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
}
