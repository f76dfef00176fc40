package io.qgate.bench.harness;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A process this benchmark started: its output goes to a log file, and it is always stopped —
 * by {@link #close()}, or by a shutdown hook if the benchmark itself is interrupted — together
 * with every process it started in turn (nginx's workers).
 */
public final class ChildProcess implements AutoCloseable {

    private static final Set<ChildProcess> RUNNING = ConcurrentHashMap.newKeySet();
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(RUNNING).forEach(ChildProcess::close),
                "qgate-suite-children"));
    }

    private final String name;
    private final Process process;
    private final Path log;
    private final Duration stopGrace;

    private ChildProcess(String name, Process process, Path log, Duration stopGrace) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.stopGrace = stopGrace;
    }

    /**
     * Starts {@code command}, on {@code cpus} when given (through {@code taskset}, which execs the
     * command, so the pid is the command's own).
     */
    public static ChildProcess start(String name, List<String> command, Cpus cpus, Path log) {
        return start(name, command, cpus, log, STOP_GRACE);
    }

    /** As {@link #start(String, List, Cpus, Path)}; {@link #close()} waits {@code stopGrace} after SIGTERM. */
    public static ChildProcess start(String name, List<String> command, Cpus cpus, Path log, Duration stopGrace) {
        requireNonNull(name, "name");
        List<String> full = new ArrayList<>(cpus.prefix());
        full.addAll(command);
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            Process process = new ProcessBuilder(full)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            ChildProcess child = new ChildProcess(name, process, log, stopGrace);
            RUNNING.add(child);
            return child;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", full), e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** The log so far (its output and errors). */
    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Waits until the log holds a line {@code ready} accepts; fails if the process exits first. */
    public List<String> awaitLine(Predicate<String> ready, Duration timeout) {
        awaitCondition(() -> output().lines().anyMatch(ready), timeout, "its ready line");
        return output().lines().toList();
    }

    /** Waits until {@code condition} holds; fails if the process exits or time runs out first. */
    public void awaitCondition(java.util.function.BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited (status " + process.exitValue() + ") before "
                        + what + "; log " + log + ":\n" + tail(output()));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + ": no " + what + " after " + timeout.toMillis() + " ms; log "
                        + log + ":\n" + tail(output()));
            }
            Sleep.millis(20);
        }
    }

    /** Waits for the process to exit by itself; returns its status, or fails after {@code timeout}. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " still running after " + timeout.toMillis() + " ms; log "
                        + log + ":\n" + tail(output()));
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name, e);
        }
    }

    /** CPU seconds this process and its descendants have used so far (from /proc; 0 where there is none). */
    public double cpuSeconds() {
        double total = ProcStat.cpuSeconds(process.pid());
        for (ProcessHandle child : process.descendants().toList()) {
            total += ProcStat.cpuSeconds(child.pid());
        }
        return total;
    }

    /** Resident memory of this process and its descendants, bytes (from /proc; 0 where there is none). */
    public long rssBytes() {
        long total = ProcStat.rssBytes(process.pid());
        for (ProcessHandle child : process.descendants().toList()) {
            total += ProcStat.rssBytes(child.pid());
        }
        return total;
    }

    /** SIGKILL, as a node failure or the OOM killer would: no drain, no shutdown hook; returns once it is gone. */
    public void killNow() {
        RUNNING.remove(this);
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(stopGrace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM to the process and its descendants; SIGKILL to whatever is left after a grace period. */
    @Override
    public void close() {
        RUNNING.remove(this);
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(stopGrace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(stopGrace.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static String tail(String text) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }
}
