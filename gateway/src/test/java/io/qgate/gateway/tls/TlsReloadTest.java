package io.qgate.gateway.tls;

import io.netty.channel.DefaultEventLoop;
import io.qgate.gateway.tls.TestCertificates.Issued;
import io.qgate.gateway.tls.TestCertificates.KeyType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The certificate files as {@link ReloadingSslContext} follows them, one check at a time. */
class TlsReloadTest {

    private static final TestCertificates CA = TestCertificates.newCa();
    private static final Issued ONE = CA.issue("one", KeyType.RSA_2048);
    private static final Issued TWO = CA.issue("two", KeyType.EC_P256);

    @TempDir
    Path dir;
    private Path cert;
    private Path key;
    private DefaultEventLoop loop;

    private ReloadingSslContext start(Issued issued) throws Exception {
        cert = dir.resolve("tls.crt");
        key = dir.resolve("tls.key");
        write(issued);
        return ReloadingSslContext.load(cert, key);
    }

    private void write(Issued issued) {
        TestCertificates.replace(cert, TestCertificates.certificatesPem(issued.certificate(), CA.caCertificate()));
        TestCertificates.replace(key, issued.key().getAlgorithm().equals("RSA")
                ? TestCertificates.pkcs1Pem(issued.key()) : TestCertificates.sec1Pem(issued, true));
    }

    private static String subject(ReloadingSslContext tls) {
        return tls.certificate().getSubjectX500Principal().getName();
    }

    @AfterEach
    void stopLoop() {
        if (loop != null) {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void unchangedFilesKeepTheContext() throws Exception {
        ReloadingSslContext tls = start(ONE);
        tls.check();
        tls.check();
        assertThat(tls.checks()).isEqualTo(2);
        assertThat(subject(tls)).isEqualTo("CN=one");
        assertThat(tls.problem()).isNull();
    }

    @Test
    void newFilesAreLoaded() throws Exception {
        ReloadingSslContext tls = start(ONE);
        write(TWO);
        tls.check();
        assertThat(subject(tls)).isEqualTo("CN=two");
        assertThat(tls.certificate().getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(tls.problem()).isNull();
    }

    @Test
    void brokenFilesLeaveTheOldCertificateServingUntilTheyAreFixed() throws Exception {
        ReloadingSslContext tls = start(ONE);

        TestCertificates.replace(cert, "-----BEGIN CERTIFICATE-----\nAAAA\n");
        tls.check();
        assertThat(subject(tls)).isEqualTo("CN=one");
        assertThat(tls.problem()).isEqualTo(cert + ": the CERTIFICATE block has no END line (a truncated file?)");

        // Half of a renewal: the new certificate next to the old key.
        TestCertificates.replace(cert, TestCertificates.certificatesPem(TWO.certificate()));
        tls.check();
        assertThat(subject(tls)).isEqualTo("CN=one");
        assertThat(tls.problem()).startsWith(key + ": the private key does not belong to the first certificate of "
                + cert + " (CN=two)");

        Files.delete(key);
        tls.check();
        assertThat(subject(tls)).isEqualTo("CN=one");
        assertThat(tls.problem()).isEqualTo(key + ": no such file");

        write(TWO);
        tls.check();
        assertThat(subject(tls)).isEqualTo("CN=two");
        assertThat(tls.problem()).isNull();
    }

    @Test
    void theServedFilesComingBackClearTheProblem() throws Exception {
        ReloadingSslContext tls = start(ONE);
        String certText = Files.readString(cert);
        Files.delete(cert);
        tls.check();
        assertThat(tls.problem()).isEqualTo(cert + ": no such file");
        TestCertificates.replace(cert, certText);
        tls.check();
        assertThat(tls.problem()).isNull();
        assertThat(subject(tls)).isEqualTo("CN=one");
    }

    @Test
    void theTimerChecksOnAnEventLoop() throws Exception {
        ReloadingSslContext tls = start(ONE);
        loop = new DefaultEventLoop();
        tls.watch(loop, Duration.ofMillis(20));
        write(TWO);
        await().atMost(Duration.ofSeconds(10)).until(() -> subject(tls).equals("CN=two"));
        tls.close();
    }

    @Test
    void aStartWithFilesThatDoNotLoadFailsNamingTheFileAndTheReason() throws Exception {
        cert = dir.resolve("tls.crt");
        key = dir.resolve("tls.key");
        assertThatThrownBy(() -> ReloadingSslContext.load(cert, key))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TLS (server.tls.cert, server.tls.key): " + cert + ": no such file");
        TestCertificates.replace(cert, TestCertificates.certificatesPem(ONE.certificate()));
        TestCertificates.replace(key, TestCertificates.pkcs8Pem(TWO.key()));
        assertThatThrownBy(() -> ReloadingSslContext.load(cert, key))
                .hasMessageStartingWith("TLS (server.tls.cert, server.tls.key): " + key
                        + ": the private key does not belong to the first certificate of " + cert);
    }
}
