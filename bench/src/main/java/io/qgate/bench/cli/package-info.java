/**
 * The bench's one command-line parser, {@link io.qgate.bench.cli.Flags}, which every command and
 * the libraries' own command lines read their flags with. It depends on nothing in the bench.
 */
package io.qgate.bench.cli;
