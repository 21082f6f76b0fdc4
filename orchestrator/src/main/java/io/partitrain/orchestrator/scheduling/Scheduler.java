package io.partitrain.orchestrator.scheduling;

import io.partitrain.shared.contracts.PartitionIds;
import io.partitrain.shared.contracts.PartitionScheduled;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunIds;
import io.partitrain.shared.plan.PlanRecheck;
import io.partitrain.shared.plan.PlanValidationException;
import io.partitrain.shared.plan.PlanViolation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns an accepted run into one {@link PartitionScheduled} message per partition (the tracker
 * writes them keyed {@code runId/partitionId}), in plan order. It re-checks what the CLI checked
 * (ids, uniqueness, and the plan rules every work item depends on: {@link PlanRecheck}), because
 * commands may come from any client.
 */
public final class Scheduler {

  private Scheduler() {}

  /** Why this start command cannot be run, if it cannot. */
  public static Optional<String> problemWith(RunCommand.StartRun start) {
    if (!RunIds.isValid(start.runId())) {
      return Optional.of("run id '" + start.runId() + "' does not match " + RunIds.RULE);
    }
    if (start.definition() == null || start.definition().jobTemplate() == null) {
      return Optional.of("the command carries no plan definition");
    }
    List<PartitionSpec> partitions = start.partitions();
    if (partitions.isEmpty()) {
      return Optional.of("the plan has no partitions");
    }
    Set<String> seen = new HashSet<>();
    for (PartitionSpec p : partitions) {
      if (!PartitionIds.isValid(p.id())) {
        return Optional.of("partition id '" + p.id() + "' does not match " + PartitionIds.RULE);
      }
      if (!seen.add(p.id())) {
        return Optional.of("partition id '" + p.id() + "' appears twice");
      }
    }
    List<PlanViolation> broken =
        PlanRecheck.violations(start.definition(), start.runId(), partitions);
    if (!broken.isEmpty()) {
      return Optional.of(
          PlanValidationException.headline(broken)
              + "; a start command is re-checked as the CLI checks a plan");
    }
    return Optional.empty();
  }

  /** The run's partitions as scheduled messages, for the partitions topic, in plan order. */
  public static List<PartitionScheduled> partitionsOf(RunCommand.StartRun start, Instant now) {
    List<PartitionSpec> partitions = start.partitions();
    List<PartitionScheduled> out = new ArrayList<>(partitions.size());
    for (int i = 0; i < partitions.size(); i++) {
      PartitionSpec p = partitions.get(i);
      out.add(PartitionScheduled.of(start.runId(), p.id(), p.tags(), i, now));
    }
    return out;
  }
}
