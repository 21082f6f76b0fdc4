package io.partitrain.shared.contracts;

import java.time.Instant;
import java.util.Map;

/**
 * Names each field of a {@link RunEvent.PartitionTransitioned} as it is set, so that a move reads
 * as what it is instead of sixteen positional fields, most of them null for any one kind of move.
 * Unset fields stay null (attempt: 0; schema version: {@link Schema#VERSION}). Start one with
 * {@link RunEvent.PartitionTransitioned#move}.
 */
public final class PartitionTransitionedBuilder {
  private final String runId;
  private final String partitionId;
  private final PartitionState to;
  private final Instant at;
  private int schemaVersion = Schema.VERSION;
  private PartitionState from;
  private int attempt;
  private String reason;
  private FailureClass failureClass;
  private String jobName;
  private Map<String, String> tags;
  private Integer sequence;
  private String logPath;
  private Map<String, Double> metrics;
  private String studioUrl;
  private SubmittedJob submission;

  PartitionTransitionedBuilder(String runId, String partitionId, PartitionState to, Instant at) {
    this.runId = runId;
    this.partitionId = partitionId;
    this.to = to;
    this.at = at;
  }

  /** The schema version of a move read back from an older record (a snapshot's). */
  public PartitionTransitionedBuilder schemaVersion(int value) {
    schemaVersion = value;
    return this;
  }

  public PartitionTransitionedBuilder from(PartitionState value) {
    from = value;
    return this;
  }

  public PartitionTransitionedBuilder attempt(int value) {
    attempt = value;
    return this;
  }

  public PartitionTransitionedBuilder reason(String value) {
    reason = value;
    return this;
  }

  public PartitionTransitionedBuilder failureClass(FailureClass value) {
    failureClass = value;
    return this;
  }

  public PartitionTransitionedBuilder jobName(String value) {
    jobName = value;
    return this;
  }

  public PartitionTransitionedBuilder tags(Map<String, String> value) {
    tags = value;
    return this;
  }

  public PartitionTransitionedBuilder sequence(Integer value) {
    sequence = value;
    return this;
  }

  public PartitionTransitionedBuilder logPath(String value) {
    logPath = value;
    return this;
  }

  public PartitionTransitionedBuilder metrics(Map<String, Double> value) {
    metrics = value;
    return this;
  }

  public PartitionTransitionedBuilder studioUrl(String value) {
    studioUrl = value;
    return this;
  }

  public PartitionTransitionedBuilder submission(SubmittedJob value) {
    submission = value;
    return this;
  }

  public RunEvent.PartitionTransitioned build() {
    return new RunEvent.PartitionTransitioned(
        schemaVersion,
        runId,
        partitionId,
        from,
        to,
        attempt,
        reason,
        failureClass,
        jobName,
        tags,
        sequence,
        logPath,
        metrics,
        at,
        studioUrl,
        submission);
  }
}
