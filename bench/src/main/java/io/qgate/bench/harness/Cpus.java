package io.qgate.bench.harness;

import java.util.List;

/**
 * The cores a process may run on, as a {@code taskset -c} list such as {@code 1} or {@code 0-2};
 * {@link #ALL} leaves it to the scheduler.
 */
public record Cpus(String list) {

    public static final Cpus ALL = new Cpus("");

    /** The command prefix that pins to these cores; empty for {@link #ALL}. */
    List<String> prefix() {
        return list.isEmpty() ? List.of() : List.of("taskset", "-c", list);
    }

    /** How many cores this is (the machine's for {@link #ALL}). */
    public int count() {
        if (list.isEmpty()) {
            return Runtime.getRuntime().availableProcessors();
        }
        int count = 0;
        for (String part : list.split(",")) {
            String[] range = part.split("-");
            count += range.length == 1 ? 1 : Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1;
        }
        return count;
    }

    /** For the report: {@code core 1}, {@code cores 0-2} or {@code all cores}. */
    public String describe() {
        return list.isEmpty() ? "all cores" : (count() == 1 ? "core " : "cores ") + list;
    }
}
