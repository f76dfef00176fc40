/**
 * The fleet simulation: vLLM replicas, LiteLLM hops and qgate gateways in virtual time, one
 * thread and a clock in nanoseconds ({@link io.qgate.fleet.Simulation}), so that fleets of a
 * thousand replicas and hours of traffic run in seconds and a seed gives the same run every time.
 *
 * <p>The gateways run the production {@link io.qgate.routing.Router} with the simulation's clock;
 * the replicas run {@link io.qgate.fleet.EngineModel}, the engine model the live simulator in
 * bench runs too; the HPA is in {@code io.qgate.fleet.hpa}, the request shapes in
 * {@code io.qgate.fleet.workload}. Entry points: {@link io.qgate.fleet.AutoscaleScenario} and
 * {@link io.qgate.fleet.FleetRoutingScenario}, which bench's {@code autoscale} and
 * {@code fleet-routing} commands run and report. Depends on {@code routing} alone.
 */
package io.qgate.fleet;
