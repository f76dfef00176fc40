package io.qgate.bench.load;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * The {@code load} command line: parses options, runs, prints the summary on stdout and writes the
 * results JSON when {@code --out} is given. Progress goes to stderr so that stdout stays clean.
 */
public final class LoadCommand {

    /** Exit status of a bad command line. */
    public static final int USAGE = 2;

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
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            out.print(LoadOptions.help());
            return 0;
        }
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("load: " + e.getMessage());
            return USAGE;
        }
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
