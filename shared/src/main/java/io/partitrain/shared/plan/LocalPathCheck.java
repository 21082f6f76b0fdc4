package io.partitrain.shared.plan;

import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.contracts.PartitionSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks, before a run starts, that the local files its jobs read exist: the {@code code} folder,
 * an inline environment's conda file and Docker build context, and every local input path, rendered
 * for each partition ({@code ./data/${{partition.id}}.csv}). Without it a missing file is found
 * only when its job runs, as a USER failure among hundreds.
 *
 * <p>Kept apart from {@link PlanLoader#load}: a plan is also loaded where its data need not exist
 * yet (previewing a schedule, forecasting with {@code run plan}, rendering a job), so only {@code
 * run start} requires it.
 */
public final class LocalPathCheck {

  /** Violations listed one by one before the rest is summarized in one line. */
  static final int LISTED = 20;

  private LocalPathCheck() {}

  /** Every missing local path of the plan's jobs; empty when all exist. */
  public static List<PlanViolation> missing(Plan plan) {
    String file = plan.template().source();
    List<PlanViolation> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    int more = 0;
    for (PartitionSpec p : plan.partitions()) {
      JobSpec job = plan.template().render(PlanLoader.CHECK_RUN_ID, p);
      if (job.code() != null && JobTemplate.isLocalPath(job.code()) && seen.add(job.code())) {
        if (!Files.isDirectory(Path.of(job.code()))) {
          out.add(new PlanViolation(file, "code", job.code(), "must be an existing folder"));
        }
      }
      if (seen.add("\u0000environment " + job.environment())) {
        out.addAll(
            EnvironmentPaths.missing(
                job.environment(),
                file,
                field -> plan.template().writtenPath(field, PlanLoader.CHECK_RUN_ID, p)));
      }
      for (Map.Entry<String, JobSpec.JobInput> in : job.inputs().entrySet()) {
        String path = in.getValue().path();
        if (path == null || !JobTemplate.isLocalPath(path) || !seen.add(path)) {
          continue;
        }
        if (!Files.exists(Path.of(path))) {
          if (out.size() < LISTED) {
            out.add(
                new PlanViolation(
                    file,
                    "inputs." + in.getKey() + ".path",
                    path,
                    "must exist (partition " + p.id() + ")"));
          } else {
            more++;
          }
        }
      }
    }
    if (more > 0) {
      out.add(
          new PlanViolation(
              file, "inputs", null, "and " + more + " more local input paths that do not exist"));
    }
    return out;
  }

  /**
   * @throws PlanValidationException listing the missing paths
   */
  public static void requireAll(Plan plan) {
    List<PlanViolation> missing = missing(plan);
    if (!missing.isEmpty()) {
      throw new PlanValidationException(missing);
    }
  }
}
