package io.qgate.bench.suite;

import io.qgate.routing.config.Units;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command line of {@code --name value} pairs and bare switches, checked against the names a
 * command knows; the typed getters say what was expected when a value does not parse.
 */
public final class Flags {

    private final Map<String, String> values = new HashMap<>();
    private final List<String> switches = new ArrayList<>();

    private Flags() {}

    /**
     * @param valued   names that take a value
     * @param switches names that take none
     */
    public static Flags parse(String[] args, Set<String> valued, Set<String> switches) {
        Flags flags = new Flags();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (switches.contains(name)) {
                flags.switches.add(name);
            } else if (valued.contains(name)) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(name + ": missing value");
                }
                flags.values.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException("unknown option: " + name);
            }
        }
        return flags;
    }

    public boolean has(String name) {
        return switches.contains(name) || values.containsKey(name);
    }

    public String text(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public Duration duration(String name, Duration fallback) {
        String value = values.get(name);
        return value == null ? fallback : Units.duration(name, value);
    }

    public int whole(String name, int fallback) {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: a whole number)");
        }
    }

    public double number(String name, double fallback) {
        String value = values.get(name);
        return value == null ? fallback : parseNumber(name, value);
    }

    /** A comma-separated list of numbers, such as {@code 0.5,0.7,0.85}. */
    public List<Double> numbers(String name, List<Double> fallback) {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> parseNumber(name, s)).toList();
    }

    /** A comma-separated list of words, such as {@code pinned,shared}. */
    public List<String> words(String name, List<String> fallback) {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static double parseNumber(String name, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: a number)");
        }
    }
}
