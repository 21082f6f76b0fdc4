/**
 * {@code partitrain bench}: the measurements behind docs/performance.md. It uses {@link
 * io.partitrain.cli} and {@link io.partitrain.cli.client}; the root command in {@link
 * io.partitrain.cli.main} registers it, and no other verb uses it.
 */
package io.partitrain.cli.bench;
