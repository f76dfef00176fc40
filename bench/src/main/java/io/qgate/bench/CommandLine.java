package io.qgate.bench;

import java.io.PrintStream;
import java.util.function.Function;

/**
 * Where the fleet simulation's commands still find {@link io.qgate.bench.cli.CommandLine}: they
 * move to it, and this class goes, when they are ported to the bench's one command-line parser.
 */
public final class CommandLine {

    /** Exit status of a bad command line. */
    public static final int USAGE_STATUS = io.qgate.bench.cli.CommandLine.USAGE_STATUS;

    /** The command's own work, given its parsed options; returns the exit status. */
    public interface Body<O> {
        int run(O options);
    }

    private CommandLine() {}

    /** See {@link io.qgate.bench.cli.CommandLine#run}. */
    public static <O> int run(String command, String usage, String[] args, PrintStream out, PrintStream err,
                              Function<String[], O> parse, Body<O> body) {
        return io.qgate.bench.cli.CommandLine.run(command, usage, args, out, err, parse, body::run);
    }
}
