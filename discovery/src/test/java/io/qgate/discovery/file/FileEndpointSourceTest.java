package io.qgate.discovery.file;

import io.qgate.routing.Endpoint;
import io.qgate.routing.EndpointSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The source on real files in a temporary directory. Most tests poll rarely (a minute), so a
 * change seen within seconds was seen by the directory watch; the poll fallback has its own test.
 */
class FileEndpointSourceTest {

    private static final Duration RARELY = Duration.ofMinutes(1);
    private static final Duration SOON = Duration.ofSeconds(5);

    @TempDir
    Path directory;

    private final List<EndpointSnapshot> published = new CopyOnWriteArrayList<>();
    private FileEndpointSource source;

    @AfterEach
    void close() {
        if (source != null) {
            source.close();
        }
    }

    private FileEndpointSource start(Path file, Duration pollInterval, boolean watch) {
        source = new FileEndpointSource(file, pollInterval, watch, System::nanoTime);
        source.start(published::add);
        return source;
    }

    private List<String> last() {
        return published.get(published.size() - 1).endpoints().stream().map(Endpoint::toString).toList();
    }

    /** Writes the way editors and config tools do: a temporary file renamed over the old one. */
    private static void replace(Path file, String content) throws IOException {
        Path temporary = Files.writeString(file.resolveSibling(file.getFileName() + ".tmp"), content);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void theFirstSnapshotIsThereWhenStartReturns() throws IOException {
        Path file = Files.writeString(directory.resolve("replicas"), "http://10.0.0.1:8000\n");

        start(file, RARELY, true);

        assertThat(published).hasSize(1);
        assertThat(last()).containsExactly("10.0.0.1:8000");
        assertThat(source.synced()).isTrue();
        assertThat(source.watching()).isTrue();
        assertThat(source.describe()).isEqualTo("file " + file);
    }

    @Test
    void anAddedReplicaIsSeen() throws IOException {
        Path file = Files.writeString(directory.resolve("replicas"), "http://10.0.0.1:8000\n");
        start(file, RARELY, true);

        Files.writeString(file, "http://10.0.0.1:8000\nhttp://10.0.0.2:8000\n");

        await().atMost(SOON).until(() -> last().size() == 2);
        assertThat(last()).containsExactly("10.0.0.1:8000", "10.0.0.2:8000");
    }

    @Test
    void aRemovedReplicaIsSeen() throws IOException {
        Path file = Files.writeString(directory.resolve("replicas"), "http://10.0.0.1:8000\nhttp://10.0.0.2:8000\n");
        start(file, RARELY, true);

        replace(file, "http://10.0.0.2:8000\n");

        await().atMost(SOON).until(() -> last().size() == 1);
        assertThat(last()).containsExactly("10.0.0.2:8000");
    }

    @Test
    void aReplicaMarkedNotReadyStaysKnownButTakesNoRequests() throws IOException {
        Path file = Files.writeString(directory.resolve("replicas"), "http://10.0.0.1:8000\nhttp://10.0.0.2:8000\n");
        start(file, RARELY, true);

        replace(file, "http://10.0.0.1:8000 ready=false\nhttp://10.0.0.2:8000\n");

        await().atMost(SOON).until(() -> published.size() == 2);
        EndpointSnapshot snapshot = published.get(1);
        assertThat(snapshot.endpoints()).hasSize(2);
        assertThat(snapshot.accepting()).containsExactly(Endpoint.of("10.0.0.2", 8000));
    }

    @Test
    void aBrokenFileKeepsTheLastGoodListUntilItIsFixed() throws IOException {
        Path file = Files.writeString(directory.resolve("replicas"), "http://10.0.0.1:8000\n");
        start(file, Duration.ofMillis(50), true);

        replace(file, "http://10.0.0.1:8000\nhttp://10.0.0.2:8000 weight=2\n");

        await().atMost(SOON).until(() -> !source.watching());
        assertThat(published).hasSize(1);
        assertThat(source.synced()).isTrue();

        replace(file, "http://10.0.0.1:8000\nhttp://10.0.0.2:8000\n");

        await().atMost(SOON).until(() -> published.size() == 2);
        assertThat(last()).containsExactly("10.0.0.1:8000", "10.0.0.2:8000");
        assertThat(source.watching()).isTrue();
    }

    @Test
    void aFileThatGoesAwayKeepsTheLastGoodListAndItsReturnIsNoChange() throws IOException {
        Path file = Files.writeString(directory.resolve("replicas"), "http://10.0.0.1:8000\n");
        start(file, Duration.ofMillis(50), true);

        Files.delete(file);
        await().atMost(SOON).until(() -> !source.watching());
        replace(file, "http://10.0.0.1:8000\n");
        await().atMost(SOON).until(source::watching);

        assertThat(published).hasSize(1);
    }

    @Test
    void aRenameOverIsSeen() throws IOException {
        Path file = Files.writeString(directory.resolve("replicas"), "http://10.0.0.1:8000\n");
        start(file, RARELY, true);

        replace(file, "http://10.0.0.3:8000\n");

        await().atMost(SOON).until(() -> last().equals(List.of("10.0.0.3:8000")));
        // The watch is on the directory, so the next rename-over is seen too.
        replace(file, "http://10.0.0.4:8000\n");
        await().atMost(SOON).until(() -> last().equals(List.of("10.0.0.4:8000")));
    }

    /** A ConfigMap volume: replicas → ..data/replicas, and an update renames a new ..data symlink over the old. */
    @Test
    void aConfigMapSymlinkSwapIsSeen() throws IOException {
        Files.writeString(Files.createDirectory(directory.resolve("..2026_12_06_a")).resolve("replicas"),
                "http://10.0.0.1:8000\n");
        Files.createSymbolicLink(directory.resolve("..data"), Path.of("..2026_12_06_a"));
        Path file = Files.createSymbolicLink(directory.resolve("replicas"), Path.of("..data", "replicas"));
        start(file, RARELY, true);

        Files.writeString(Files.createDirectory(directory.resolve("..2026_12_06_b")).resolve("replicas"),
                "http://10.0.0.1:8000\nhttp://10.0.0.2:8000\n");
        Path link = Files.createSymbolicLink(directory.resolve("..data_tmp"), Path.of("..2026_12_06_b"));
        Files.move(link, directory.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);

        await().atMost(SOON).until(() -> last().size() == 2);
    }

    /** Reads are driven by hand here (no watch, a poll a minute away), so each step is seen alone. */
    @Test
    void contentThatListsTheSameReplicasPublishesNothing() throws IOException {
        Path file = Files.writeString(directory.resolve("replicas"), "http://10.0.0.1:8000\n");
        start(file, RARELY, false);

        replace(file, "# the same replica, now with a comment\n10.0.0.1:8000\n");
        source.reload();
        source.reload();
        assertThat(published).hasSize(1);

        replace(file, "http://10.0.0.1:8000\nhttp://10.0.0.9:8000\n");
        source.reload();
        assertThat(published).hasSize(2);
        assertThat(last()).containsExactly("10.0.0.1:8000", "10.0.0.9:8000");
    }

    @Test
    void aMissingFileAtStartGivesNoReplicasAndIsFollowedWhenItAppears() throws IOException {
        Path file = directory.resolve("replicas");
        start(file, RARELY, true);

        assertThat(published).containsExactly(EndpointSnapshot.empty());
        assertThat(source.synced()).isTrue();
        assertThat(source.watching()).isFalse();

        replace(file, "http://10.0.0.1:8000\n");

        await().atMost(SOON).until(() -> published.size() == 2);
        assertThat(last()).containsExactly("10.0.0.1:8000");
        assertThat(source.watching()).isTrue();
    }

    @Test
    void withoutAWatchThePollFindsTheChange() throws IOException {
        Path file = Files.writeString(directory.resolve("replicas"), "http://10.0.0.1:8000\n");
        start(file, Duration.ofMillis(50), false);

        Files.writeString(file, "http://10.0.0.2:8000\n");

        await().atMost(SOON).until(() -> last().equals(List.of("10.0.0.2:8000")));
    }

    @Test
    void aDirectoryThatDoesNotExistYetIsPolled() throws IOException {
        Path file = directory.resolve("later").resolve("replicas");
        start(file, Duration.ofMillis(50), true);

        Files.createDirectory(file.getParent());
        replace(file, "http://10.0.0.1:8000\n");

        await().atMost(SOON).until(() -> published.size() == 2);
        assertThat(last()).containsExactly("10.0.0.1:8000");
    }

    @Test
    void theLastEventAgeIsReadOnTheInjectedClock() throws IOException {
        AtomicLong now = new AtomicLong(1_000);
        Path file = Files.writeString(directory.resolve("replicas"), "http://10.0.0.1:8000\n");
        source = new FileEndpointSource(file, RARELY, false, now::get);
        now.set(5_000);
        source.start(published::add);

        now.set(12_000);

        assertThat(source.lastEventAgeNanos()).isEqualTo(7_000);
    }
}
