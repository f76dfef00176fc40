package io.qgate.bench.study.batching;

import io.qgate.gateway.config.ConfigLoader;
import io.qgate.routing.config.Units;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The two gateway configurations the scenario compares: batching off and on, all else equal. */
enum BatchingMode {
    OFF,
    ON;

    /** The route the load uses; the batched runs batch it alone. */
    static final String ROUTE = "embeddings";

    /**
     * Whether this build of the gateway has the {@code batching.*} keys at all. Without them both
     * runs are unbatched, and the report says so rather than failing to start the gateway.
     */
    static boolean available() {
        return ConfigLoader.usage().contains("batching.routes");
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The {@code batching.*} settings of this mode, as flags {@code --key=value} would give them. */
    Map<String, String> settings(BatchingOptions options) {
        Map<String, String> settings = new LinkedHashMap<>();
        if (!available()) {
            return settings;
        }
        if (this == OFF) {
            settings.put("batching.routes", "");
            return settings;
        }
        settings.put("batching.routes", ROUTE);
        if (options.maxItems() > 0) {
            settings.put("batching.max-items", Integer.toString(options.maxItems()));
        }
        if (options.maxWait() != null) {
            settings.put("batching.max-wait", Units.format(options.maxWait()));
        }
        return settings;
    }

    /** Every gateway setting of this mode's runs. */
    Map<String, String> gatewaySettings(String endpoints, BatchingOptions options) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("server.host", "127.0.0.1");
        settings.put("server.port", "0");
        settings.put("admin.port", "0");
        settings.put("server.io-threads", Integer.toString(options.gatewayThreads()));
        settings.put("endpoints", endpoints);
        settings.put("shutdown.delay", "0s");
        settings.putAll(settings(options));
        return settings;
    }
}
