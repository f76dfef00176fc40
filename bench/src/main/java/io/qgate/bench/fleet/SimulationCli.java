package io.qgate.bench.fleet;

import io.qgate.bench.CommandLine;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What the two simulation commands share: {@code --help}, refusing a bad command line, progress
 * on stderr, then the report on stdout and the paths of the files written.
 */
final class SimulationCli {

    /** Exit status of a bad command line. */
    static final int USAGE_STATUS = CommandLine.USAGE_STATUS;

    /** A finished study: its markdown, and the files it was written to. */
    record Written(String markdown, Path json, Path report) {}

    private SimulationCli() {}

    /**
     * Walks {@code --name value} and {@code --name=value} options, skipping {@code --quick} (which
     * the caller reads first, since it changes the defaults the others override).
     */
    static void forEachOption(String[] args, BiConsumer<String, String> option) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            int equals = arg.indexOf('=');
            String name = equals >= 0 ? arg.substring(0, equals) : arg;
            if (name.equals("--quick")) {
                continue;
            }
            String value;
            if (equals >= 0) {
                value = arg.substring(equals + 1);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException(name + ": no value");
            }
            option.accept(name, value);
        }
    }

    /**
     * @param parse the command line to options; {@link IllegalArgumentException} for a bad one
     * @param study runs the study with progress on the stream given, and writes its files
     * @return 0, or {@link #USAGE_STATUS} for a bad command line
     */
    static <O> int run(String command, String usage, String[] args, PrintStream out, PrintStream err,
                       Function<String[], O> parse, BiFunction<O, PrintStream, Written> study) {
        return CommandLine.run(command, usage, args, out, err, parse, options -> {
            Written written = study.apply(options, err);
            out.print(written.markdown());
            out.println();
            out.println("results: " + written.json());
            out.println("report:  " + written.report());
            return 0;
        });
    }
}
