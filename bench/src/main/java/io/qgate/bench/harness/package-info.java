/**
 * What the studies share: processes started and stopped on their behalf
 * ({@link io.qgate.bench.harness.ChildProcess}, the gateway's and the stub's launchers, the peers
 * nginx and HAProxy in {@code peer}), the replica stub ({@code stub}), simulated replicas and
 * gateways in this JVM ({@link io.qgate.bench.harness.Fleet}, {@link io.qgate.bench.harness.GatewayTier}),
 * the chart writer, the results files, and readers of {@code /proc}.
 *
 * <p>It uses the libraries ({@code sim}, {@code load}) and the command-line parser ({@code cli});
 * none of them uses it.
 */
package io.qgate.bench.harness;
