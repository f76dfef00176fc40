package io.qgate.bench.prometheus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A completion sent on a raw connection whose answer nobody reads: with a large {@code max_tokens}
 * it stays in an engine (running or waiting) until the socket is closed.
 */
final class HeldRequest {

    private HeldRequest() {}

    /** Sends the request to the gateway on {@code port}; close the socket to end it. */
    static Socket send(int port, String model, String prompt, int maxTokens) {
        String body = "{\"model\":\"" + model + "\",\"prompt\":\"" + prompt + "\",\"max_tokens\":" + maxTokens + "}";
        String request = "POST /v1/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
                + "content-length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
        try {
            Socket socket = new Socket("127.0.0.1", port);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
