package io.partitrain.worker.backend;

import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.contracts.WorkItem;
import java.util.Map;

/**
 * What a backend needs to create one job.
 *
 * @param ref which job
 * @param spec the rendered job (command, code, inputs, outputs, resources, timeout, ...)
 * @param partitionTags the partition's tags; backends that tag jobs add them
 */
public record JobRequest(JobRef ref, JobSpec spec, Map<String, String> partitionTags) {

  public JobRequest {
    partitionTags = partitionTags == null ? Map.of() : Map.copyOf(partitionTags);
  }

  public static JobRequest of(WorkItem item) {
    return new JobRequest(JobRef.of(item), item.job(), item.partitionTags());
  }

  public String jobName() {
    return ref.jobName();
  }
}
