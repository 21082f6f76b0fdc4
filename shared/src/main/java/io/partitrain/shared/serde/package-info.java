/**
 * JSON for the contracts: the one mapper, the {@code schemaVersion} check, and what is computed
 * from a contract's JSON form (the job-definition fingerprint, a status-topic value). It sits above
 * {@link io.partitrain.shared.contracts}, which it reads and writes, and below the Kafka plumbing
 * and the plan model; the contracts never use it.
 */
package io.partitrain.shared.serde;
