/**
 * The fleet simulation's studies, {@code autoscale} and {@code fleet-routing}: their command lines,
 * reports and plots. The simulation itself is the {@code fleet} module ({@code io.qgate.fleet}),
 * which knows nothing of the bench; this package is where its results meet the bench's command
 * line ({@code cli}) and chart writer ({@code harness}).
 */
package io.qgate.bench.study.fleet;
