/**
 * Kafka plumbing: client settings, topic creation, readers and writers of the topics. The top layer
 * of {@code shared}: it uses {@link io.partitrain.shared.config} (where its settings' keys and
 * defaults are defined), {@link io.partitrain.shared.serde} and {@link
 * io.partitrain.shared.contracts}, and none of them uses it.
 */
package io.partitrain.shared.kafka;
