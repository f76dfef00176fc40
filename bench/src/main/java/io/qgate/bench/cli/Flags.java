package io.qgate.bench.cli;

import io.qgate.routing.config.Units;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The one command-line parser of the bench: {@code --name value} or {@code --name=value} pairs
 * and bare switches ({@code --stream}, or {@code --stream=false}), checked against the names a
 * command knows. The typed getters say what was expected when a value does not parse; the
 * command's options then validate the values themselves.
 */
public final class Flags {

    private final Map<String, List<String>> values = new HashMap<>();
    private final Map<String, Boolean> switches = new HashMap<>();

    private Flags() {}

    /**
     * @param valued   names that take a value (a name given twice keeps both, see {@link #all})
     * @param switches names that take none
     */
    public static Flags parse(String[] args, Set<String> valued, Set<String> switches) {
        Flags flags = new Flags();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument: " + arg + " (expected: --option)");
            }
            int equals = arg.indexOf('=');
            String name = equals > 0 ? arg.substring(0, equals) : arg;
            String inline = equals > 0 ? arg.substring(equals + 1) : null;
            if (switches.contains(name)) {
                flags.switches.put(name, inline == null || Boolean.parseBoolean(inline));
            } else if (valued.contains(name)) {
                if (inline == null && i + 1 >= args.length) {
                    throw new IllegalArgumentException(name + ": missing value");
                }
                flags.values.computeIfAbsent(name, n -> new ArrayList<>()).add(inline != null ? inline : args[++i]);
            } else {
                throw new IllegalArgumentException("unknown option: " + name);
            }
        }
        return flags;
    }

    /** Whether the name was given, as a switch (on or off) or with a value. */
    public boolean has(String name) {
        return switches.containsKey(name) || values.containsKey(name);
    }

    /** Whether a switch is on: given bare or as {@code =true}. */
    public boolean on(String name) {
        return switches.getOrDefault(name, false);
    }

    /** Hands the value of {@code name} to {@code apply} if it was given (the last one, if given twice). */
    public void ifGiven(String name, Consumer<String> apply) {
        if (values.containsKey(name)) {
            apply.accept(text(name, null));
        }
    }

    /** Every value given for {@code name}, in order. */
    public List<String> all(String name) {
        return List.copyOf(values.getOrDefault(name, List.of()));
    }

    public String text(String name, String fallback) {
        List<String> given = values.get(name);
        return given == null ? fallback : given.get(given.size() - 1);
    }

    public Duration duration(String name, Duration fallback) {
        String value = text(name, null);
        return value == null ? fallback : Units.duration(name, value);
    }

    public int whole(String name, int fallback) {
        String value = text(name, null);
        return value == null ? fallback : whole(name, value);
    }

    public long wholeLong(String name, long fallback) {
        String value = text(name, null);
        return value == null ? fallback : wholeLong(name, value);
    }

    public double number(String name, double fallback) {
        String value = text(name, null);
        return value == null ? fallback : number(name, value);
    }

    /** A comma-separated list of numbers, such as {@code 0.5,0.7,0.85}. */
    public List<Double> numbers(String name, List<Double> fallback) {
        String value = text(name, null);
        if (value == null) {
            return fallback;
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> number(name, s)).toList();
    }

    /** A comma-separated list of words, such as {@code pinned,shared}. */
    public List<String> words(String name, List<String> fallback) {
        String value = text(name, null);
        if (value == null) {
            return fallback;
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** {@code value} of flag {@code name} as an int. */
    public static int whole(String name, String value) {
        long parsed = wholeLong(name, value);
        if (parsed != (int) parsed) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: an integer of at most "
                    + Integer.MAX_VALUE + ")");
        }
        return (int) parsed;
    }

    /** {@code value} of flag {@code name} as a long. */
    public static long wholeLong(String name, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: an integer)");
        }
    }

    /** {@code value} of flag {@code name} as a double. */
    public static double number(String name, String value) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": " + value + " is not a number (expected: a number such as 0.5)");
        }
    }
}
