package io.partitrain.worker.backend.azureml;

import java.time.Instant;
import java.util.List;

/**
 * What the {@code azureml} backend keeps as evidence of one attempt, for the auditor's record.
 *
 * @param jobName the deterministic job name
 * @param armId the job's ARM resource id
 * @param studioUrl the job's page in Azure ML Studio ({@code services.Studio.endpoint})
 * @param history every status this process saw, with the time it first saw it (ARM keeps no history
 *     in the job resource, so a job adopted after a restart has a shorter history)
 */
public record JobEvidence(
    String jobName, String armId, String studioUrl, List<StatusChange> history) {

  public JobEvidence {
    history = List.copyOf(history);
  }

  /** One status as first seen. {@code status} is ARM's word, kept even if not known to us. */
  public record StatusChange(String status, Instant seenAt) {}
}
