package io.qgate.bench.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap of another JVM: {@code jcmd PID GC.heap_info} where the JDK has jcmd, and the
 * unified GC log ({@code -Xlog:gc}) the process writes, which needs nothing installed.
 */
public final class HeapProbe {

    private static final Pattern HEAP_INFO = Pattern.compile("heap\\s+total (\\d+)K, used (\\d+)K");
    private static final Pattern GC_LINE = Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

    private HeapProbe() {}

    /** The option that makes a JVM log every collection, with heap before, after and committed. */
    public static String gcLogOption(Path log) {
        return "-Xlog:gc:file=" + log.toAbsolutePath();
    }

    /** Used heap bytes now, or -1 without jcmd. */
    public static long used(long pid) {
        String output = jcmd(pid, "GC.heap_info");
        Matcher matcher = HEAP_INFO.matcher(output);
        return matcher.find() ? Long.parseLong(matcher.group(2)) * 1024 : -1;
    }

    /** Used heap bytes right after a full collection, or -1 without jcmd. */
    public static long liveAfterFullGc(long pid) {
        if (jcmd(pid, "GC.run").isEmpty()) {
            return -1;
        }
        return used(pid);
    }

    /** The first {@code lines} rows of the live objects' class histogram (a full GC first), or none without jcmd. */
    public static List<String> classHistogram(long pid, int lines) {
        return jcmd(pid, "GC.class_histogram").lines().filter(line -> line.matches("\\s*\\d+:.*"))
                .limit(lines).map(String::strip).toList();
    }

    /** The largest heap use before any collection in a GC log, bytes; -1 if it has none. */
    public static long peakFromGcLog(Path log) {
        try {
            if (!Files.exists(log)) {
                return -1;
            }
            long peak = -1;
            Matcher matcher = GC_LINE.matcher(Files.readString(log, StandardCharsets.UTF_8));
            while (matcher.find()) {
                peak = Math.max(peak, bytes(matcher.group(1), matcher.group(2)));
            }
            return peak;
        } catch (IOException e) {
            return -1;
        }
    }

    private static long bytes(String number, String unit) {
        long value = Long.parseLong(number);
        return switch (unit) {
            case "K" -> value << 10;
            case "M" -> value << 20;
            default -> value << 30;
        };
    }

    private static String jcmd(long pid, String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return "";
        }
        try {
            Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
                    .redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "";
            }
            return process.exitValue() == 0 ? output : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
