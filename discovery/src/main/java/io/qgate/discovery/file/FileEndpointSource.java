package io.qgate.discovery.file;

import io.qgate.discovery.EndpointSource;
import io.qgate.routing.EndpointSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * The replicas listed in a file ({@link ReplicaFileFormat}), for VMs, clusters without the
 * Kubernetes API in reach, and tests; reloaded within about a second of a change.
 *
 * <p>The file is read at {@link #start} (so the first snapshot arrives before it returns) and
 * again whenever its directory reports an event or a poll interval passes ({@link FileChanges}).
 * A read whose bytes equal the last read's is dropped at once; a new content is parsed whole and
 * published only when the replicas differ, so an edited comment publishes nothing.
 *
 * <p>What is not a good list never replaces one: a file that does not parse, cannot be read, is
 * too large or has gone is logged once (until its content changes) and the last good replicas stay
 * in use, with {@link #watching()} false. A file missing or broken at start gives no replicas (the
 * gateway is not ready) rather than a failed start, as an empty list does for a fleet scaled to
 * zero; the log says so.
 */
public final class FileEndpointSource implements EndpointSource {

    private static final Logger log = LoggerFactory.getLogger(FileEndpointSource.class);

    static final Duration POLL_INTERVAL = Duration.ofSeconds(1);
    /** A list of replicas is a few kilobytes; a larger file is a wrong path, not a fleet. */
    static final int MAX_BYTES = 1024 * 1024;

    private final Path file;
    private final Duration pollInterval;
    private final boolean watch;
    private final LongSupplier clock;
    private final long startNanos;

    private volatile Consumer<EndpointSnapshot> listener;
    private volatile FileChanges changes;
    private volatile EndpointSnapshot published;
    private volatile boolean healthy;
    private volatile long lastEventNanos;
    private volatile boolean closed;
    /** The bytes last read, null when the file could not be read; only the reading thread uses it. */
    private byte[] lastContent;
    /** The problem last logged, null when the file was last good; only the reading thread uses it. */
    private String lastProblem;

    /** A source that follows {@code file}: its directory watched, the file polled every second. */
    public static FileEndpointSource create(Path file) {
        return new FileEndpointSource(file, POLL_INTERVAL, true, System::nanoTime);
    }

    /**
     * @param watch whether to watch the directory as well as poll (false: poll only)
     * @param clock nanoseconds, as {@link System#nanoTime}, for {@link #lastEventAgeNanos()}
     */
    FileEndpointSource(Path file, Duration pollInterval, boolean watch, LongSupplier clock) {
        this.file = requireNonNull(file, "file");
        this.pollInterval = requireNonNull(pollInterval, "pollInterval");
        this.watch = watch;
        this.clock = requireNonNull(clock, "clock");
        this.startNanos = clock.getAsLong();
        this.lastEventNanos = startNanos;
    }

    @Override
    public void start(Consumer<EndpointSnapshot> newListener) {
        this.listener = requireNonNull(newListener, "listener");
        FileChanges started = new FileChanges(file, pollInterval, watch, this::reload);
        changes = started;
        log.info("following replicas file {} ({}read every {} ms)", file,
                started.watching() ? "its directory watched, " : "", pollInterval.toMillis());
        // Read before the thread starts: the first snapshot is there when start returns, and
        // the thread sees this read's state (Thread.start orders it).
        reload();
        started.start();
    }

    /** Reads the file and publishes its replicas if they changed; one thread at a time. */
    void reload() {
        byte[] content;
        try {
            if (Files.size(file) > MAX_BYTES) {
                lastContent = null;
                problem("is larger than " + MAX_BYTES + " bytes (expected: a list of replicas)");
                return;
            }
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            // Unreadable now: whatever is read next is news, even the content last read.
            lastContent = null;
            problem("does not exist");
            return;
        } catch (IOException e) {
            lastContent = null;
            problem("cannot be read (" + e + ")");
            return;
        }
        if (Arrays.equals(content, lastContent)) {
            return;
        }
        lastContent = content;
        EndpointSnapshot snapshot;
        try {
            snapshot = EndpointSnapshot.of(ReplicaFileFormat.parse(new String(content, StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException e) {
            problem("is not valid: " + e.getMessage());
            return;
        }
        if (lastProblem != null) {
            log.info("replicas file {} is good again", file);
            lastProblem = null;
        }
        healthy = true;
        publish(snapshot);
    }

    /** Logs a problem once until it changes; keeps the last good replicas (none at start). */
    private void problem(String problem) {
        healthy = false;
        if (!problem.equals(lastProblem)) {
            lastProblem = problem;
            if (published == null) {
                log.warn("replicas file {} {}; starting with no replicas until it is good", file, problem);
            } else {
                log.warn("replicas file {} {}; keeping the {} replicas last read", file, problem,
                        published.endpoints().size());
            }
        }
        if (published == null) {
            publish(EndpointSnapshot.empty());
        }
    }

    private void publish(EndpointSnapshot snapshot) {
        // close() does not wait for a read in progress; its result must not reach a stopped gateway.
        if (closed || snapshot.equals(published)) {
            return;
        }
        published = snapshot;
        lastEventNanos = clock.getAsLong();
        listener.accept(snapshot);
    }

    /** True from the first read on, even when it found nothing: readiness then waits for a replica. */
    @Override
    public boolean synced() {
        return published != null;
    }

    /** False while the file is missing, unreadable or broken: the replicas in use may be out of date. */
    @Override
    public boolean watching() {
        return published != null && healthy;
    }

    @Override
    public long lastEventAgeNanos() {
        return clock.getAsLong() - lastEventNanos;
    }

    @Override
    public String describe() {
        return "file " + file;
    }

    @Override
    public void close() {
        closed = true;
        FileChanges current = changes;
        if (current != null) {
            current.close();
        }
    }
}
