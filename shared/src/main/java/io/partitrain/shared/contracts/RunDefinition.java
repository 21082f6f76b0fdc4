package io.partitrain.shared.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Everything the orchestrator needs to run a plan, except the partition list (which travels as
 * {@link PartitionScheduled} messages). Built and validated from plan.yml and job.yml by the plan
 * loader before anything is emitted.
 *
 * @param planName the plan's name
 * @param planSource where the plan was read from, for evidence
 * @param planRoot the folder the job's local paths must stay inside ({@code PlanRoot}: the git work
 *     tree that holds the plan, or the plan's {@code root:}); null in a start from before it
 *     existed, which means the plan's folder
 * @param jobTemplate the job.yml as a tree, placeholders not yet substituted, local paths made
 *     absolute; rendered per partition by {@code JobTemplate.render}
 * @param retry the retry policy
 * @param limits the caps
 * @param deadline when a run must be done; null when the plan names no deadline
 */
public record RunDefinition(
    String planName,
    String planSource,
    @JsonInclude(JsonInclude.Include.NON_NULL) String planRoot,
    JsonNode jobTemplate,
    RetryPolicy retry,
    RunLimits limits,
    @JsonInclude(JsonInclude.Include.NON_NULL) RunDeadline deadline) {

  /** A definition whose local paths stay inside the plan's folder. */
  public RunDefinition(
      String planName,
      String planSource,
      JsonNode jobTemplate,
      RetryPolicy retry,
      RunLimits limits,
      RunDeadline deadline) {
    this(planName, planSource, null, jobTemplate, retry, limits, deadline);
  }

  /** A definition without a deadline. */
  public RunDefinition(
      String planName,
      String planSource,
      JsonNode jobTemplate,
      RetryPolicy retry,
      RunLimits limits) {
    this(planName, planSource, null, jobTemplate, retry, limits, null);
  }

  /** The same definition under other caps. */
  public RunDefinition withLimits(RunLimits newLimits) {
    return new RunDefinition(
        planName, planSource, planRoot, jobTemplate, retry, newLimits, deadline);
  }
}
