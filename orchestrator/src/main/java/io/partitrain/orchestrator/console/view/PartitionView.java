package io.partitrain.orchestrator.console.view;

import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.PartitionState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One partition as the console shows it: its current state and attempt, the last failure, the job
 * and log of its current attempt, and every transition it went through (the retry history).
 *
 * @param history every transition, oldest first
 * @param studioUrl the current attempt's page in Azure ML Studio, as the worker reported it ({@code
 *     PartitionTransitioned.studioUrl}); null for a backend without one
 * @param sequence the partition's place in its plan (0 first), as scheduled; null when not read
 */
public record PartitionView(
    String partitionId,
    PartitionState state,
    int attempt,
    FailureClass failureClass,
    String reason,
    String jobName,
    Map<String, String> tags,
    String logPath,
    Map<String, Double> metrics,
    List<Transition> history,
    String studioUrl,
    Integer sequence) {

  /** A partition without a Studio page (a local or simulated job). */
  public PartitionView(
      String partitionId,
      PartitionState state,
      int attempt,
      FailureClass failureClass,
      String reason,
      String jobName,
      Map<String, String> tags,
      String logPath,
      Map<String, Double> metrics,
      List<Transition> history) {
    this(
        partitionId,
        state,
        attempt,
        failureClass,
        reason,
        jobName,
        tags,
        logPath,
        metrics,
        history,
        null,
        null);
  }

  /** The same partition with another reason shown. */
  public PartitionView withReason(String shownReason) {
    return new PartitionView(
        partitionId,
        state,
        attempt,
        failureClass,
        shownReason,
        jobName,
        tags,
        logPath,
        metrics,
        history,
        studioUrl,
        sequence);
  }

  public PartitionView {
    tags = tags == null ? Map.of() : Map.copyOf(tags);
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    history = history == null ? List.of() : List.copyOf(history);
  }

  /** One state change, as recorded on the runs topic. */
  public record Transition(
      PartitionState from,
      PartitionState to,
      int attempt,
      FailureClass failureClass,
      String reason,
      String jobName,
      Instant at) {}

  /** This partition after {@code t}: fields the event leaves out keep their last value. */
  PartitionView after(
      Transition t,
      Map<String, String> newTags,
      String newLogPath,
      String newStudioUrl,
      Integer newSequence,
      Map<String, Double> m) {
    List<Transition> h = new ArrayList<>(history.size() + 1);
    h.addAll(history);
    h.add(t);
    boolean failed = t.to() == PartitionState.FAILED || t.to() == PartitionState.CANCELED;
    boolean newAttempt = t.attempt() != attempt;
    return new PartitionView(
        partitionId,
        t.to(),
        t.attempt(),
        failed ? t.failureClass() : newAttempt ? null : failureClass,
        failed || t.reason() != null ? t.reason() : newAttempt ? null : reason,
        t.jobName() != null ? t.jobName() : jobName,
        newTags != null && !newTags.isEmpty() ? newTags : tags,
        newLogPath != null ? newLogPath : newAttempt ? null : logPath,
        m != null && !m.isEmpty() ? m : newAttempt ? Map.of() : metrics,
        h,
        newStudioUrl != null ? newStudioUrl : newAttempt ? null : studioUrl,
        newSequence != null ? newSequence : sequence);
  }
}
