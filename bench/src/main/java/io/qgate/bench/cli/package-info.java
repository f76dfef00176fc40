/**
 * The bench's command lines: {@link io.qgate.bench.cli.CommandLine} ({@code --help}, a bad command
 * line refused with status 2) and the one parser, {@link io.qgate.bench.cli.Flags}, which every
 * command reads its flags with. It depends on nothing in the bench, so the libraries ({@code sim},
 * {@code load}) use it for their own command lines.
 */
package io.qgate.bench.cli;
