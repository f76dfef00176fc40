package io.qgate.gateway;

import io.qgate.gateway.config.GatewayConfig;
import io.qgate.gateway.tls.TestCertificates;
import io.qgate.gateway.tls.TestCertificates.Issued;
import io.qgate.gateway.tls.TestCertificates.KeyType;
import io.qgate.testing.OpenAiStub;
import io.qgate.testing.StubReplica;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * TLS on the client listener, end to end on loopback: HTTPS through the gateway to a replica,
 * plain HTTP refused on the TLS port, certificate files replaced while the gateway runs, and
 * starts with files that do not load.
 */
class TlsListenerTest extends LoopbackGatewayTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final TestCertificates CA = TestCertificates.newCa();
    private static final Issued ONE = CA.issue("one", KeyType.RSA_2048);
    private static final Issued TWO = CA.issue("two", KeyType.EC_P256);

    @TempDir
    Path dir;

    private Path cert() {
        return dir.resolve("tls.crt");
    }

    private Path key() {
        return dir.resolve("tls.key");
    }

    /** The files as OpenShift's service CA writes them: chain with the CA, PKCS#1 RSA or SEC1 EC key. */
    private void write(Issued issued) {
        TestCertificates.replace(cert(), TestCertificates.certificatesPem(issued.certificate(), CA.caCertificate()));
        TestCertificates.replace(key(), issued.key().getAlgorithm().equals("RSA")
                ? TestCertificates.pkcs1Pem(issued.key()) : TestCertificates.sec1Pem(issued, true));
    }

    private Gateway tlsGateway(StubReplica stub) {
        return gateway(stub.url(), "server.tls.cert", cert().toString(), "server.tls.key", key().toString(),
                "server.tls.reload-interval", "50ms");
    }

    /** A new client each time: a new TLS session and a new connection, as after a reload. */
    private HttpResponse<String> postHttps(Gateway gateway, String path, String body) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(CA.clientContext()).connectTimeout(WAIT).build();
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + gateway.port() + path))
                .timeout(WAIT)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> embedOverHttps(Gateway gateway) throws Exception {
        return postHttps(gateway, "/v1/embeddings", "{\"model\":\"m\",\"input\":\"x\"}");
    }

    /** The certificate a new connection gets, and the protocol ALPN chose when the client offers h2 first. */
    private record Handshake(X509Certificate certificate, String applicationProtocol) {
        String subject() {
            return certificate.getSubjectX500Principal().getName();
        }
    }

    private static Handshake handshake(Gateway gateway) throws Exception {
        SSLContext context = CA.clientContext();
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()), (int) WAIT.toMillis());
            socket.setSoTimeout((int) WAIT.toMillis());
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"h2", "http/1.1"});
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return new Handshake((X509Certificate) socket.getSession().getPeerCertificates()[0],
                    socket.getApplicationProtocol());
        }
    }

    private static String problem(Gateway gateway) {
        return gateway.tls().problem();
    }

    @Test
    void httpsIsRelayedAndTheReplicaLearnsTheClientUsedHttps() throws Exception {
        StubReplica stub = stub();
        write(ONE);
        Gateway gateway = tlsGateway(stub);

        HttpResponse<String> response = postHttps(gateway, "/v1/chat/completions", "{\"model\":\"m\",\"messages\":[]}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"ok\":true}");
        assertThat(response.sslSession()).get().satisfies(session ->
                assertThat(session.getPeerCertificates()[0]).isEqualTo(ONE.certificate()));
        assertThat(stub.received()).singleElement().satisfies(request ->
                assertThat(request.headers().get("x-forwarded-proto")).isEqualTo("https"));
    }

    @ParameterizedTest(name = "{0} key as {1}")
    @CsvSource({"RSA_2048, PKCS8", "RSA_2048, PKCS1", "EC_P256, SEC1", "EC_P256, PKCS8", "EC_P384, SEC1",
        "ED25519, PKCS8"})
    void everyKeyFormatServesHttps(KeyType type, String format) throws Exception {
        Issued issued = CA.issue("formats", type);
        TestCertificates.replace(cert(), TestCertificates.certificatesPem(issued.certificate(), CA.caCertificate()));
        TestCertificates.replace(key(), switch (format) {
            case "PKCS1" -> TestCertificates.pkcs1Pem(issued.key());
            case "SEC1" -> TestCertificates.sec1Pem(issued, true);
            default -> TestCertificates.pkcs8Pem(issued.key());
        });
        Gateway gateway = tlsGateway(stub());
        HttpResponse<String> response = embedOverHttps(gateway);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.sslSession().get().getPeerCertificates()[0]).isEqualTo(issued.certificate());
    }

    @Test
    void aBatchedCallAlsoSaysHttps() throws Exception {
        OpenAiStub openAi = new OpenAiStub();
        StubReplica stub = stub().respondWith(openAi);
        write(ONE);
        // One event loop, a busy replica and room for exactly two inputs: the two requests leave as one call.
        Gateway gateway = gateway(stub.url(), "server.tls.cert", cert().toString(), "server.tls.key",
                key().toString(), "server.io-threads", "1", "batching.max-items", "2", "batching.max-wait", "10m");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(CA.clientContext()).connectTimeout(WAIT).build();
        Function<String, CompletableFuture<HttpResponse<String>>> embed = input -> client.sendAsync(
                HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + gateway.port() + "/v1/embeddings"))
                        .timeout(WAIT).header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"input\":\"" + input + "\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
        CompletableFuture<HttpResponse<String>> held = embed.apply("hold");
        await().atMost(WAIT).until(() -> openAi.heldCount() == 1);

        List<HttpResponse<String>> answers = List.of(embed.apply("a"), embed.apply("b")).stream()
                .map(CompletableFuture::join).toList();

        assertThat(answers).allSatisfy(answer ->
                assertThat(answer.headers().firstValue("x-qgate-batch-size")).hasValue("2"));
        assertThat(stub.received()).hasSize(2).allSatisfy(request ->
                assertThat(request.headers().get("x-forwarded-proto")).isEqualTo("https"));
        openAi.releaseHeld();
        assertThat(held.join().statusCode()).isEqualTo(200);
    }

    @Test
    void aPlainListenerStillSaysHttp() throws Exception {
        StubReplica stub = stub();
        Gateway gateway = gateway(stub.url());
        assertThat(post(gateway, "/v1/chat/completions", "{\"model\":\"m\",\"messages\":[]}").statusCode())
                .isEqualTo(200);
        assertThat(stub.received()).singleElement().satisfies(request ->
                assertThat(request.headers().get("x-forwarded-proto")).isEqualTo("http"));
    }

    @Test
    void alpnAgreesOnHttp11Only() throws Exception {
        write(ONE);
        Gateway gateway = tlsGateway(stub());
        Handshake handshake = handshake(gateway);
        assertThat(handshake.applicationProtocol()).isEqualTo("http/1.1");
        assertThat(handshake.certificate()).isEqualTo(ONE.certificate());
    }

    @Test
    void plainHttpOnTheTlsPortGets400AndTheGatewayKeepsServing() throws Exception {
        StubReplica stub = stub();
        write(ONE);
        Gateway gateway = tlsGateway(stub);

        String answer;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()), (int) WAIT.toMillis());
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            answer = new String(in.readAllBytes(), StandardCharsets.UTF_8); // until the gateway closes
        }

        assertThat(answer).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("connection: close\r\n")
                .endsWith("{\"error\":{\"message\":\"This port speaks HTTPS; the request was sent as plain HTTP.\","
                        + "\"type\":\"invalid_request_error\",\"code\":\"bad_request\"}}");
        assertThat(stub.received()).isEmpty();
        assertThat(embedOverHttps(gateway).statusCode()).isEqualTo(200);
    }

    @Test
    void aClientThatFailsTheHandshakeDoesNotHurtTheGateway() throws Exception {
        write(ONE);
        Gateway gateway = tlsGateway(stub());
        // A client that does not trust the gateway's CA gives up in the middle of the handshake.
        SSLContext untrusting = TestCertificates.newCa().clientContext();
        try (SSLSocket socket = (SSLSocket) untrusting.getSocketFactory().createSocket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            assertThatThrownBy(socket::startHandshake).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
        }
        assertThat(embedOverHttps(gateway).statusCode()).isEqualTo(200);
    }

    @Test
    void replacedFilesAreServedToNewConnectionsWithoutARestart() throws Exception {
        write(ONE);
        Gateway gateway = tlsGateway(stub());
        assertThat(handshake(gateway).subject()).isEqualTo("CN=one");

        write(TWO);

        await().atMost(WAIT).until(() -> handshake(gateway).subject().equals("CN=two"));
        assertThat(embedOverHttps(gateway).sslSession().get().getPeerCertificates()[0]).isEqualTo(TWO.certificate());
    }

    @Test
    void brokenNewFilesLeaveTheOldCertificateServing() throws Exception {
        write(ONE);
        Gateway gateway = tlsGateway(stub());

        TestCertificates.replace(cert(), "-----BEGIN CERTIFICATE-----\ntruncated");
        await().atMost(WAIT).until(() -> problem(gateway) != null);
        assertThat(gateway.tls().problem()).contains("has no END line");
        assertThat(handshake(gateway).subject()).isEqualTo("CN=one");

        // The new certificate next to the old key: a mismatched pair is not served.
        TestCertificates.replace(cert(), TestCertificates.certificatesPem(TWO.certificate()));
        await().atMost(WAIT).until(() -> String.valueOf(problem(gateway)).contains("does not belong"));
        assertThat(handshake(gateway).subject()).isEqualTo("CN=one");

        Files.delete(key());
        await().atMost(WAIT).until(() -> String.valueOf(problem(gateway)).endsWith("no such file"));
        assertThat(handshake(gateway).subject()).isEqualTo("CN=one");
        assertThat(embedOverHttps(gateway).statusCode()).isEqualTo(200);

        write(TWO);
        await().atMost(WAIT).until(() -> handshake(gateway).subject().equals("CN=two"));
        assertThat(gateway.tls().problem()).isNull();
    }

    @Test
    void aStartWithFilesThatDoNotLoadFailsWithAClearMessage() throws Exception {
        StubReplica stub = stub();
        assertThatThrownBy(() -> tlsGateway(stub))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TLS (server.tls.cert, server.tls.key): " + cert() + ": no such file");

        TestCertificates.replace(cert(), TestCertificates.certificatesPem(ONE.certificate()));
        TestCertificates.replace(key(), TestCertificates.encryptedPkcs8Pem(ONE.key()));
        assertThatThrownBy(() -> tlsGateway(stub))
                .hasMessageStartingWith("TLS (server.tls.cert, server.tls.key): " + key()
                        + ": the private key is encrypted, which is not supported");

        TestCertificates.replace(key(), TestCertificates.pkcs8Pem(TWO.key()));
        assertThatThrownBy(() -> tlsGateway(stub))
                .hasMessageContaining(": the private key does not belong to the first certificate of " + cert());

        assertThatThrownBy(() -> GatewayConfig.of(Map.of("server.tls.cert", cert().toString())))
                .hasMessage("server.tls.cert and server.tls.key go together: set both (TLS) or neither (plain HTTP)");
        assertThatThrownBy(() -> GatewayConfig.of(Map.of("server.tls.reload-interval", "0s")))
                .hasMessage("server.tls.reload-interval: 0s (expected: > 0)");
    }
}
