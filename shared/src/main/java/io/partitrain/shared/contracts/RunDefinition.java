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
 * @param jobTemplate the job.yml as a tree, placeholders not yet substituted, local paths made
 *     absolute; rendered per partition by {@code JobTemplate.render}
 * @param retry the retry policy
 * @param limits the caps
 * @param deadline when a run must be done; null when the plan names no deadline
 */
public record RunDefinition(
    String planName,
    String planSource,
    JsonNode jobTemplate,
    RetryPolicy retry,
    RunLimits limits,
    @JsonInclude(JsonInclude.Include.NON_NULL) RunDeadline deadline) {

  /** A definition without a deadline. */
  public RunDefinition(
      String planName,
      String planSource,
      JsonNode jobTemplate,
      RetryPolicy retry,
      RunLimits limits) {
    this(planName, planSource, jobTemplate, retry, limits, null);
  }
}
