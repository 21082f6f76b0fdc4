package io.partitrain.shared.plan;

import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.RunDefinition;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The plan rules every work item depends on, re-checked where a start command is accepted: the CLI
 * checked them when it loaded the files, but anyone allowed to write the commands topic can write a
 * command by hand. Job keys and types, tag values substituted into {@code command}, and paths
 * confined to the plan ({@link PlanPaths}).
 */
public final class PlanRecheck {

  private PlanRecheck() {}

  /** Every broken rule of this run's definition and partitions; empty when it may run. */
  public static List<PlanViolation> violations(
      RunDefinition definition, String runId, List<PartitionSpec> partitions) {
    String source = definition.planSource() == null ? "(command)" : definition.planSource();
    List<PlanViolation> v =
        new ArrayList<>(JobTemplate.shapeViolations(definition.jobTemplate(), source));
    if (!v.isEmpty()) {
      return v;
    }
    Path planDir = planDir(definition.planSource());
    if (planDir == null) {
      v.add(
          new PlanViolation(
              source, "planSource", definition.planSource(), "must be the plan's absolute path"));
      return v;
    }
    JobTemplate template = JobTemplate.fromTree(definition.jobTemplate(), source);
    PlanPaths paths = PlanPaths.forPlan(planDir);
    template.check(runId, partitions, v);
    for (PartitionSpec p : partitions) {
      paths.check(template, runId, p, v);
    }
    return v;
  }

  private static Path planDir(String planSource) {
    try {
      Path p = planSource == null ? null : Path.of(planSource);
      return p == null || !p.isAbsolute() || p.getParent() == null ? null : p.getParent();
    } catch (InvalidPathException e) {
      return null;
    }
  }
}
