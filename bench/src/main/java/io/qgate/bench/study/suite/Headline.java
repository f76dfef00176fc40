package io.qgate.bench.study.suite;

import io.qgate.bench.harness.Md;

/**
 * One line of the report's headline table: a target of the issue and what was measured.
 *
 * @param met {@code null} when the line has no target (context)
 */
record Headline(String what, String measured, String target, Boolean met, String loadAverage) {

    java.util.List<String> cells() {
        return java.util.List.of(what, measured, target, met == null ? "" : Md.met(met), loadAverage);
    }
}
