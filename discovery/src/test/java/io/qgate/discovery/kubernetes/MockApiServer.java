package io.qgate.discovery.kubernetes;

import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/** fabric8's mock API server in CRUD mode, plain HTTP on loopback, on a chosen port (0: any). */
final class MockApiServer {

    private MockApiServer() {
    }

    static KubernetesMockServer start(int port) {
        return start(port, false);
    }

    /** With {@code forbidSlices}, every EndpointSlice request gets 403, as without RBAC for them. */
    static KubernetesMockServer start(int port, boolean forbidSlices) {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        KubernetesMixedDispatcher crud = new KubernetesMixedDispatcher(responses);
        Dispatcher dispatcher = new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                if (forbidSlices && request.getPath().startsWith("/apis/discovery.k8s.io/")) {
                    return new MockResponse().setResponseCode(403).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                            + "\"status\":\"Failure\",\"reason\":\"Forbidden\",\"code\":403}");
                }
                return crud.dispatch(request);
            }
        };
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), port);
        return server;
    }
}
