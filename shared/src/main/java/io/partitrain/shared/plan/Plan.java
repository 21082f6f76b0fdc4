package io.partitrain.shared.plan;

import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.RunDefinition;
import java.nio.file.Path;
import java.util.List;

/**
 * A loaded, fully checked plan: safe to emit.
 *
 * @param file the plan.yml
 * @param definition what the orchestrator needs (job template, retry policy, caps)
 * @param partitions the partitions, in plan order
 * @param template the job template, for rendering previews
 */
public record Plan(
    Path file, RunDefinition definition, List<PartitionSpec> partitions, JobTemplate template) {

  public Plan {
    partitions = List.copyOf(partitions);
  }

  public String name() {
    return definition.planName();
  }
}
