package io.partitrain.shared.contracts;

import java.time.Instant;
import java.util.Map;

/**
 * The scheduler's message for one partition of a run, on {@link Topics#partitions()}, keyed {@code
 * runId/partitionId}. The tracker creates the partition's state machine from it.
 *
 * @param schemaVersion message schema version ({@link Schema#VERSION} when written)
 * @param runId the run this partition belongs to
 * @param partitionId the partition, valid for {@link PartitionIds#RULE}
 * @param tags the partition's tags (from the plan's CSV columns: region, business unit, ...)
 * @param sequence the partition's position in the plan, so admission keeps plan order
 * @param scheduledAt when the scheduler emitted it
 */
public record PartitionScheduled(
    int schemaVersion,
    String runId,
    String partitionId,
    Map<String, String> tags,
    int sequence,
    Instant scheduledAt) {

  public PartitionScheduled {
    tags = tags == null ? Map.of() : Map.copyOf(tags);
  }

  public static PartitionScheduled of(
      String runId, String partitionId, Map<String, String> tags, int sequence, Instant at) {
    return new PartitionScheduled(Schema.VERSION, runId, partitionId, tags, sequence, at);
  }
}
