package io.qgate.bench.fleet;

import io.qgate.fleet.AutoscaleOptions;
import io.qgate.fleet.AutoscaleScenario;
import io.qgate.fleet.Trace;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code autoscale} command line: runs the study, progress on stderr, the report on stdout, and
 * {@code report.md}, {@code results.json} and the plots into {@code --out}.
 */
public final class AutoscaleCommand {

    /** Exit status of a bad command line. */
    public static final int USAGE_STATUS = SimulationCli.USAGE_STATUS;

    private static final String USAGE = """
            Usage: java -jar qgate-bench.jar autoscale [--quick] [--trace T] [--out DIR] [options]

            Which signal should the HPA scale LiteLLM on, and with which target? A discrete-event
            simulation in virtual time: vLLM replicas (the simulator's engine model) that load their
            model for 60-120 s before they serve, three qgate gateways running the real router, and
            the autoscaling/v2 HPA controller, on traffic traces. Compares CPU, request rate, pool
            queue, requests in flight and rate+queue, each at several targets, and recommends targets.

              --quick            a short step trace, one target per signal, no sweep (seconds)
              --trace T          step, ramp, diurnal, bursty, shift, or a CSV file of time_s,rate rows
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
        return SimulationCli.run("autoscale", USAGE, args, out, err, AutoscaleCommand::parse, (options, progress) -> {
            AutoscaleScenario.Report report = AutoscaleScenario.run(options, progress);
            List<Path> plots = AutoscaleReport.write(report, options.out());
            return new SimulationCli.Written(AutoscaleReport.markdown(report, plots),
                    options.out().resolve(AutoscaleReport.JSON_FILE), options.out().resolve(AutoscaleReport.MARKDOWN_FILE));
        });
    }

    static AutoscaleOptions parse(String[] args) {
        boolean quick = Arrays.asList(args).contains("--quick");
        List<String> traces = new ArrayList<>();
        double[] baseRate = {quick ? 100 : 200};
        long[] seed = {42};
        Path[] out = {Path.of("bench", "results", "autoscale-" + LocalDateTime.now().format(STAMP))};
        SimulationCli.forEachOption(args, (name, value) -> {
            switch (name) {
                case "--trace" -> {
                    for (String trace : value.split(",")) {
                        if (!trace.isBlank()) {
                            traces.add(trace.strip());
                        }
                    }
                }
                case "--base-rate" -> baseRate[0] = number(name, value);
                case "--seed" -> seed[0] = (long) number(name, value);
                case "--out" -> out[0] = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        });
        if (traces.isEmpty()) {
            traces.addAll(quick ? List.of("step") : AutoscaleOptions.ALL_TRACES);
        }
        for (String trace : traces) {
            // Fail on a bad name or file now rather than after minutes of simulation.
            Trace.named(trace, baseRate[0]);
        }
        return new AutoscaleOptions(quick, traces, baseRate[0], seed[0], out[0]);
    }

    private static double number(String name, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: a number)");
        }
    }
}
