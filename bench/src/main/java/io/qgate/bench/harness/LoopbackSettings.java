package io.qgate.bench.harness;

import java.util.LinkedHashMap;
import java.util.Map;

/** The settings every in-process gateway of a study starts from: loopback, ephemeral ports, one event loop, no drain delay. */
public final class LoopbackSettings {

    private LoopbackSettings() {}

    /** A new map, for the study to add its own settings to. */
    public static Map<String, String> of() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("server.host", "127.0.0.1");
        settings.put("server.port", "0");
        settings.put("admin.port", "0");
        settings.put("server.io-threads", "1");
        settings.put("shutdown.delay", "0s");
        return settings;
    }
}
