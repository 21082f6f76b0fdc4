package io.partitrain.worker.backend.azureml;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.worker.backend.JobRef;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tags that tie an Azure ML job to Partitrain. ARM's job list filters by tag <em>key</em> only
 * ({@code GET .../jobs?tag=KEY}), so besides {@code partitrain.run = RUN} each job carries the key
 * {@code partitrain.run.RUN}: listing that key returns exactly one run's jobs.
 */
public final class JobTags {

  public static final String RUN = "partitrain.run";
  public static final String PARTITION = "partitrain.partition";
  public static final String ATTEMPT = "partitrain.attempt";
  public static final String RUN_KEY_PREFIX = "partitrain.run.";

  /**
   * The job's definition fingerprint ({@code JobSpecHash}); get-or-create adopts a job found under
   * its name only when this tag equals the fingerprint of the job being submitted.
   */
  public static final String SPEC = "partitrain.spec";

  private JobTags() {}

  /** The tag key that lists one run's jobs. */
  public static String runKey(String runId) {
    return RUN_KEY_PREFIX + runId;
  }

  /** Whether ARM's tags name this very job: same run, partition and attempt. */
  public static boolean belongTo(Map<String, String> tags, JobRef ref) {
    return ref.runId().equals(tags.get(RUN))
        && ref.partitionId().equals(tags.get(PARTITION))
        && String.valueOf(ref.attempt()).equals(tags.get(ATTEMPT));
  }

  /** A job resource's tags ({@code properties.tags}), in ARM's order. */
  public static Map<String, String> of(JsonNode job) {
    Map<String, String> tags = new LinkedHashMap<>();
    job.at("/properties/tags")
        .fields()
        .forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
    return tags;
  }
}
