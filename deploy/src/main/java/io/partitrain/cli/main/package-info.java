/**
 * The {@code partitrain} program: the root command, which lists every verb and turns errors into
 * exit codes. The top layer of the CLI: it uses {@link io.partitrain.cli}, {@link
 * io.partitrain.cli.demo} and {@link io.partitrain.cli.bench}; nothing but the class-data training
 * in {@link io.partitrain.cli.startup} uses it.
 */
package io.partitrain.cli.main;
