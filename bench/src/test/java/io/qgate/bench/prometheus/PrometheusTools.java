package io.qgate.bench.prometheus;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The {@code prometheus} and {@code promtool} binaries (the Debian package that {@code .ci/run}
 * installs), found on the {@code PATH}. Tests that need them assume they are present, so a
 * machine with only a JDK and Maven skips those tests instead of failing.
 */
public final class PrometheusTools {

    private PrometheusTools() {}

    /** What a {@code promtool} run printed and how it ended. */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Both binaries are on the PATH. */
    public static boolean installed() {
        return prometheus().isPresent() && promtool().isPresent();
    }

    /** Skips the calling test, saying what to install, when either binary is missing. */
    public static void assumeInstalled() {
        assumeThat(prometheus()).as("prometheus on the PATH (Debian package prometheus)").isPresent();
        assumeThat(promtool()).as("promtool on the PATH (Debian package prometheus)").isPresent();
    }

    public static Optional<Path> prometheus() {
        return onPath("prometheus");
    }

    public static Optional<Path> promtool() {
        return onPath("promtool");
    }

    static Optional<Path> onPath(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** {@code promtool check metrics}, the exposition text on its standard input. */
    public static Result checkMetrics(String exposition) {
        return promtool(exposition, "check", "metrics");
    }

    /** {@code promtool check rules FILE}. */
    public static Result checkRules(Path rulesFile) {
        return promtool(null, "check", "rules", rulesFile.toString());
    }

    /** {@code promtool check config FILE}. */
    public static Result checkConfig(Path configFile) {
        return promtool(null, "check", "config", configFile.toString());
    }

    private static Result promtool(String stdin, String... args) {
        Path binary = promtool().orElseThrow(() -> new IllegalStateException("promtool is not on the PATH"));
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            // promtool reads all of stdin before it writes, so writing first cannot deadlock.
            try (var in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("promtool " + String.join(" ", args) + " did not finish");
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
