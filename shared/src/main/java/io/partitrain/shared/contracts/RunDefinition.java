package io.partitrain.shared.contracts;

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
 */
public record RunDefinition(
    String planName,
    String planSource,
    JsonNode jobTemplate,
    RetryPolicy retry,
    RunLimits limits) {}
