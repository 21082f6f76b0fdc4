package io.partitrain.shared.contracts;

import java.util.List;
import java.util.Objects;

/**
 * The topic names of one Partitrain installation. All share a prefix (default {@value
 * #DEFAULT_PREFIX}) so that several installations can share a cluster.
 *
 * @param prefix the common prefix, without the trailing dot
 */
public record Topics(String prefix) {

  public static final String DEFAULT_PREFIX = "partitrain";

  public Topics {
    Objects.requireNonNull(prefix, "prefix");
    if (!prefix.matches("[A-Za-z0-9._-]{1,100}")) {
      throw new IllegalArgumentException(
          "topic prefix '" + prefix + "' must match [A-Za-z0-9._-]{1,100}");
    }
  }

  public static Topics defaults() {
    return new Topics(DEFAULT_PREFIX);
  }

  /** {@link PartitionScheduled}: one per partition of a run, keyed {@code runId/partitionId}. */
  public String partitions() {
    return prefix + ".partitions";
  }

  /** {@link WorkItem}: what workers consume, keyed {@code runId/partitionId}. */
  public String work() {
    return prefix + ".work";
  }

  /**
   * Status changes and heartbeats from workers: a {@link JobStatusBatch} per worker and round,
   * keyed by worker id (a single {@link JobStatusEvent}, keyed {@code runId/partitionId}, from
   * workers before it).
   */
  public String status() {
    return prefix + ".status";
  }

  /** Cost-cap events and the cost ledger, for FinOps. */
  public String finops() {
    return prefix + ".finops";
  }

  /** {@link RunCommand}: operator commands for the orchestrator. */
  public String commands() {
    return prefix + ".commands";
  }

  /** Records that could not be read, with the reason in headers. */
  public String deadLetters() {
    return prefix + ".dlq";
  }

  /**
   * {@link RunEvent}: the orchestrator's decisions (run started, every partition transition, retry
   * scheduled, run completed) and its published run snapshots, keyed by run id; the moves of one
   * window come as one {@link RunEvent.PartitionMoves}. The tracker's state is the fold of this
   * topic.
   */
  public String runs() {
    return prefix + ".runs";
  }

  /**
   * {@link StateSnapshot}: the leader's per-run snapshots (and its schedules', durations' and
   * checkpoint's), compacted, keyed {@code run/RUN_ID} and so on. A new leader reads it, then only
   * the runs-topic events after it; readers find a finished run's final snapshot here.
   */
  public String state() {
    return prefix + ".state";
  }

  /**
   * One partition, no messages: the orchestrators' leader election. The instance of the group
   * {@code PREFIX-orchestrator-leader} that is assigned its partition is the leader.
   */
  public String control() {
    return prefix + ".control";
  }

  public List<String> all() {
    return List.of(
        partitions(),
        work(),
        status(),
        finops(),
        commands(),
        deadLetters(),
        runs(),
        state(),
        control());
  }

  /** The record key used on partition-scoped topics. */
  public static String partitionKey(String runId, String partitionId) {
    return runId + "/" + partitionId;
  }
}
