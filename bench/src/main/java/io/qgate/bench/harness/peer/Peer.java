package io.qgate.bench.harness.peer;

import io.qgate.bench.harness.ChildProcess;
import io.qgate.bench.harness.Cpus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A proxy qgate is compared with, run from the Debian package's binary with a configuration
 * generated into a directory of its own.
 */
public enum Peer {
    NGINX("nginx", NginxConfig::render, "nginx.conf"),
    HAPROXY("haproxy", HaproxyConfig::render, "haproxy.cfg");

    private static final List<String> SEARCHED = List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final String binaryName;
    private final Function<PeerConfig, String> renderer;
    private final String fileName;

    Peer(String binaryName, Function<PeerConfig, String> renderer, String fileName) {
        this.binaryName = binaryName;
        this.renderer = renderer;
        this.fileName = fileName;
    }

    /** The name used in reports: {@code nginx}, {@code haproxy}. */
    public String id() {
        return binaryName;
    }

    /** The installed binary, from PATH or the usual system directories. */
    public Optional<Path> binary() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : (path + ":" + String.join(":", SEARCHED)).split(":")) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, binaryName);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** The configuration text for {@code config}. */
    public String render(PeerConfig config) {
        return renderer.apply(config);
    }

    /** Writes the configuration into {@code config.dir()} and returns its path. */
    public Path writeConfig(PeerConfig config) {
        try {
            Files.createDirectories(config.dir());
            Path file = config.dir().resolve(fileName);
            Files.writeString(file, render(config), StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the " + binaryName + " configuration", e);
        }
    }

    /**
     * Asks the binary itself whether the written configuration is valid ({@code nginx -t},
     * {@code haproxy -c}); returns its exit status and output.
     */
    public Validation validate(PeerConfig config) {
        Path file = writeConfig(config);
        Path binary = requireBinary();
        List<String> command = this == NGINX
                ? List.of(binary.toString(), "-t", "-c", file.toString(), "-p", config.dir().toAbsolutePath() + "/")
                : List.of(binary.toString(), "-c", "-f", file.toString());
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return new Validation(-1, output + "\n(timed out)");
            }
            return new Validation(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Writes the configuration, starts the proxy in the foreground and returns once its port accepts. */
    public ChildProcess start(PeerConfig config, Cpus cpus) {
        Path file = writeConfig(config);
        String binary = requireBinary().toString();
        List<String> command = this == NGINX
                ? List.of(binary, "-c", file.toString(), "-p", config.dir().toAbsolutePath() + "/")
                : List.of(binary, "-db", "-f", file.toString());
        ChildProcess child = ChildProcess.start(binaryName, command, cpus, config.dir().resolve("output.log"));
        try {
            child.awaitCondition(() -> accepts(config.port()), START_TIMEOUT, "listening port " + config.port());
            return child;
        } catch (RuntimeException e) {
            child.close();
            throw e;
        }
    }

    /** The binary's version line, such as {@code nginx version: nginx/1.22.1}. */
    public String version() {
        Path binary = requireBinary();
        try {
            Process process = new ProcessBuilder(binary.toString(), "-v").redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            String line = output.lines().findFirst().orElse(binaryName).trim();
            int link = line.indexOf(" - http");
            return link < 0 ? line : line.substring(0, link); // HAProxy appends its web site
        } catch (IOException e) {
            return binaryName;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return binaryName;
        }
    }

    private Path requireBinary() {
        return binary().orElseThrow(() -> new IllegalStateException(binaryName
                + " is not installed (Debian: apt-get install -y " + (this == NGINX ? "nginx-light" : "haproxy") + ")"));
    }

    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** What {@code nginx -t} or {@code haproxy -c} said. */
    public record Validation(int status, String output) {
        public boolean valid() {
            return status == 0;
        }
    }
}
