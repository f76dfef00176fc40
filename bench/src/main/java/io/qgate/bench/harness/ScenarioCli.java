package io.qgate.bench.harness;

import io.qgate.bench.study.routing.ScenarioReport;
import io.qgate.bench.CommandLine;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What the scenario commands share: {@code --help}, refusing a bad command line, quiet gateway
 * logs, progress on stderr, then the report on stdout and as {@code results.json} and
 * {@code report.md} in the output directory.
 */
public final class ScenarioCli {

    /** Exit status of a bad command line. */
    public static final int USAGE_STATUS = CommandLine.USAGE_STATUS;

    /** The findings of one scenario run, in both forms. */
    public interface Report {
        String toJson();

        String toMarkdown();

        /** Writes {@link ScenarioReport#JSON_FILE} and {@link ScenarioReport#MARKDOWN_FILE} into {@code directory}. */
        default void write(Path directory) {
            try {
                Files.createDirectories(directory);
                Files.writeString(directory.resolve(ScenarioReport.JSON_FILE), toJson() + "\n", StandardCharsets.UTF_8);
                Files.writeString(directory.resolve(ScenarioReport.MARKDOWN_FILE), toMarkdown(),
                        StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the report into " + directory, e);
            }
        }
    }

    private ScenarioCli() {}

    /**
     * @param command  the command's name, for messages
     * @param parse    the command line to options; {@link IllegalArgumentException} for a bad one
     * @param out      where the options put the report files
     * @param scenario runs the scenario, printing progress to the stream it is given
     * @return 0, or {@link #USAGE_STATUS} for a bad command line
     */
    public static <O> int run(String command, String usage, String[] args, PrintStream stdout, PrintStream stderr,
                       Function<String[], O> parse, Function<O, Path> out,
                       BiFunction<O, PrintStream, ? extends Report> scenario) {
        return CommandLine.run(command, usage, args, stdout, stderr, parse, options -> {
            CommandLine.quietGatewayLogs();
            Report report = scenario.apply(options, stderr);
            Path directory = out.apply(options);
            report.write(directory);
            stdout.print(report.toMarkdown());
            stdout.println();
            stdout.println("results: " + directory.resolve(ScenarioReport.JSON_FILE));
            stdout.println("report:  " + directory.resolve(ScenarioReport.MARKDOWN_FILE));
            return 0;
        });
    }
}
