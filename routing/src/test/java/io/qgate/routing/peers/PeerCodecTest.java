package io.qgate.routing.peers;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PeerCodecTest {

    private static final byte[] KEY = "sixteen bytes at the very least".getBytes(StandardCharsets.UTF_8);

    @Test
    void whatIsWrittenIsReadBack() {
        PeerCodec codec = new PeerCodec(KEY);
        List<ReplicaCounts> counts = List.of(new ReplicaCounts("10.0.0.1:8000", 5_000_000_000L, 4_999_999_990L),
                new ReplicaCounts("[fd00::1]:8000", 0, 0), new ReplicaCounts("replica-0.example:80", 300, 2));

        List<byte[]> datagrams = codec.encode(42, () -> 1234, counts);
        PeerCodec.Decoded decoded = codec.decode(datagrams.get(0), datagrams.get(0).length);

        assertThat(datagrams).hasSize(1);
        assertThat(decoded.verdict()).isEqualTo(PeerVerdict.ACCEPTED);
        assertThat(decoded.message()).isEqualTo(new PeerMessage(42, 1234, 0, counts));
    }

    @Test
    void theWorkPendingIsReadBackWithTheCounts() {
        PeerCodec codec = new PeerCodec(KEY);
        List<ReplicaCounts> counts = List.of(new ReplicaCounts("10.0.0.1:8000", 40, 31, 12_000, 2_500),
                new ReplicaCounts("10.0.0.2:8000", 7, 7, 0, 0));

        byte[] datagram = codec.encode(3, () -> 99, counts).get(0);

        assertThat(codec.decode(datagram, datagram.length).message().counts()).isEqualTo(counts);
    }

    @Test
    void aDatagramOfTheFirstVersionIsReadAsCountsWithoutWork() throws Exception {
        // A gateway not yet updated, during a rolling update: its requests still count.
        byte[] versionOne = signed(1, 5, 2);

        PeerCodec.Decoded decoded = new PeerCodec(KEY).decode(versionOne, versionOne.length);

        assertThat(decoded.verdict()).isEqualTo(PeerVerdict.ACCEPTED);
        assertThat(decoded.message().counts()).containsExactly(new ReplicaCounts("a:1", 5, 2, 0, 0));
    }

    @Test
    void aHundredReplicasFitOneDatagram() {
        List<ReplicaCounts> counts = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            // A busy replica's work: a few prompts in prefill, a few hundred requests' output to come.
            counts.add(new ReplicaCounts("10.244." + i + ".123:8000", 10_000_000L + i, 9_999_000L, 60_000, 900_000));
        }

        assertThat(new PeerCodec(KEY).encode(1, () -> 1, counts)).hasSize(1);
    }

    @Test
    void anAuthenticBodyThatBreaksTheFormatIsMalformed() throws Exception {
        // Written by a key holder, so only the parse can tell.
        byte[] twoDeclaredOnePresent = signed(2, 1, 0);
        byte[] finishedBeyondDispatched = signed(1, 1, 2);
        PeerCodec codec = new PeerCodec(KEY);

        assertThat(codec.decode(twoDeclaredOnePresent, twoDeclaredOnePresent.length).verdict())
                .isEqualTo(PeerVerdict.MALFORMED);
        assertThat(codec.decode(finishedBeyondDispatched, finishedBeyondDispatched.length).verdict())
                .isEqualTo(PeerVerdict.MALFORMED);
    }

    @Test
    void aShortKeyIsRefused() {
        assertThatThrownBy(() -> new PeerCodec("short".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("peers.secret").hasMessageContaining("at least 16");
    }

    @Test
    void sequencesComeFromTheSupplierOnePerDatagram() {
        List<ReplicaCounts> counts = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            counts.add(new ReplicaCounts("replica-" + i + ".pool.example.svc:8000", i, 0));
        }
        AtomicLong sequence = new AtomicLong(100);
        PeerCodec codec = new PeerCodec(KEY);

        List<byte[]> datagrams = codec.encode(1, sequence::incrementAndGet, counts);

        List<ReplicaCounts> read = new ArrayList<>();
        for (int i = 0; i < datagrams.size(); i++) {
            PeerMessage message = codec.decode(datagrams.get(i), datagrams.get(i).length).message();
            assertThat(message.part()).isEqualTo(i);
            assertThat(message.sequence()).isEqualTo(101 + i);
            read.addAll(message.counts());
        }
        assertThat(read).isEqualTo(counts);
    }

    /** A datagram of the first version (no work) declaring {@code declared} replicas, holding one with the given counts, signed with the key. */
    private static byte[] signed(int declared, int dispatched, int finished) throws Exception {
        ByteBuffer body = ByteBuffer.allocate(64);
        body.putInt(0x71677001).putLong(9).putLong(1).putShort((short) 0).putShort((short) declared);
        body.put((byte) 3).put("a:1".getBytes(StandardCharsets.US_ASCII)).put((byte) dispatched).put((byte) finished);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        byte[] signed = new byte[body.position() + 32];
        System.arraycopy(body.array(), 0, signed, 0, body.position());
        mac.update(body.array(), 0, body.position());
        System.arraycopy(mac.doFinal(), 0, signed, body.position(), 32);
        return signed;
    }
}
