package io.partitrain.shared.plan;

import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.RunDefinition;
import io.partitrain.shared.contracts.ScheduleSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * A loaded, fully checked plan: safe to emit.
 *
 * @param file the plan.yml
 * @param definition what the orchestrator needs (job template, retry policy, caps)
 * @param partitions the partitions, in plan order
 * @param template the job template, for rendering previews
 * @param schedule when the plan runs by itself; null for a plan started by hand only
 */
public record Plan(
    Path file,
    RunDefinition definition,
    List<PartitionSpec> partitions,
    JobTemplate template,
    ScheduleSpec schedule) {

  public Plan {
    partitions = List.copyOf(partitions);
  }

  /** A plan without a schedule. */
  public Plan(
      Path file, RunDefinition definition, List<PartitionSpec> partitions, JobTemplate template) {
    this(file, definition, partitions, template, null);
  }

  public String name() {
    return definition.planName();
  }
}
