package io.qgate.bench.load;

import java.util.Locale;

/** The OpenAI endpoint a load run calls. */
public enum Api {
    CHAT("/v1/chat/completions", true),
    COMPLETIONS("/v1/completions", true),
    EMBEDDINGS("/v1/embeddings", false);

    private final String path;
    private final boolean generates;

    Api(String path, boolean generates) {
        this.path = path;
        this.generates = generates;
    }

    /** The request path, relative to the base URL. */
    public String path() {
        return path;
    }

    /** Whether the endpoint generates tokens (and so takes {@code max_tokens} and can stream). */
    public boolean generates() {
        return generates;
    }

    /** The lower-case name used on the command line and in results. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Api parse(String value) {
        for (Api api : values()) {
            if (api.id().equals(value)) {
                return api;
            }
        }
        throw new IllegalArgumentException("api: " + value + " (expected: chat, completions or embeddings)");
    }
}
