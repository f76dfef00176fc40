package io.qgate.routing;

/**
 * The OpenAI API routes the gateway tells apart, for metrics labels and routing decisions.
 * A fixed set, so that the {@code route} label of every metric has bounded cardinality.
 */
public enum ApiRoute {
    CHAT("chat"),
    COMPLETIONS("completions"),
    EMBEDDINGS("embeddings"),
    MODELS("models"),
    OTHER("other");

    private final String label;

    ApiRoute(String label) {
        this.label = label;
    }

    /** The value of the {@code route} metric label. */
    public String label() {
        return label;
    }

    /** The route of a request path such as {@code /v1/chat/completions?x=1}. */
    public static ApiRoute ofPath(String path) {
        int query = path.indexOf('?');
        String bare = query >= 0 ? path.substring(0, query) : path;
        if (bare.length() > 1 && bare.endsWith("/")) {
            bare = bare.substring(0, bare.length() - 1);
        }
        switch (bare) {
            case "/v1/chat/completions":
                return CHAT;
            case "/v1/completions":
                return COMPLETIONS;
            case "/v1/embeddings":
                return EMBEDDINGS;
            default:
                return bare.equals("/v1/models") || bare.startsWith("/v1/models/") ? MODELS : OTHER;
        }
    }

    /** Whether the route's only method is POST with a JSON body (others pass any method through). */
    public boolean isJsonPost() {
        return this == CHAT || this == COMPLETIONS || this == EMBEDDINGS;
    }
}
