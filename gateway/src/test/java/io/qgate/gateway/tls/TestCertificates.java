package io.qgate.gateway.tls;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Certificates for the TLS tests, made in the test (BouncyCastle, test scope only): a CA and
 * server certificates it signs for 127.0.0.1 and localhost, and their keys written in each PEM
 * format the gateway is meant to read, the way OpenSSL, Go (OpenShift's service CA) and Java
 * tools write them.
 */
public final class TestCertificates {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** The kinds of server keys. */
    public enum KeyType {
        RSA_2048, EC_P256, EC_P384, ED25519
    }

    /** A certificate and its key pair. */
    public record Issued(X509Certificate certificate, KeyPair keys) {
        public PrivateKey key() {
            return keys.getPrivate();
        }
    }

    private final Issued ca;

    private TestCertificates(Issued ca) {
        this.ca = ca;
    }

    /** A new CA. */
    public static TestCertificates newCa() {
        try {
            KeyPair keys = generate(KeyType.RSA_2048);
            X500Name name = new X500Name("CN=qgate test CA");
            JcaX509v3CertificateBuilder builder = builder(name, name, keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.digitalSignature));
            return new TestCertificates(new Issued(sign(builder, keys.getPrivate()), keys));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public X509Certificate caCertificate() {
        return ca.certificate();
    }

    /** A server certificate for {@code CN=commonName}, 127.0.0.1 and localhost. */
    public Issued issue(String commonName, KeyType type) {
        try {
            KeyPair keys = generate(type);
            JcaX509v3CertificateBuilder builder = builder(new X500Name("CN=qgate test CA"),
                    new X500Name("CN=" + commonName), keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.dNSName, "localhost")}));
            return new Issued(sign(builder, ca.key()), keys);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client TLS context that trusts this CA only (a new one each time: no resumed sessions). */
    public SSLContext clientContext() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca.certificate());
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), new SecureRandom());
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair generate(KeyType type) throws Exception {
        KeyPairGenerator generator;
        switch (type) {
            case RSA_2048 -> {
                generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
            }
            case EC_P256 -> {
                generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            }
            case EC_P384 -> {
                generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp384r1"));
            }
            default -> generator = KeyPairGenerator.getInstance("Ed25519");
        }
        return generator.generateKeyPair();
    }

    private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, java.security.PublicKey key) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject, key);
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder builder, PrivateKey signer) throws Exception {
        String algorithm = signer.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder(algorithm).build(signer)));
    }

    // ----- PEM, in each format -----

    /** The certificates as PEM blocks, in this order. */
    public static String certificatesPem(X509Certificate... certificates) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            for (X509Certificate certificate : certificates) {
                pem.writeObject(certificate);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** {@code BEGIN PRIVATE KEY}. */
    public static String pkcs8Pem(PrivateKey key) {
        try {
            return pem(new JcaPKCS8Generator(key, null).generate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code BEGIN RSA PRIVATE KEY}: what OpenShift's service CA and {@code openssl genrsa} (1.x) write. */
    public static String pkcs1Pem(PrivateKey rsaKey) {
        if (!rsaKey.getAlgorithm().equals("RSA")) {
            throw new IllegalArgumentException("PKCS#1 is for RSA keys");
        }
        try {
            return pem(new PemObject("RSA PRIVATE KEY",
                    PrivateKeyInfo.getInstance(rsaKey.getEncoded()).parsePrivateKey().toASN1Primitive().getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code BEGIN EC PRIVATE KEY} (RFC 5915) as Go and OpenSSL write it: the named curve in [0]
     * and the public key in [1] when {@code withCurve}, else the bare key.
     */
    public static String sec1Pem(Issued issued, boolean withCurve) {
        try {
            java.security.interfaces.ECPrivateKey key = (java.security.interfaces.ECPrivateKey) issued.key();
            ASN1Encodable curve = curveOf(key);
            int bits = key.getParams().getOrder().bitLength();
            ECPrivateKey sec1 = withCurve
                    ? new ECPrivateKey(bits, key.getS(),
                            SubjectPublicKeyInfo.getInstance(issued.keys().getPublic().getEncoded()).getPublicKeyData(),
                            curve)
                    : new ECPrivateKey(bits, key.getS());
            return pem(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code BEGIN EC PARAMETERS}, which {@code openssl ecparam -genkey} writes before the key. */
    public static String ecParametersPem(PrivateKey ecKey) {
        try {
            return pem(new PemObject("EC PARAMETERS", curveOf(ecKey).toASN1Primitive().getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code BEGIN ENCRYPTED PRIVATE KEY} (PKCS#8, AES-256-CBC). */
    public static String encryptedPkcs8Pem(PrivateKey key) {
        try {
            return pem(new JcaPKCS8Generator(key, new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                    .setProvider(new BouncyCastleProvider()) // AES/CBC/PKCS7Padding is not in the JDK
                    .setPassword("secret".toCharArray()).build()).generate());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code BEGIN RSA PRIVATE KEY} with {@code Proc-Type: 4,ENCRYPTED} (OpenSSL's traditional encryption). */
    public static String encryptedPkcs1Pem(PrivateKey rsaKey) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(rsaKey, new JcePEMEncryptorBuilder("AES-128-CBC").setProvider(new BouncyCastleProvider())
                    .build("secret".toCharArray()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static ASN1Encodable curveOf(PrivateKey ecKey) {
        return PrivateKeyInfo.getInstance(ecKey.getEncoded()).getPrivateKeyAlgorithm().getParameters();
    }

    private static String pem(PemObject object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(object);
        }
        return out.toString();
    }

    /** Writes {@code text} to {@code file} through a temporary file and an atomic move. */
    public static void replace(Path file, String text) {
        try {
            Path temporary = Files.createTempFile(file.getParent(), ".writing", ".pem");
            Files.writeString(temporary, text, StandardCharsets.US_ASCII);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
