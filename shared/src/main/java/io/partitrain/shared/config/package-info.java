/**
 * Settings read from the environment, each with its key, default and rule, and the table of those
 * every service shares (the Kafka cluster's address among them). It uses only {@link
 * io.partitrain.shared.contracts}; {@link io.partitrain.shared.kafka} reads its settings through
 * this package, never the other way, so a setting's key is defined here and not next to the client.
 */
package io.partitrain.shared.config;
