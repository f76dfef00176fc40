package io.qgate.bench.study.flood;

import io.qgate.bench.cli.CommandLine;
import io.qgate.bench.cli.Flags;
import io.qgate.bench.harness.JsonFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@code flood}: the connection flood against one gateway; writes {@code results.json} and {@code report.md}. */
public final class FloodCommand {

    static final String USAGE = """
            Usage: java -jar qgate-bench.jar flood [--idle 8000] [--slow 2000] [--rate 100] [--measure 20s]
                   [--heap 512m] [--gateway-jvm OPTION]... [--set KEY=VALUE]... [--out DIR]

            One gateway with its default limits in front of a replica stub. Real clients (the load
            generator, plain chat completions) are measured alone, then again while the flood holds
            the gateway: idle connections that send nothing, and slow ones that send a request head
            one byte a second (replaced as the gateway closes them). Passes when the real clients are
            all answered within twice their p99 alone and every slow connection the gateway closed got
            408 first. Stub, gateway, flood and clients are four processes (20,000 open files each at
            most). Records the load average, the gateway's RSS and its heap after a full GC.

              --idle N        idle connections (default 8000)
              --slow N        slow connections (default 2000)
              --rate R        real clients' requests per second (default 100)
              --measure D     how long the real clients run, each time (default 20s)
              --heap SIZE     the gateway's -Xmx (default 512m)
              --gateway-jvm O a further JVM option of the gateway, e.g. a JFR recording (repeatable)
              --set K=V       a gateway setting other than its default, e.g. to turn a defence off (repeatable)
              --out DIR       where results.json and report.md go (default bench/results/<today>/flood)
            """;

    private FloodCommand() {}

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return CommandLine.run("flood", USAGE, args, out, err, FloodCommand::parse, options -> {
            FloodRun.Result result = FloodRun.run(options, err);
            JsonFiles.write(result, options.out(), "results.json");
            String report = markdown(result);
            try {
                Files.writeString(options.out().resolve("report.md"), report);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.print(report);
            return result.clientsServed() && result.slowOnesGot408() ? 0 : 1;
        });
    }

    private static FloodRun.Options parse(String[] args) {
        Flags flags = Flags.parse(args, Set.of("--idle", "--slow", "--rate", "--measure", "--heap",
                "--gateway-jvm", "--set", "--out"), Set.of());
        Map<String, String> settings = new LinkedHashMap<>();
        for (String setting : flags.all("--set")) {
            int equals = setting.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("--set: " + setting + " (expected: KEY=VALUE)");
            }
            settings.put(setting.substring(0, equals), setting.substring(equals + 1));
        }
        return new FloodRun.Options(Integer.parseInt(flags.text("--idle", "8000")),
                Integer.parseInt(flags.text("--slow", "2000")), flags.number("--rate", 100),
                flags.duration("--measure", java.time.Duration.ofSeconds(20)), flags.text("--heap", "512m"),
                flags.all("--gateway-jvm"), settings, Path.of(flags.text("--out", JsonFiles.todaysResults().resolve("flood").toString())));
    }

    static String markdown(FloodRun.Result r) {
        FloodRun.Options o = r.options();
        return String.format(Locale.ROOT, """
                # Connection flood

                Started %s; load average %.2f at the start, %.2f at the end (a shared 2-core machine).
                One gateway, default limits (`%s`); %d idle connections and %d that send a request head one
                byte a second (replaced when closed), from a process of their own; real clients at %.0f req/s
                for %s, alone and then under the flood.

                | real clients | requests | answered | failed | e2e p50 ms | e2e p99 ms |
                |---|---:|---:|---:|---:|---:|
                | alone | %d | %d | %d | %.1f | %.1f |
                | under the flood | %d | %d | %d | %.1f | %.1f |

                Within twice the p99 alone, none failed: **%s**.

                Flood: %s. Every slow connection closed got 408 first: **%s**.

                Gateway memory: RSS %d MiB before the flood, %d MiB at its peak; heap after a full GC %d MiB
                before, %d MiB with every flood connection open; %d open files then.
                """, r.startedAt(), r.loadAverage()[0], r.loadAverage()[1], r.gatewayCommand(), o.idle(), o.slow(),
                o.rate(), o.measure(), r.alone().requests(), r.alone().ok(), r.alone().errors(), r.alone().e2eP50Ms(),
                r.alone().e2eP99Ms(), r.flooded().requests(), r.flooded().ok(), r.flooded().errors(),
                r.flooded().e2eP50Ms(), r.flooded().e2eP99Ms(), r.clientsServed() ? "yes" : "no",
                FloodClients.describe(r.flood()), r.slowOnesGot408() ? "yes" : "no", r.rssBefore() >> 20,
                r.rssPeak() >> 20, r.liveHeapBefore() >> 20, r.liveHeapDuring() >> 20, r.openFilesDuring());
    }
}
