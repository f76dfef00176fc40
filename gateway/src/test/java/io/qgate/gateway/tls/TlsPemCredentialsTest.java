package io.qgate.gateway.tls;

import io.qgate.gateway.tls.TestCertificates.Issued;
import io.qgate.gateway.tls.TestCertificates.KeyType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which PEM files the gateway reads (with the JDK alone), and what it says about those it cannot. */
class TlsPemCredentialsTest {

    private static final TestCertificates CA = TestCertificates.newCa();
    private static final Issued RSA = CA.issue("rsa", KeyType.RSA_2048);
    private static final Issued EC = CA.issue("ec", KeyType.EC_P256);

    private static PemCredentials parse(String certPem, String keyPem) throws Exception {
        return PemCredentials.parse(certPem.getBytes(StandardCharsets.US_ASCII), "tls.crt",
                keyPem.getBytes(StandardCharsets.US_ASCII), "tls.key");
    }

    private static String certOf(Issued issued) {
        return TestCertificates.certificatesPem(issued.certificate());
    }

    @Test
    void pkcs8RsaKey() throws Exception {
        PemCredentials credentials = parse(certOf(RSA), TestCertificates.pkcs8Pem(RSA.key()));
        assertThat(credentials.key().getEncoded()).isEqualTo(RSA.key().getEncoded());
        assertThat(credentials.certificate()).isEqualTo(RSA.certificate());
    }

    @Test
    void pkcs1RsaKeyAsOpenShiftsServiceCaWritesIt() throws Exception {
        // The service CA's tls.crt holds the serving certificate followed by the CA's.
        String pkcs1 = TestCertificates.pkcs1Pem(RSA.key());
        assertThat(pkcs1).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        PemCredentials credentials = parse(
                TestCertificates.certificatesPem(RSA.certificate(), CA.caCertificate()), pkcs1);
        assertThat(credentials.key().getAlgorithm()).isEqualTo("RSA");
        assertThat(credentials.key().getEncoded()).isEqualTo(RSA.key().getEncoded());
        assertThat(credentials.chain()).containsExactly(RSA.certificate(), CA.caCertificate());
    }

    @Test
    void sec1EcKeyWithItsCurve() throws Exception {
        String sec1 = TestCertificates.sec1Pem(EC, true);
        assertThat(sec1).startsWith("-----BEGIN EC PRIVATE KEY-----");
        PemCredentials credentials = parse(certOf(EC), sec1);
        assertThat(credentials.key().getAlgorithm()).isEqualTo("EC");
        assertThat(((java.security.interfaces.ECPrivateKey) credentials.key()).getS())
                .isEqualTo(((java.security.interfaces.ECPrivateKey) EC.key()).getS());
    }

    @Test
    void sec1P384Key() throws Exception {
        Issued p384 = CA.issue("p384", KeyType.EC_P384);
        assertThat(parse(certOf(p384), TestCertificates.sec1Pem(p384, true)).key().getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void sec1KeyWithoutCurveTakesTheEcParametersBlockBeforeIt() throws Exception {
        // openssl ecparam -genkey writes an EC PARAMETERS block first.
        String file = TestCertificates.ecParametersPem(EC.key()) + TestCertificates.sec1Pem(EC, false);
        assertThat(parse(certOf(EC), file).key().getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void sec1KeyWithNoCurveAnywhereIsRefused() {
        assertThatThrownBy(() -> parse(certOf(EC), TestCertificates.sec1Pem(EC, false)))
                .hasMessage("tls.key: the EC private key names no curve");
    }

    @Test
    void pkcs8EcAndEd25519Keys() throws Exception {
        assertThat(parse(certOf(EC), TestCertificates.pkcs8Pem(EC.key())).key().getAlgorithm()).isEqualTo("EC");
        Issued ed = CA.issue("ed", KeyType.ED25519);
        assertThat(parse(certOf(ed), TestCertificates.pkcs8Pem(ed.key())).key().getAlgorithm())
                .isIn("EdDSA", "Ed25519");
    }

    @Test
    void oneFileWithCertificateAndKeyServesAsBoth() throws Exception {
        String both = "subject=CN = rsa\n" + certOf(RSA) + TestCertificates.pkcs1Pem(RSA.key());
        assertThat(parse(both, both).certificate()).isEqualTo(RSA.certificate());
    }

    @Test
    void encryptedKeysAreRefusedSayingSo() {
        assertThatThrownBy(() -> parse(certOf(RSA), TestCertificates.encryptedPkcs8Pem(RSA.key())))
                .hasMessageStartingWith("tls.key: the private key is encrypted, which is not supported");
        String traditional = TestCertificates.encryptedPkcs1Pem(RSA.key());
        assertThat(traditional).contains("Proc-Type: 4,ENCRYPTED");
        assertThatThrownBy(() -> parse(certOf(RSA), traditional))
                .hasMessageStartingWith("tls.key: the private key is encrypted, which is not supported");
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() {
        Issued other = CA.issue("other", KeyType.RSA_2048);
        assertThatThrownBy(() -> parse(certOf(RSA), TestCertificates.pkcs8Pem(other.key())))
                .hasMessageStartingWith("tls.key: the private key does not belong to the first certificate of tls.crt"
                        + " (CN=rsa)");
        assertThatThrownBy(() -> parse(certOf(RSA), TestCertificates.sec1Pem(EC, true)))
                .hasMessageContaining("does not belong");
    }

    @Test
    void theServersCertificateMustComeFirst() {
        assertThatThrownBy(() -> parse(TestCertificates.certificatesPem(CA.caCertificate(), RSA.certificate()),
                TestCertificates.pkcs8Pem(RSA.key())))
                .hasMessageContaining("(CN=qgate test CA), which must be the server's own");
    }

    @Test
    void filesWithoutWhatIsNeeded() {
        String key = TestCertificates.pkcs8Pem(RSA.key());
        assertThatThrownBy(() -> parse("not a certificate\n", key))
                .hasMessage("tls.crt: no certificate found (expected a -----BEGIN CERTIFICATE----- block)");
        assertThatThrownBy(() -> parse(certOf(RSA), certOf(RSA)))
                .hasMessageStartingWith("tls.key: no private key found");
        String truncated = certOf(RSA).substring(0, certOf(RSA).length() / 2);
        assertThatThrownBy(() -> parse(truncated, key))
                .hasMessage("tls.crt: the CERTIFICATE block has no END line (a truncated file?)");
        String damaged = certOf(RSA).replaceFirst("-----\\s+MII.", "-----\nAAAA");
        assertThatThrownBy(() -> parse(damaged, key)).hasMessageStartingWith("tls.crt: not a valid X.509 certificate");
        String shortRsa = "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        assertThatThrownBy(() -> parse(certOf(RSA), shortRsa))
                .hasMessageStartingWith("tls.key: the PKCS#1 RSA private key cannot be read");
        String openSsh = "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
        assertThatThrownBy(() -> parse(certOf(RSA), openSsh))
                .hasMessageStartingWith("tls.key: unsupported key type OPENSSH PRIVATE KEY");
    }
}
