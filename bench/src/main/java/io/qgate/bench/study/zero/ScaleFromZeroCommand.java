package io.qgate.bench.study.zero;

import io.qgate.bench.cli.CommandLine;
import io.qgate.bench.cli.Flags;
import io.qgate.bench.harness.StudyCli;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Set;

/**
 * The {@code scale-from-zero} command line: the live proof, progress on stderr, the report on
 * stdout, {@code report.md} and {@code results.json} into {@code --out}.
 */
public final class ScaleFromZeroCommand {

    /** Exit status of a bad command line. */
    public static final int USAGE_STATUS = CommandLine.USAGE_STATUS;

    private static final String USAGE = """
            Usage: java -jar qgate-bench.jar scale-from-zero [options]

            A pool scaled to zero, live: a gateway whose discovery.file lists no replica and whose
            pool holds requests (scale-from-zero.enabled); a burst of requests, half of them streamed,
            arrives and waits; a stand-in autoscaler reads /scaling, "loads" a simulated replica for
            the modelled load time and writes it into the file; every answer must come back 200 and
            whole. After the cooldown without demand the stand-in removes the replica, and one more
            request waits for the next wake.

              --requests N     the burst (default 20)
              --max-tokens N   each answer's length in tokens (default 32)
              --load D         the replica's modelled load time (default 10s)
              --poll D         how often the stand-in reads /scaling (default 1s)
              --cooldown D     no demand for this long and the replica goes (default 15s)
              --out DIR        where report.md and results.json go
                               (default: bench/results/scale-from-zero-<timestamp>)
            """;

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private ScaleFromZeroCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return StudyCli.run("scale-from-zero", USAGE, args, out, err, ScaleFromZeroCommand::parse,
                ScaleFromZeroRun.Options::out,
                (options, progress) -> new ScaleFromZeroReport(ScaleFromZeroRun.run(options, progress)));
    }

    static ScaleFromZeroRun.Options parse(String[] args) {
        Flags flags = Flags.parse(args, Set.of("--requests", "--max-tokens", "--load", "--poll", "--cooldown", "--out"),
                Set.of());
        Path defaultOut = Path.of("bench", "results", "scale-from-zero-" + LocalDateTime.now().format(STAMP));
        return new ScaleFromZeroRun.Options(flags.whole("--requests", 20), flags.whole("--max-tokens", 32),
                flags.duration("--poll", Duration.ofSeconds(1)), flags.duration("--load", Duration.ofSeconds(10)),
                flags.duration("--cooldown", Duration.ofSeconds(15)), Path.of(flags.text("--out", defaultOut.toString())));
    }
}
