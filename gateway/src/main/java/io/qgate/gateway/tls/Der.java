package io.qgate.gateway.tls;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * The little DER that {@link PemCredentials} needs to wrap and unwrap private keys: writing one
 * element, and reading the elements of one level. Nothing else of ASN.1.
 */
final class Der {

    private Der() {
    }

    /** One element: {@code tag}, the length, then {@code parts} one after another. */
    static byte[] encode(int tag, byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
        out.write(tag);
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = length > 0xffffff ? 4 : length > 0xffff ? 3 : length > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) {
                out.write(length >>> shift);
            }
        }
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** Reads consecutive DER elements of one level. */
    static final class Reader {
        private final byte[] der;
        private final String name;
        private int position;
        private final int end;

        Reader(byte[] der, String name) {
            this(der, name, 0, der.length);
        }

        private Reader(byte[] der, String name, int start, int end) {
            this.der = der;
            this.name = name;
            this.position = start;
            this.end = end;
        }

        boolean hasNext() {
            return position < end;
        }

        int peekTag() {
            return der[position] & 0xff;
        }

        /** A reader of the contents of the next element, which must have {@code tag}. */
        Reader enter(int tag) throws PemCredentials.InvalidPemException {
            int[] bounds = element(tag);
            return new Reader(der, name, bounds[1], bounds[2]);
        }

        /** The contents of the next element, which must have {@code tag}. */
        byte[] next(int tag) throws PemCredentials.InvalidPemException {
            int[] bounds = element(tag);
            return Arrays.copyOfRange(der, bounds[1], bounds[2]);
        }

        /** The whole next element (tag, length and contents), which must have {@code tag}. */
        byte[] nextElement(int tag) throws PemCredentials.InvalidPemException {
            int[] bounds = element(tag);
            return Arrays.copyOfRange(der, bounds[0], bounds[2]);
        }

        void skip(int tag) throws PemCredentials.InvalidPemException {
            element(tag);
        }

        /** {start of element, start of contents, end} of the next element; moves past it. */
        private int[] element(int tag) throws PemCredentials.InvalidPemException {
            int start = position;
            if (end - position < 2 || (der[position] & 0xff) != tag) {
                throw malformed();
            }
            position++;
            int length = der[position++] & 0xff;
            if (length >= 0x80) {
                int bytes = length & 0x7f;
                if (bytes == 0 || bytes > 3 || end - position < bytes) {
                    throw malformed();
                }
                length = 0;
                for (int i = 0; i < bytes; i++) {
                    length = (length << 8) | (der[position++] & 0xff);
                }
            }
            if (length > end - position) {
                throw malformed();
            }
            int contents = position;
            position += length;
            return new int[] {start, contents, position};
        }

        private PemCredentials.InvalidPemException malformed() {
            return new PemCredentials.InvalidPemException(name + ": malformed DER in the private key");
        }
    }
}
