package io.qgate.routing.batch;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The request headers that say who is calling, for LiteLLM's keys, budgets, spend tracking and
 * routing: two requests whose identities differ never share an upstream call.
 */
public final class CallerIdentity {

    private CallerIdentity() {}

    /**
     * Whether a header (lower-case name) identifies the caller or steers LiteLLM: credentials
     * ({@code authorization}, {@code api-key}, {@code x-api-key}), OpenAI organisation and project,
     * and every {@code x-litellm-*}, {@code litellm-*} and {@code x-*-key} header.
     */
    public static boolean identifies(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.equals("authorization") || lower.equals("api-key") || lower.equals("x-api-key")
                || lower.equals("openai-organization") || lower.equals("openai-project")
                || lower.startsWith("x-litellm-") || lower.startsWith("litellm-")
                || (lower.startsWith("x-") && lower.endsWith("-key"));
    }

    /** The identifying headers in a stable form (sorted, lower-case names). */
    static String canonical(Map<String, String> headers) {
        TreeMap<String, String> sorted = new TreeMap<>();
        headers.forEach((name, value) -> {
            if (identifies(name)) {
                sorted.put(name.toLowerCase(Locale.ROOT), value);
            }
        });
        return sorted.toString();
    }
}
