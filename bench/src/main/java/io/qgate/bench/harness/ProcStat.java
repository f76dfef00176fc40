package io.qgate.bench.harness;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/** What Linux's /proc says about a process; zeros where /proc is missing or the process is gone. */
public final class ProcStat {

    /** USER_HZ: the unit of utime and stime in /proc/PID/stat, 100 on every Linux port in use. */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcStat() {}

    /** User plus system CPU seconds of one process (not its children). */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) may hold spaces; the fields after its closing ')' are fixed.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * CPU seconds of this JVM and every process it started, living or ended: its own time, its
     * live descendants' time, and what {@code cutime}/{@code cstime} hold of the children it has
     * already reaped (wrk, load generators).
     */
    public static double ownTreeCpuSeconds() {
        double total = withChildren(ProcessHandle.current().pid());
        for (ProcessHandle child : ProcessHandle.current().descendants().toList()) {
            total += withChildren(child.pid());
        }
        return total;
    }

    /**
     * CPU seconds the whole machine spent in processes (user, nice and system time, every core).
     * Interrupt and softirq time are left out, as they are from the processes' own counters: much of
     * the loopback traffic's work is done in softirq, and it would count as someone else's.
     */
    public static double machineBusySeconds() {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            return (Long.parseLong(fields[1]) + Long.parseLong(fields[2]) + Long.parseLong(fields[3]))
                    / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** A process's own CPU time plus that of its reaped children. */
    private static double withChildren(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12]) + Long.parseLong(fields[13])
                    + Long.parseLong(fields[14])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** VmRSS of one process, bytes. */
    public static long rssBytes(long pid) {
        return statusField(pid, "VmRSS:") * 1024;
    }

    /** Threads of one process now (0 where it cannot be read). */
    public static int threads(long pid) {
        return (int) statusField(pid, "Threads:");
    }

    /** Open file descriptors of one process now (-1 where they cannot be listed). */
    public static int openFiles(long pid) {
        String[] fds = new java.io.File("/proc/" + pid + "/fd").list();
        return fds == null ? -1 : fds.length;
    }

    /** The number in one line of {@code /proc/PID/status}, or 0. */
    private static long statusField(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The 1-minute load average, or -1 where it cannot be read. */
    public static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Waits, within bounds, for the 1-minute load average to fall below {@code maxLoad}; returns at
     * once for {@code maxLoad <= 0}. After {@code maxWait} it goes on regardless: the load average
     * is recorded beside every result.
     */
    public static void awaitQuiet(double maxLoad, Duration maxWait, PrintStream progress) {
        if (maxLoad <= 0) {
            return;
        }
        long deadline = System.nanoTime() + maxWait.toNanos();
        long lastPrint = 0;
        while (loadAverage() >= maxLoad && System.nanoTime() < deadline) {
            if (System.nanoTime() - lastPrint > 60_000_000_000L) {
                lastPrint = System.nanoTime();
                progress.printf(Locale.ROOT, "waiting for the load average (%.2f) to fall below %.2f%n", loadAverage(),
                        maxLoad);
            }
            Sleep.millis(5_000);
        }
        if (loadAverage() >= maxLoad) {
            progress.printf(Locale.ROOT, "load average still %.2f after %s: running anyway (it is recorded)%n",
                    loadAverage(), maxWait);
        }
    }
}
