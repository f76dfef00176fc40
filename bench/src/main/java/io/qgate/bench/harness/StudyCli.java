package io.qgate.bench.harness;

import io.qgate.bench.cli.CommandLine;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What the study commands share: {@code --help}, refusing a bad command line, progress on
 * stderr, then the report on stdout and the paths of the files it was written to (by default
 * {@value #JSON_FILE} and {@value #MARKDOWN_FILE} in the output directory).
 */
public final class StudyCli {

    /** Exit status of a bad command line. */
    public static final int USAGE_STATUS = CommandLine.USAGE_STATUS;
    public static final String JSON_FILE = "results.json";
    public static final String MARKDOWN_FILE = "report.md";

    /** The findings of one study run, in both forms. */
    public interface Report {
        String toJson();

        String toMarkdown();

        /** Writes {@link #JSON_FILE} and {@link #MARKDOWN_FILE} into {@code directory}. */
        default Written write(Path directory) {
            try {
                Files.createDirectories(directory);
                Files.writeString(directory.resolve(JSON_FILE), toJson() + "\n", StandardCharsets.UTF_8);
                Files.writeString(directory.resolve(MARKDOWN_FILE), toMarkdown(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the report into " + directory, e);
            }
            return new Written(toMarkdown(), directory.resolve(JSON_FILE), directory.resolve(MARKDOWN_FILE));
        }
    }

    /** A finished study: its markdown, and the files it was written to. */
    public record Written(String markdown, Path json, Path report) {}

    private StudyCli() {}

    /**
     * A study of gateways and simulated replicas in this JVM, whose report goes into a directory
     * its options name. The gateways' info logs are quieted (see {@link CommandLine#quietGatewayLogs}).
     *
     * @param out   where the options put the report files
     * @param study runs the study, printing progress to the stream it is given
     */
    public static <O> int run(String command, String usage, String[] args, PrintStream stdout, PrintStream stderr,
                              Function<String[], O> parse, Function<O, Path> out,
                              BiFunction<O, PrintStream, ? extends Report> study) {
        return run(command, usage, args, stdout, stderr, parse, (options, progress) -> {
            CommandLine.quietGatewayLogs();
            return study.apply(options, progress).write(out.apply(options));
        });
    }

    /**
     * A study that writes its own files (charts beside the report, say).
     *
     * @param parse the command line to options; {@link IllegalArgumentException} for a bad one
     * @param study runs the study with progress on the stream given, and writes its files
     * @return 0, or {@link #USAGE_STATUS} for a bad command line
     */
    public static <O> int run(String command, String usage, String[] args, PrintStream stdout, PrintStream stderr,
                              Function<String[], O> parse, BiFunction<O, PrintStream, Written> study) {
        return CommandLine.run(command, usage, args, stdout, stderr, parse, options -> {
            Written written = study.apply(options, stderr);
            stdout.print(written.markdown());
            stdout.println();
            stdout.println("results: " + written.json());
            stdout.println("report:  " + written.report());
            return 0;
        });
    }
}
