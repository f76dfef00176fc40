package io.qgate.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * A real browser for the tests of pages the gateway serves: Debian's {@code chromium}, run
 * headless from the command line (no driver, no Maven dependency). {@code --virtual-time-budget}
 * lets the page's timers run that many milliseconds of virtual time, waiting for each fetch, so
 * a page that refreshes every second has refreshed a few times when the DOM is dumped.
 *
 * <p>Each run has a profile folder of its own, deleted afterwards, and is killed (with whatever
 * it started) if it outlives its timeout.
 */
public final class HeadlessChromium {

    private static final long TIMEOUT_SECONDS = 120;

    private final Path binary;

    private HeadlessChromium(Path binary) {
        this.binary = binary;
    }

    /** The browser on the PATH; skips the calling test, saying what to install, when there is none. */
    public static HeadlessChromium assumeInstalled() {
        Optional<Path> binary = onPath("chromium").or(() -> onPath("chromium-browser"));
        assumeThat(binary).as("chromium on the PATH (Debian package chromium)").isPresent();
        return new HeadlessChromium(binary.orElseThrow());
    }

    /** The DOM of {@code url} after {@code virtualMillis} of the page's time, serialized. */
    public String dumpDom(String url, long virtualMillis) {
        return run(List.of("--virtual-time-budget=" + virtualMillis, "--dump-dom", url));
    }

    /** A PNG of {@code url} after {@code virtualMillis} of the page's time, in a window of that size. */
    public void screenshot(String url, long virtualMillis, Path png, int width, int height) {
        run(List.of("--virtual-time-budget=" + virtualMillis, "--window-size=" + width + "," + height,
                "--hide-scrollbars", "--screenshot=" + png.toAbsolutePath(), url));
        if (!Files.isRegularFile(png)) {
            throw new AssertionError("chromium wrote no screenshot to " + png);
        }
    }

    private String run(List<String> args) {
        Path profile = null;
        Path log = null;
        Path out = null;
        try {
            profile = Files.createTempDirectory("qgate-chromium");
            log = Files.createTempFile("qgate-chromium", ".log");
            // To files, not pipes: a pipe read here would block past the timeout if chromium hung.
            out = Files.createTempFile("qgate-chromium", ".out");
            List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless",
                    // Root in a container has no user namespace for the sandbox; the page is our own.
                    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-extensions", "--no-first-run", "--no-default-browser-check", "--mute-audio",
                    "--user-data-dir=" + profile));
            command.addAll(args);
            Process process = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError("chromium did not finish in " + TIMEOUT_SECONDS + " s: " + command);
            }
            if (process.exitValue() != 0) {
                throw new AssertionError("chromium exited with " + process.exitValue() + ": " + command + "\n"
                        + tail(log));
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while chromium ran", e);
        } finally {
            delete(profile);
            delete(log);
            delete(out);
        }
    }

    private static String tail(Path log) throws IOException {
        String text = Files.readString(log, StandardCharsets.UTF_8);
        return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
    }

    private static void delete(Path path) {
        if (path == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A profile left in /tmp is no reason to fail a test.
        }
    }

    private static Optional<Path> onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = dir.isEmpty() ? null : Path.of(dir, name);
            if (candidate != null && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
