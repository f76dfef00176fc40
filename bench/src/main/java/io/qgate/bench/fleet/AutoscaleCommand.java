package io.qgate.bench.fleet;

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
    public static final int USAGE_STATUS = 2;

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
        List<String> list = Arrays.asList(args);
        if (list.contains("--help") || list.contains("-h")) {
            out.print(USAGE);
            return 0;
        }
        AutoscaleOptions options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("autoscale: " + e.getMessage() + " (see --help)");
            return USAGE_STATUS;
        }
        AutoscaleScenario.Report report = AutoscaleScenario.run(options, err);
        List<Path> plots = AutoscaleReport.write(report, options.out());
        out.print(AutoscaleReport.markdown(report, plots));
        out.println();
        out.println("results: " + options.out().resolve(AutoscaleReport.JSON_FILE));
        out.println("report:  " + options.out().resolve(AutoscaleReport.MARKDOWN_FILE));
        return 0;
    }

    static AutoscaleOptions parse(String[] args) {
        boolean quick = Arrays.asList(args).contains("--quick");
        List<String> traces = new ArrayList<>();
        double baseRate = quick ? 100 : 200;
        long seed = 42;
        Path out = Path.of("bench", "results", "autoscale-" + LocalDateTime.now().format(STAMP));
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            if (name.equals("--quick")) {
                continue;
            }
            String value;
            if (arg.contains("=")) {
                value = arg.substring(arg.indexOf('=') + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException(name + ": no value");
            }
            switch (name) {
                case "--trace" -> {
                    for (String trace : value.split(",")) {
                        if (!trace.isBlank()) {
                            traces.add(trace.strip());
                        }
                    }
                }
                case "--base-rate" -> baseRate = number(name, value);
                case "--seed" -> seed = (long) number(name, value);
                case "--out" -> out = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        if (traces.isEmpty()) {
            traces.addAll(quick ? List.of("step") : AutoscaleOptions.ALL_TRACES);
        }
        for (String trace : traces) {
            // Fail on a bad name or file now rather than after minutes of simulation.
            Trace.named(trace, baseRate);
        }
        return new AutoscaleOptions(quick, traces, baseRate, seed, out);
    }

    private static double number(String name, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: a number)");
        }
    }
}
