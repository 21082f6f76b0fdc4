/**
 * The CLI's everyday verbs ({@code run}, {@code schedule}, {@code job}, {@code cap}, {@code
 * finops}, {@code up}) and what every verb shares: exit codes, output options, the Kafka and server
 * options. It uses {@link io.partitrain.cli.client} and the all-in-one runnable ({@code
 * io.partitrain.deploy}); the larger verbs in {@link io.partitrain.cli.demo} and {@link
 * io.partitrain.cli.bench} use it, and only the root command in {@link io.partitrain.cli.main}
 * knows them all, so no verb here names one of theirs.
 */
package io.partitrain.cli;
