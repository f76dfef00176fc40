package io.qgate.bench.study.fleet;

import io.qgate.bench.cli.CommandLine;
import io.qgate.bench.cli.Flags;
import io.qgate.bench.harness.StudyCli;
import io.qgate.fleet.AutoscaleOptions;
import io.qgate.fleet.AutoscaleScenario;
import io.qgate.fleet.Trace;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code autoscale} command line: runs the study, progress on stderr, the report on stdout, and
 * {@code report.md}, {@code results.json} and the plots into {@code --out}.
 */
public final class AutoscaleCommand {

    /** Exit status of a bad command line. */
    public static final int USAGE_STATUS = CommandLine.USAGE_STATUS;

    private static final String USAGE = """
            Usage: java -jar qgate-bench.jar autoscale [--quick] [--trace T] [--out DIR] [options]

            Which signal should the HPA scale LiteLLM on, and with which target? A discrete-event
            simulation in virtual time: vLLM replicas (the simulator's engine model) that load their
            model for 60-120 s before they serve, three qgate gateways running the real router, and
            the autoscaling/v2 HPA controller, on traffic traces. Compares CPU, request rate, pool
            queue, requests in flight and rate+queue, each at several targets, and recommends targets.

              --quick            a short step trace, one target per signal, no sweep (seconds)
              --trace T          step, ramp, diurnal, bursty, shift, office-hours (a week, 12x faster),
                                 or a CSV file of time_s,rate rows
                                 (optionally time_s,rate,output_scale); comma-separated or repeated
                                 (default: all five)
              --base-rate R      the traces' base rate in requests/s (default 200; quick 100)
              --seed N           the seed of every run (default 42)
              --out DIR          where report.md, results.json and the plots go
                                 (default: bench/results/autoscale-<timestamp>)
            """;

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private AutoscaleCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return StudyCli.run("autoscale", USAGE, args, out, err, AutoscaleCommand::parse, (options, progress) -> {
            AutoscaleScenario.Report report = AutoscaleScenario.run(options, progress);
            List<Path> plots = AutoscaleReport.write(report, options.out());
            return new StudyCli.Written(AutoscaleReport.markdown(report, plots),
                    options.out().resolve(AutoscaleReport.JSON_FILE), options.out().resolve(AutoscaleReport.MARKDOWN_FILE));
        });
    }

    /** {@code --quick} changes the defaults (one trace, a lower base rate) that the other flags override. */
    static AutoscaleOptions parse(String[] args) {
        Flags flags = Flags.parse(args, Set.of("--trace", "--base-rate", "--seed", "--out"), Set.of("--quick"));
        boolean quick = flags.on("--quick");
        List<String> traces = new ArrayList<>();
        for (String value : flags.all("--trace")) {
            for (String trace : value.split(",")) {
                if (!trace.isBlank()) {
                    traces.add(trace.strip());
                }
            }
        }
        if (traces.isEmpty()) {
            traces.addAll(quick ? List.of("step") : AutoscaleOptions.ALL_TRACES);
        }
        double baseRate = flags.number("--base-rate", quick ? 100 : 200);
        for (String trace : traces) {
            // Fail on a bad name or file now rather than after minutes of simulation.
            Trace.named(trace, baseRate);
        }
        Path defaultOut = Path.of("bench", "results", "autoscale-" + LocalDateTime.now().format(STAMP));
        return new AutoscaleOptions(quick, traces, baseRate, (long) flags.number("--seed", 42),
                Path.of(flags.text("--out", defaultOut.toString())));
    }
}
