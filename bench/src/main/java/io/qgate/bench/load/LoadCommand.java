package io.qgate.bench.load;

import io.qgate.bench.cli.CommandLine;
import java.io.PrintStream;

/**
 * The {@code load} command line: parses options, runs, prints the summary on stdout and writes the
 * results JSON when {@code --out} is given. Progress goes to stderr so that stdout stays clean.
 */
public final class LoadCommand {

    /** Exit status of a bad command line. */
    public static final int USAGE = CommandLine.USAGE_STATUS;

    private LoadCommand() {}

    public static void main(String[] args) {
        int status = run(args);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs the command and returns its exit status: 0 when the run completed, even with failed requests. */
    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return CommandLine.run("load", LoadOptions.help(), args, out, err, LoadOptions::parse,
                options -> load(options, out, err));
    }

    private static int load(LoadOptions options, PrintStream out, PrintStream err) {
        LoadResult result;
        try {
            result = LoadGenerator.run(options, options.quiet() ? null : err);
        } catch (IllegalArgumentException e) {
            err.println("load: " + e.getMessage());
            return USAGE;
        }
        out.print(result.summaryText());
        if (options.out() != null) {
            result.writeJson(options.out());
            out.println("results     " + options.out());
        }
        return 0;
    }
}
