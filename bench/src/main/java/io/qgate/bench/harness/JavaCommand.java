package io.qgate.bench.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command lines for the Java processes of a benchmark: this JVM's java and this JVM's class path
 * (the bench jar, which holds the gateway too; the test class path under Maven).
 */
public final class JavaCommand {

    private JavaCommand() {}

    public static List<String> of(List<String> jvmOptions, String mainClass, List<String> args) {
        return java(jvmOptions, List.of("-cp", System.getProperty("java.class.path"), mainClass), args);
    }

    /** {@code java -jar jar}, as an operator runs a packaged jar. */
    public static List<String> jar(List<String> jvmOptions, Path jar, List<String> args) {
        return java(jvmOptions, List.of("-jar", jar.toString()), args);
    }

    private static List<String> java(List<String> jvmOptions, List<String> main, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(main);
        command.addAll(args);
        return command;
    }

    /** A {@code qgate-bench.jar} command ({@code stub}, {@code load}) in a JVM of its own. */
    public static List<String> bench(List<String> jvmOptions, String benchCommand, List<String> args) {
        List<String> all = new ArrayList<>();
        all.add(benchCommand);
        all.addAll(args);
        return of(jvmOptions, "io.qgate.bench.Main", all);
    }

    /**
     * A loopback port that was free a moment ago, for servers that must be told their port
     * (nginx, HAProxy, a gateway process). Another process could take it in between; on a
     * benchmark machine that is rare enough, and the server then fails to start and says so.
     */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
