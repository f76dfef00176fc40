package io.qgate.routing.peers;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static java.util.Objects.requireNonNull;

/**
 * The peer datagram, written and read. Big-endian:
 *
 * <pre>
 * magic "qgp" and version 2 (4 bytes) | sender (8) | sequence (8) | part (2) | replicas (2)
 * per replica: address length (1) | address (UTF-8) | dispatched (varint) | finished (varint)
 *              | prefill pending (varint) | decode pending (varint)
 * HMAC-SHA256 of all of the above with the shared key (32)
 * </pre>
 *
 * <p>Version 1, without the two amounts of work, is still read (as no work), so that gateways of
 * both versions count each other's requests during a rolling update.
 *
 * <p>Counts are unsigned LEB128 varints: a replica with a few million requests behind it costs
 * about 25 bytes with its address, so a hundred replicas fit one datagram of at most
 * {@link #MAX_DATAGRAM} bytes; more are split into parts. Reading checks the size first, the
 * authentication code next (in constant time), and only then parses what a key holder wrote.
 *
 * <p>Not thread-safe (one {@link Mac}): each thread that reads or writes keeps its own codec.
 */
public final class PeerCodec {

    /** The largest datagram written or read: a few IP fragments at most on a pod network. */
    public static final int MAX_DATAGRAM = 4096;
    /** The shortest shared key accepted, in bytes. */
    public static final int MIN_KEY_BYTES = 16;

    private static final int MAGIC = 0x71677002;
    private static final int MAGIC_WITHOUT_WORK = 0x71677001;
    private static final int HEADER = 4 + 8 + 8 + 2 + 2;
    private static final int MAC_BYTES = 32;
    private static final int MAX_ADDRESS = 255;
    private static final int MAX_PARTS = 0xFFFF;

    /** A datagram read: the verdict, and the message when it was well-formed and authentic. */
    public record Decoded(PeerVerdict verdict, PeerMessage message) {}

    private final Mac mac;
    private final Addresses addresses = new Addresses();

    /** @param key the shared key, at least {@link #MIN_KEY_BYTES} bytes */
    public PeerCodec(byte[] key) {
        requireNonNull(key, "key");
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("peers.secret: " + key.length + " bytes (expected: at least "
                    + MIN_KEY_BYTES + ")");
        }
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("peers.secret: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /**
     * Writes {@code counts} into as few datagrams as fit, each with the next of {@code sequences}.
     * An address longer than 255 bytes cannot be told and is left out.
     */
    public List<byte[]> encode(long sender, LongSupplier sequences, List<ReplicaCounts> counts) {
        List<byte[]> datagrams = new ArrayList<>();
        ByteBuffer body = ByteBuffer.allocate(MAX_DATAGRAM - HEADER - MAC_BYTES);
        int inBody = 0;
        for (ReplicaCounts replica : counts) {
            byte[] address = replica.address().getBytes(StandardCharsets.UTF_8);
            if (address.length == 0 || address.length > MAX_ADDRESS) {
                continue;
            }
            int size = 1 + address.length + Varint.size(replica.dispatched()) + Varint.size(replica.finished())
                    + Varint.size(replica.prefillPending()) + Varint.size(replica.decodePending());
            if (body.remaining() < size) {
                datagrams.add(seal(sender, sequences.getAsLong(), datagrams.size(), inBody, body));
                inBody = 0;
            }
            body.put((byte) address.length).put(address);
            Varint.put(body, replica.dispatched());
            Varint.put(body, replica.finished());
            Varint.put(body, replica.prefillPending());
            Varint.put(body, replica.decodePending());
            inBody++;
        }
        if (inBody > 0 || datagrams.isEmpty()) {
            // An empty message still says "alive"; a peer that knows no replica keeps others from ageing it out.
            datagrams.add(seal(sender, sequences.getAsLong(), datagrams.size(), inBody, body));
        }
        if (datagrams.size() > MAX_PARTS) {
            throw new IllegalStateException("replicas: too many for " + MAX_PARTS + " datagrams");
        }
        return datagrams;
    }

    private byte[] seal(long sender, long sequence, int part, int replicas, ByteBuffer body) {
        body.flip();
        ByteBuffer out = ByteBuffer.allocate(HEADER + body.remaining() + MAC_BYTES);
        out.putInt(MAGIC).putLong(sender).putLong(sequence).putShort((short) part).putShort((short) replicas);
        out.put(body);
        body.clear();
        mac.update(out.array(), 0, out.position());
        out.put(mac.doFinal());
        return out.array();
    }

    /** Reads the first {@code length} bytes of {@code data}. */
    public Decoded decode(byte[] data, int length) {
        if (length > MAX_DATAGRAM) {
            return new Decoded(PeerVerdict.OVERSIZED, null);
        }
        int magic = length < HEADER + MAC_BYTES ? 0 : ByteBuffer.wrap(data).getInt();
        if (magic != MAGIC && magic != MAGIC_WITHOUT_WORK) {
            return new Decoded(PeerVerdict.MALFORMED, null);
        }
        int signed = length - MAC_BYTES;
        mac.update(data, 0, signed);
        byte[] expected = mac.doFinal();
        byte[] given = new byte[MAC_BYTES];
        System.arraycopy(data, signed, given, 0, MAC_BYTES);
        if (!MessageDigest.isEqual(expected, given)) {
            return new Decoded(PeerVerdict.FORGED, null);
        }
        PeerMessage message = parse(ByteBuffer.wrap(data, 0, signed), magic == MAGIC);
        return message == null ? new Decoded(PeerVerdict.MALFORMED, null) : new Decoded(PeerVerdict.ACCEPTED, message);
    }

    /** The message in {@code in} (after the magic), or null when its contents break the format. */
    private PeerMessage parse(ByteBuffer in, boolean withWork) {
        in.position(4);
        long sender = in.getLong();
        long sequence = in.getLong();
        int part = Short.toUnsignedInt(in.getShort());
        int replicas = Short.toUnsignedInt(in.getShort());
        List<ReplicaCounts> counts = new ArrayList<>(Math.min(replicas, in.remaining() / 3));
        for (int i = 0; i < replicas; i++) {
            if (!in.hasRemaining()) {
                return null;
            }
            int addressLength = Byte.toUnsignedInt(in.get());
            if (addressLength == 0 || in.remaining() < addressLength) {
                return null;
            }
            String address = addresses.read(in.array(), in.position(), addressLength);
            in.position(in.position() + addressLength);
            long dispatched = Varint.get(in);
            long finished = Varint.get(in);
            long prefill = withWork ? Varint.get(in) : 0;
            long decode = withWork ? Varint.get(in) : 0;
            if (dispatched < 0 || finished < 0 || finished > dispatched || prefill < 0 || decode < 0) {
                return null;
            }
            counts.add(new ReplicaCounts(address, dispatched, finished, prefill, decode));
        }
        return in.hasRemaining() ? null : new PeerMessage(sender, sequence, part, counts);
    }
}
