/**
 * {@code partitrain demo}: a whole stack in this process, a generated plan with broken stores, a
 * run, a repair and a rerun. It uses {@link io.partitrain.cli} (exit codes, output, the console
 * banner, run starts) and {@link io.partitrain.cli.client}; the root command in {@link
 * io.partitrain.cli.main} registers it, and no other verb uses it.
 */
package io.partitrain.cli.demo;
