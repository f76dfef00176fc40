package io.qgate.gateway.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * A certificate chain and its private key read from PEM text with the JDK alone.
 *
 * <p>Netty's own PEM reader takes only PKCS#8 keys ({@code BEGIN PRIVATE KEY}) unless
 * BouncyCastle is on the class path, while the certificates OpenShift's service CA issues come
 * with PKCS#1 RSA keys ({@code BEGIN RSA PRIVATE KEY}) and other tools write SEC1 EC keys
 * ({@code BEGIN EC PRIVATE KEY}). Both are a PKCS#8 structure without its envelope, so they are
 * wrapped here (a few bytes of DER) instead of shipping BouncyCastle in the image. Encrypted keys
 * are refused with a message saying so.
 *
 * <p>The key must belong to the first certificate: a signature made with the key is checked
 * against that certificate's public key, so a mismatched pair fails here and not in every
 * handshake.
 *
 * @param chain the certificates in file order, the server's own first
 */
public record PemCredentials(List<X509Certificate> chain, PrivateKey key) {

    /** Why a certificate or key file cannot be used; the message names the file and the reason. */
    public static final class InvalidPemException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidPemException(String message) {
            super(message);
        }
    }

    private static final byte[] OID_RSA = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01,
        0x01, 0x01};
    private static final byte[] OID_EC = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    private static final byte[] OID_ED25519 = {0x06, 0x03, 0x2b, 0x65, 0x70};
    private static final byte[] OID_ED448 = {0x06, 0x03, 0x2b, 0x65, 0x71};
    private static final byte[] DER_NULL = {0x05, 0x00};
    private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

    private static final int SEQUENCE = 0x30;
    private static final int INTEGER = 0x02;
    private static final int OCTET_STRING = 0x04;
    private static final int OBJECT_IDENTIFIER = 0x06;
    private static final int CONTEXT_0 = 0xa0;

    public PemCredentials {
        chain = List.copyOf(chain);
    }

    /** The server's own certificate. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /**
     * Reads the certificates of {@code certPem} and the first private key of {@code keyPem}; the
     * names appear in error messages. One file holding both works when given twice.
     */
    public static PemCredentials parse(byte[] certPem, String certName, byte[] keyPem, String keyName)
            throws InvalidPemException {
        List<X509Certificate> chain = certificates(certPem, certName);
        PrivateKey key = privateKey(keyPem, keyName);
        requireMatch(chain.get(0), key, certName, keyName);
        return new PemCredentials(chain, key);
    }

    // ----- PEM -----

    private record Block(String label, boolean encryptedHeader, byte[] der) {}

    private static List<Block> blocks(byte[] pem, String name) throws InvalidPemException {
        List<Block> blocks = new ArrayList<>();
        String label = null;
        boolean encrypted = false;
        StringBuilder base64 = new StringBuilder();
        for (String raw : new String(pem, StandardCharsets.US_ASCII).split("\r?\n|\r")) {
            String line = raw.strip();
            if (label == null) {
                if (line.startsWith("-----BEGIN ") && line.endsWith("-----")) {
                    label = line.substring(11, line.length() - 5).strip();
                    encrypted = false;
                    base64.setLength(0);
                }
            } else if (line.startsWith("-----END ")) {
                try {
                    blocks.add(new Block(label, encrypted, Base64.getMimeDecoder().decode(base64.toString())));
                } catch (IllegalArgumentException e) {
                    throw new InvalidPemException(name + ": the " + label + " block is not valid base64");
                }
                label = null;
            } else if (line.indexOf(':') >= 0) {
                // RFC 1421 headers of the traditional OpenSSL format: Proc-Type: 4,ENCRYPTED, DEK-Info.
                encrypted |= line.startsWith("Proc-Type:") && line.contains("ENCRYPTED");
            } else {
                base64.append(line);
            }
        }
        if (label != null) {
            throw new InvalidPemException(name + ": the " + label + " block has no END line (a truncated file?)");
        }
        return blocks;
    }

    private static List<X509Certificate> certificates(byte[] pem, String name) throws InvalidPemException {
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block block : blocks(pem, name)) {
                if (block.label().equals("CERTIFICATE")) {
                    chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
                }
            }
        } catch (CertificateException e) {
            throw new InvalidPemException(name + ": not a valid X.509 certificate (" + e.getMessage() + ")");
        }
        if (chain.isEmpty()) {
            throw new InvalidPemException(name
                    + ": no certificate found (expected a -----BEGIN CERTIFICATE----- block)");
        }
        return chain;
    }

    private static PrivateKey privateKey(byte[] pem, String name) throws InvalidPemException {
        byte[] curveFromParameters = null;
        for (Block block : blocks(pem, name)) {
            switch (block.label()) {
                case "EC PARAMETERS":
                    curveFromParameters = block.der();
                    break;
                case "PRIVATE KEY":
                    return pkcs8(block.der(), name, "PKCS#8");
                case "RSA PRIVATE KEY":
                    requireUnencrypted(block, name);
                    return pkcs8(Der.encode(SEQUENCE, VERSION_0, Der.encode(SEQUENCE, OID_RSA, DER_NULL),
                            Der.encode(OCTET_STRING, block.der())), name, "PKCS#1");
                case "EC PRIVATE KEY":
                    requireUnencrypted(block, name);
                    return pkcs8(sec1ToPkcs8(block.der(), curveFromParameters, name), name, "SEC1");
                case "ENCRYPTED PRIVATE KEY":
                    throw encrypted(name);
                default:
                    if (block.label().endsWith("PRIVATE KEY")) {
                        throw new InvalidPemException(name + ": unsupported key type " + block.label()
                                + " (expected PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
                    }
            }
        }
        throw new InvalidPemException(name + ": no private key found (expected a -----BEGIN PRIVATE KEY-----,"
                + " -----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY----- block)");
    }

    private static void requireUnencrypted(Block block, String name) throws InvalidPemException {
        if (block.encryptedHeader()) {
            throw encrypted(name);
        }
    }

    private static InvalidPemException encrypted(String name) {
        return new InvalidPemException(name + ": the private key is encrypted, which is not supported; give it"
                + " unencrypted (e.g. openssl pkey -in KEY -out KEY.plain) and protect the file instead");
    }

    private static PrivateKey pkcs8(byte[] der, String name, String format) throws InvalidPemException {
        String algorithm;
        try {
            Der.Reader info = new Der.Reader(der, name).enter(SEQUENCE);
            info.skip(INTEGER);
            byte[] oid = new Der.Reader(info.next(SEQUENCE), name).nextElement(OBJECT_IDENTIFIER);
            algorithm = Arrays.equals(oid, OID_RSA) ? "RSA"
                    : Arrays.equals(oid, OID_EC) ? "EC"
                    : Arrays.equals(oid, OID_ED25519) ? "Ed25519"
                    : Arrays.equals(oid, OID_ED448) ? "Ed448"
                    : null;
        } catch (InvalidPemException e) {
            throw new InvalidPemException(name + ": the " + format + " private key is malformed");
        }
        if (algorithm == null) {
            throw new InvalidPemException(name + ": unsupported private key algorithm (expected RSA, EC or EdDSA)");
        }
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new InvalidPemException(name + ": the " + format + " " + algorithm + " private key cannot be read ("
                    + e.getMessage() + ")");
        }
    }

    /**
     * RFC 5915's ECPrivateKey in a PKCS#8 envelope. The envelope names the curve, which the key
     * carries in its optional [0] field or, failing that, an EC PARAMETERS block before it.
     */
    private static byte[] sec1ToPkcs8(byte[] sec1, byte[] curveFromParameters, String name)
            throws InvalidPemException {
        Der.Reader key = new Der.Reader(sec1, name).enter(SEQUENCE);
        key.skip(INTEGER);
        key.skip(OCTET_STRING);
        byte[] curve = key.hasNext() && key.peekTag() == CONTEXT_0
                ? new Der.Reader(key.next(CONTEXT_0), name).nextElement(OBJECT_IDENTIFIER)
                : curveFromParameters;
        if (curve == null || curve.length == 0 || curve[0] != OBJECT_IDENTIFIER) {
            throw new InvalidPemException(name + ": the EC private key names no curve");
        }
        return Der.encode(SEQUENCE, VERSION_0, Der.encode(SEQUENCE, OID_EC, curve), Der.encode(OCTET_STRING, sec1));
    }

    private static void requireMatch(X509Certificate certificate, PrivateKey key, String certName, String keyName)
            throws InvalidPemException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // EdDSA, Ed25519, Ed448 sign with their own name
        };
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        boolean matches;
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false; // e.g. an EC key for an RSA certificate
        }
        if (!matches) {
            throw new InvalidPemException(keyName + ": the private key does not belong to the first certificate of "
                    + certName + " (" + certificate.getSubjectX500Principal().getName()
                    + "), which must be the server's own");
        }
    }
}
