package io.qgate.bench.study.fleet;

import io.qgate.bench.cli.CommandLine;
import io.qgate.bench.cli.Flags;
import io.qgate.bench.harness.StudyCli;
import io.qgate.fleet.ZeroScenario;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Set;

/**
 * The {@code autoscale-zero} command line: the scale-from-zero study, progress on stderr, the
 * report on stdout, {@code report.md} and {@code results.json} into {@code --out}.
 */
public final class AutoscaleZeroCommand {

    /** Exit status of a bad command line. */
    public static final int USAGE_STATUS = CommandLine.USAGE_STATUS;

    private static final String USAGE = """
            Usage: java -jar qgate-bench.jar autoscale-zero [--quick] [--out DIR] [options]

            What does scaling a pool to zero at night cost and save? A discrete-event simulation in
            virtual time of an office-hours week (busy 9-18 on weekdays, nothing at night and at the
            weekend) through three qgate gateways: one replica always up (the HPA alone) against
            KEDA scaling to zero (minReplicaCount 0, woken by max(qgate_pool_demand) > 0, back to
            zero after the cooldown), with qgate holding the requests that arrive meanwhile, and
            without holding (they get 503). Above one replica the HPA scales on rate + queue.

              --quick              two weekdays, 48 times faster, base rate 20, cooldown 5m (seconds)
              --base-rate R        the busy hours' rate in requests/s (default 100; quick 20)
              --compression X      how many times faster than real time the week runs (default 12; quick 48)
              --cooldown D         the ScaledObject's cooldownPeriod (default 15m; quick 5m)
              --polling-interval D KEDA's pollingInterval (default 30s)
              --seed N             the seed of every run (default 42)
              --out DIR            where report.md and results.json go
                                   (default: bench/results/autoscale-zero-<timestamp>)
            """;

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private AutoscaleZeroCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return StudyCli.run("autoscale-zero", USAGE, args, out, err, AutoscaleZeroCommand::parse,
                ZeroScenario.Options::out, (options, progress) -> new ZeroReport(ZeroScenario.run(options, progress)));
    }

    /** {@code --quick} changes the defaults that the other flags override. */
    static ZeroScenario.Options parse(String[] args) {
        Flags flags = Flags.parse(args, Set.of("--base-rate", "--compression", "--cooldown", "--polling-interval",
                "--seed", "--out"), Set.of("--quick"));
        boolean quick = flags.on("--quick");
        Path defaultOut = Path.of("bench", "results", "autoscale-zero-" + LocalDateTime.now().format(STAMP));
        return new ZeroScenario.Options(quick, flags.number("--base-rate", quick ? 20 : 100),
                flags.number("--compression", quick ? 48 : 12),
                flags.duration("--cooldown", Duration.ofMinutes(quick ? 5 : 15)),
                flags.duration("--polling-interval", Duration.ofSeconds(30)), (long) flags.number("--seed", 42),
                Path.of(flags.text("--out", defaultOut.toString())));
    }
}
