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
 * confined to the plan's root ({@link PlanPaths}; the start's {@code planRoot}, which must hold the
 * plan's folder, else the plan's folder itself).
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
    PlanRoot root = rootOf(definition, planDir, source, v);
    if (root == null) {
      return v;
    }
    JobTemplate template = JobTemplate.fromTree(definition.jobTemplate(), source);
    PlanPaths paths = PlanPaths.forRoot(root);
    template.check(runId, partitions, v);
    for (PartitionSpec p : partitions) {
      paths.check(template, runId, p, v);
    }
    return v;
  }

  /** The start's root: it must hold the plan's folder, so a command cannot widen it to "/". */
  private static PlanRoot rootOf(
      RunDefinition definition, Path planDir, String source, List<PlanViolation> v) {
    if (definition.planRoot() == null) {
      return PlanRoot.folder(planDir);
    }
    Path root;
    try {
      root = Path.of(definition.planRoot());
    } catch (InvalidPathException e) {
      root = null;
    }
    if (root == null || !root.isAbsolute() || !planDir.normalize().startsWith(root.normalize())) {
      v.add(
          new PlanViolation(
              source,
              "planRoot",
              definition.planRoot(),
              "must be an absolute folder that holds the plan's folder " + planDir));
      return null;
    }
    return new PlanRoot(root, PlanRoot.COMMAND_ORIGIN);
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
