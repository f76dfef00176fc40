package io.qgate.discovery.file;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Calls {@code onWake} on one daemon thread whenever the directory of a file reports an event,
 * and at least once per poll interval whatever happens.
 *
 * <p>The directory is watched, not the file: a rename-over replaces the file's inode, and a
 * ConfigMap volume swaps the {@code ..data} symlink beside it, so a watch on the file itself would
 * go on watching the old one. The poll is the fallback for what a watch misses: a file system
 * without notifications (NFS, some container mounts), a path behind a symlink into another
 * directory, a directory that does not exist yet. {@code onWake} therefore compares what it reads
 * with what it read last, and a wake with nothing changed costs one read of a small file.
 */
final class FileChanges implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FileChanges.class);

    /**
     * How long to wait after an event for the rest of its burst, so that a file written in place
     * (truncate, then write) is read once, when the writer is done, rather than half-written.
     */
    private static final long SETTLE_MILLIS = 25;

    private final Path directory;
    private final long pollMillis;
    private final Runnable onWake;
    private final Thread thread;
    /** Null when the directory cannot be watched; then only the poll wakes. */
    private volatile WatchService watcher;
    private volatile boolean closed;

    /**
     * @param watch whether to watch the directory (false: poll only, as on a file system without
     *              notifications; tests use it to prove the fallback)
     */
    FileChanges(Path file, Duration pollInterval, boolean watch, Runnable onWake) {
        this.directory = requireNonNull(file, "file").toAbsolutePath().getParent();
        this.pollMillis = requireNonNull(pollInterval, "pollInterval").toMillis();
        if (pollMillis < 1) {
            throw new IllegalArgumentException("pollInterval: " + pollInterval + " (expected: >= 1ms)");
        }
        this.onWake = requireNonNull(onWake, "onWake");
        this.watcher = watch ? watch(directory) : null;
        this.thread = new Thread(this::run, "qgate-discovery-file");
        thread.setDaemon(true);
    }

    private static WatchService watch(Path directory) {
        WatchService service = null;
        try {
            service = FileSystems.getDefault().newWatchService();
            directory.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
            return service;
        } catch (IOException | UnsupportedOperationException e) {
            log.info("cannot watch directory {} ({}); polling it only", directory, e.toString());
            closeQuietly(service);
            return null;
        }
    }

    /** Whether directory events wake the thread (else only the poll does). */
    boolean watching() {
        return watcher != null;
    }

    void start() {
        thread.start();
    }

    private void run() {
        try {
            while (!closed) {
                waitForChange();
                if (closed) {
                    return;
                }
                try {
                    onWake.run();
                } catch (RuntimeException e) {
                    // The thread is the only one that follows the file: it must outlive any one read.
                    log.warn("reading the replicas file failed; retrying on the next change or poll", e);
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // close() ends the thread this way.
        }
    }

    /** Returns after an event in the directory (and its burst) or after one poll interval. */
    private void waitForChange() throws InterruptedException {
        WatchService service = watcher;
        if (service == null) {
            Thread.sleep(pollMillis);
            return;
        }
        WatchKey key = service.poll(pollMillis, TimeUnit.MILLISECONDS);
        if (key == null) {
            return;
        }
        Thread.sleep(SETTLE_MILLIS);
        for (; key != null; key = service.poll()) {
            key.pollEvents();
            if (!key.reset()) {
                // The directory itself went away; the poll finds the file if it comes back.
                log.info("directory {} is no longer watchable; polling it only", directory);
                watcher = null;
                closeQuietly(service);
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(watcher);
        thread.interrupt();
    }

    private static void closeQuietly(WatchService service) {
        if (service != null) {
            try {
                service.close();
            } catch (IOException e) {
                // Nothing more to release.
            }
        }
    }
}
