/**
 * The messages and value objects on the topics (records, enums, topic names): the bottom layer of
 * {@code shared}. It uses nothing else of ours; how its records become bytes is {@link
 * io.partitrain.shared.serde}'s job, one layer up, so a contract never calls the serializer (the
 * fingerprint of a job's definition and the reading of a status-topic value live there).
 */
package io.partitrain.shared.contracts;
