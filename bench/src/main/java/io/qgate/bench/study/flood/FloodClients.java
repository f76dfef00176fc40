package io.qgate.bench.study.flood;

import io.qgate.bench.cli.Flags;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code flood-clients}: the attackers of the connection flood, in a process of their own (a
 * process here may hold 20,000 open files, and the gateway needs one per connection as well).
 * Idle connections connect and send nothing; slow ones send a request head one byte a second,
 * and open a new connection whenever the gateway closes one, so their number holds. One thread,
 * one selector. Prints {@link #CONNECTED} once every connection is open, then a JSON summary
 * into {@code --out} at the end.
 */
public final class FloodClients {

    static final String CONNECTED = "flood: all connected";
    /** A head of some 90 bytes: a minute and a half at a byte a second, far beyond any head timeout. */
    private static final byte[] HEAD = ("POST /v1/chat/completions HTTP/1.1\r\nHost: qgate\r\n"
            + "Content-Type: application/json\r\nX-Slow: one-byte-a-second\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    /** Connects in flight at once: more would overflow the listener's accept backlog and wait for SYN retries. */
    private static final int CONNECTING_AT_ONCE = 256;

    /** One connection and what it saw. */
    private static final class Conn {
        final boolean slow;
        int sent;
        long firstByteNanos;
        final StringBuilder answer = new StringBuilder();

        Conn(boolean slow) {
            this.slow = slow;
        }
    }

    /** What the flood saw, written as JSON for the run. */
    record Summary(int idle, int slow, long idleOpened, long idleClosedByServer, long slowOpened, long slow408,
                   long slowClosedWithout408, double seconds408Min, double seconds408Median, double seconds408Max,
                   long connectFailures, int maxOpen, long most408InOneSecond) {}

    private final Selector selector;
    private final InetSocketAddress target;
    private final List<Double> secondsTo408 = new ArrayList<>();
    private int connecting;
    private int open;
    private int maxOpen;
    private long idleOpened;
    private long idleClosed;
    private long slowOpened;
    private long slow408;
    private long slowClosedOther;
    private long connectFailures;
    /** Counts at the last second's tick, for the per-second line of the log. */
    private long slow408AtTick;
    private long openedAtTick;
    private long most408InOneSecond;

    private FloodClients(InetSocketAddress target) throws IOException {
        this.selector = Selector.open();
        this.target = target;
    }

    public static int run(String[] args) {
        Flags flags = Flags.parse(args, Set.of("--port", "--idle", "--slow", "--duration", "--out"), Set.of());
        int port = Integer.parseInt(flags.text("--port", "0"));
        int idle = Integer.parseInt(flags.text("--idle", "8000"));
        int slow = Integer.parseInt(flags.text("--slow", "2000"));
        Duration duration = flags.duration("--duration", Duration.ofSeconds(60));
        Path out = Path.of(flags.text("--out", "flood.json"));
        try {
            Summary summary = new FloodClients(new InetSocketAddress("127.0.0.1", port)).flood(idle, slow, duration);
            io.qgate.bench.harness.JsonFiles.write(summary, out.toAbsolutePath().getParent(),
                    out.getFileName().toString());
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Summary flood(int idle, int slow, Duration duration) throws IOException {
        List<Boolean> toOpen = new ArrayList<>(Collections.nCopies(idle, false));
        toOpen.addAll(Collections.nCopies(slow, true));
        Collections.shuffle(toOpen, new java.util.Random(1));
        long end = System.nanoTime() + duration.toNanos();
        long nextByte = System.nanoTime();
        boolean announced = false;
        int next = 0;
        while (System.nanoTime() < end) {
            while (next < toOpen.size() && connecting < CONNECTING_AT_ONCE) {
                connect(toOpen.get(next++));
            }
            if (!announced && next == toOpen.size() && connecting == 0) {
                announced = true;
                System.out.println(CONNECTED + " (" + open + " open)");
                System.out.flush();
            }
            selector.select(50);
            for (SelectionKey key : selector.selectedKeys()) {
                handle(key);
            }
            selector.selectedKeys().clear();
            if (System.nanoTime() >= nextByte) {
                nextByte += 1_000_000_000L;
                trickle();
                logSecond();
            }
        }
        List<Double> sorted = new ArrayList<>(secondsTo408);
        Collections.sort(sorted);
        Summary summary = new Summary(idle, slow, idleOpened, idleClosed, slowOpened, slow408, slowClosedOther,
                sorted.isEmpty() ? -1 : sorted.get(0), sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2),
                sorted.isEmpty() ? -1 : sorted.get(sorted.size() - 1), connectFailures, maxOpen, most408InOneSecond);
        System.out.printf(Locale.ROOT, "flood: %s%n", summary);
        for (SelectionKey key : selector.keys()) {
            key.channel().close();
        }
        selector.close();
        return summary;
    }

    private void connect(boolean slow) throws IOException {
        SocketChannel channel = SocketChannel.open();
        channel.configureBlocking(false);
        channel.connect(target);
        channel.register(selector, SelectionKey.OP_CONNECT, new Conn(slow));
        connecting++;
    }

    private void handle(SelectionKey key) throws IOException {
        Conn conn = (Conn) key.attachment();
        SocketChannel channel = (SocketChannel) key.channel();
        if (key.isValid() && key.isConnectable()) {
            connecting--;
            try {
                channel.finishConnect();
            } catch (IOException e) {
                connectFailures++;
                key.cancel();
                channel.close();
                return;
            }
            open++;
            maxOpen = Math.max(maxOpen, open);
            if (conn.slow) {
                slowOpened++;
            } else {
                idleOpened++;
            }
            key.interestOps(SelectionKey.OP_READ);
            return;
        }
        if (key.isValid() && key.isReadable()) {
            ByteBuffer buffer = ByteBuffer.allocate(512);
            int read;
            try {
                read = channel.read(buffer);
            } catch (IOException e) {
                read = -1;
            }
            if (read > 0) {
                conn.answer.append(new String(buffer.array(), 0, read, StandardCharsets.ISO_8859_1));
                return;
            }
            if (read < 0) {
                closed(key, conn, channel);
            }
        }
    }

    /** The gateway closed a connection: a slow one is counted by its answer and replaced. */
    private void closed(SelectionKey key, Conn conn, SocketChannel channel) throws IOException {
        key.cancel();
        channel.close();
        open--;
        if (!conn.slow) {
            idleClosed++;
            return;
        }
        if (conn.answer.toString().startsWith("HTTP/1.1 408")) {
            slow408++;
            secondsTo408.add(Math.round((System.nanoTime() - conn.firstByteNanos) / 1e7) / 100.0);
        } else {
            slowClosedOther++;
        }
        connect(true);
    }

    /**
     * One line a second that saw 408s or new connections, with the wall clock, so that the real
     * clients' slow requests can be set against the flood's waves.
     */
    private void logSecond() {
        long opened = idleOpened + slowOpened;
        most408InOneSecond = Math.max(most408InOneSecond, slow408 - slow408AtTick);
        if (slow408 != slow408AtTick || opened != openedAtTick) {
            System.out.printf(Locale.ROOT, "flood: second %d: %d answered 408, %d connected, %d open%n",
                    System.currentTimeMillis() / 1000, slow408 - slow408AtTick, opened - openedAtTick, open);
            slow408AtTick = slow408;
            openedAtTick = opened;
        }
    }

    /** The next byte of each slow connection's head. */
    private void trickle() {
        for (SelectionKey key : selector.keys()) {
            Conn conn = (Conn) key.attachment();
            if (!conn.slow || !key.isValid() || (key.interestOps() & SelectionKey.OP_READ) == 0) {
                continue;
            }
            try {
                if (conn.sent == 0) {
                    conn.firstByteNanos = System.nanoTime();
                }
                ((SocketChannel) key.channel()).write(ByteBuffer.wrap(HEAD, conn.sent % HEAD.length, 1));
                conn.sent++;
            } catch (IOException e) {
                // Closed under it: the read side sees the end and counts it.
            }
        }
    }

    static String describe(Summary s) {
        return String.format(Locale.ROOT, "%d idle (%d closed by the gateway), %d slow opened, %d got 408 after "
                        + "%.1f to %.1f s (median %.1f), at most %d of them in one second, %d closed without 408",
                s.idleOpened(), s.idleClosedByServer(), s.slowOpened(), s.slow408(), s.seconds408Min(),
                s.seconds408Max(), s.seconds408Median(), s.most408InOneSecond(), s.slowClosedWithout408());
    }
}
