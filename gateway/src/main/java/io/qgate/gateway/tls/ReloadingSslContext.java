package io.qgate.gateway.tls;

import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.qgate.gateway.config.Option;
import io.qgate.routing.config.Units;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The server TLS context of the client listener, built from a PEM certificate chain and key and
 * rebuilt when the files change, so that a renewed certificate (cert-manager, OpenShift's
 * service CA) is served without a restart.
 *
 * <p>Every {@code interval} a timer on an event loop reads both files and compares a SHA-256 of
 * their content with what it saw last (content, not modification times: Kubernetes swaps a
 * Secret volume's files through a symbolic link, and a rewrite can keep the size and the
 * second). New content is loaded into a new context that new connections get; open connections
 * keep the one they were made with. New files that cannot be read, parsed or do not match leave
 * the old certificate serving, and say so in one log line until they change again.
 *
 * <p>The context uses the JDK's TLS (no OpenSSL native library is shipped) and offers only
 * HTTP/1.1 by ALPN.
 */
public final class ReloadingSslContext {

    private static final Logger log = LoggerFactory.getLogger(ReloadingSslContext.class);

    /** A PEM file larger than this is a wrong path, not a certificate. */
    private static final long MAX_FILE_SIZE = 1 << 20;

    private static final ApplicationProtocolConfig HTTP_1_1_ONLY = new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_1_1);

    /** What is being served, and the digest of the files it came from. */
    private record Loaded(SslContext context, PemCredentials credentials, byte[] digest) {}

    private final Path certFile;
    private final Path keyFile;
    private volatile Loaded current;
    // Touched by the timer's event loop only.
    private byte[] lastSeen;
    private volatile String problem;
    private volatile long checks;
    private ScheduledFuture<?> timer;

    private ReloadingSslContext(Path certFile, Path keyFile, Loaded first) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.current = first;
        this.lastSeen = first.digest();
    }

    /**
     * Loads the files once; throws {@link IllegalArgumentException} naming the file and the
     * reason when they cannot serve, so that the gateway does not start with a broken listener.
     */
    public static ReloadingSslContext load(Path certFile, Path keyFile) {
        try {
            Loaded first = build(read(certFile, keyFile), certFile, keyFile);
            log.info("TLS on the client listener: {} (from {} and {})", describe(first.credentials()), certFile,
                    keyFile);
            return new ReloadingSslContext(certFile, keyFile, first);
        } catch (FilesProblem e) {
            throw new IllegalArgumentException("TLS (" + Option.TLS_CERT.key() + ", " + Option.TLS_KEY.key() + "): "
                    + e.getMessage(), e);
        }
    }

    /** Checks the files every {@code interval} on {@code executor} until {@link #close()}. */
    public synchronized void watch(EventExecutor executor, Duration interval) {
        if (timer == null) {
            long nanos = interval.toNanos();
            timer = executor.scheduleWithFixedDelay(this::check, nanos, nanos, TimeUnit.NANOSECONDS);
            log.info("TLS certificate files are checked for changes every {}", Units.format(interval));
        }
    }

    /** A handler for a new connection, made with the certificate being served now. */
    public ChannelHandler newHandler() {
        return new HttpsOnlyHandler(current.context());
    }

    /** The server's own certificate being served now. */
    public X509Certificate certificate() {
        return current.credentials().certificate();
    }

    /** Why the files seen last were not loaded, or {@code null} when they are what is served. */
    public String problem() {
        return problem;
    }

    /** How many times the files have been checked since the start. */
    public long checks() {
        return checks;
    }

    public synchronized void close() {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** One look at the files. Never throws: the timer must survive anything. */
    void check() {
        try {
            Contents contents;
            try {
                contents = read(certFile, keyFile);
            } catch (FilesProblem e) {
                report(e.getMessage());
                lastSeen = null;
                return;
            }
            if (Arrays.equals(contents.digest(), lastSeen)) {
                return;
            }
            lastSeen = contents.digest();
            Loaded serving = current;
            if (Arrays.equals(contents.digest(), serving.digest())) {
                if (problem != null) {
                    problem = null;
                    log.info("TLS certificate files are back to what is served: {}", describe(serving.credentials()));
                }
                return;
            }
            try {
                Loaded next = build(contents, certFile, keyFile);
                current = next;
                problem = null;
                log.info("TLS certificate reloaded: {} (was {})", describe(next.credentials()),
                        serving.credentials().certificate().getSubjectX500Principal().getName());
            } catch (FilesProblem e) {
                report(e.getMessage());
            }
        } catch (RuntimeException e) {
            report("unexpected " + e);
        } finally {
            checks++;
        }
    }

    private void report(String reason) {
        if (!reason.equals(problem)) {
            problem = reason;
            log.warn("TLS certificate not reloaded, still serving {}: {}",
                    describe(current.credentials()), reason);
        }
    }

    // ----- reading and building -----

    private record Contents(byte[] cert, byte[] key, byte[] digest) {}

    /** A reason the files cannot be used, already phrased for the log. */
    private static final class FilesProblem extends Exception {
        private static final long serialVersionUID = 1L;

        FilesProblem(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static Contents read(Path certFile, Path keyFile) throws FilesProblem {
        byte[] cert = readFile(certFile);
        byte[] key = readFile(keyFile);
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(cert);
            sha.update((byte) 0);
            sha.update(key);
            return new Contents(cert, key, sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static byte[] readFile(Path file) throws FilesProblem {
        try {
            if (Files.size(file) > MAX_FILE_SIZE) {
                throw new FilesProblem(file + ": larger than 1 MiB, not a PEM file", null);
            }
            return Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new FilesProblem(file + ": no such file", e);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new FilesProblem(file + ": permission denied", e);
        } catch (IOException e) {
            throw new FilesProblem(file + ": cannot be read (" + e + ")", e);
        }
    }

    private static Loaded build(Contents contents, Path certFile, Path keyFile) throws FilesProblem {
        PemCredentials credentials;
        try {
            credentials = PemCredentials.parse(contents.cert(), certFile.toString(), contents.key(),
                    keyFile.toString());
        } catch (PemCredentials.InvalidPemException e) {
            throw new FilesProblem(e.getMessage(), e);
        }
        try {
            SslContext context = SslContextBuilder.forServer(credentials.key(), credentials.chain())
                    .sslProvider(SslProvider.JDK)
                    .applicationProtocolConfig(HTTP_1_1_ONLY)
                    .build();
            return new Loaded(context, credentials, contents.digest());
        } catch (SSLException | IllegalArgumentException e) {
            throw new FilesProblem("the JDK refused the certificate and key (" + e.getMessage() + ")", e);
        }
    }

    private static String describe(PemCredentials credentials) {
        X509Certificate certificate = credentials.certificate();
        Instant notAfter = certificate.getNotAfter().toInstant();
        return certificate.getSubjectX500Principal().getName() + ", " + credentials.key().getAlgorithm() + " key, "
                + credentials.chain().size() + " certificate(s), valid until " + notAfter
                + (notAfter.isBefore(Instant.now()) ? " (EXPIRED)" : "");
    }
}
