package io.partitrain.worker.backend.azureml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.partitrain.assets.ArmRequest;
import io.partitrain.shared.contracts.SubmittedJob;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The evidence of an Azure ML job this worker created: the ARM PUT body as sent (secret-looking
 * environment variable values redacted), the code version it points at with the code's content
 * hash, and each input and output URI as resolved (local files uploaded become {@code azureml://}
 * URIs; an output without a path is where the service put it, read from ARM's answer).
 */
final class SubmissionEvidence {

  /** What an output without a path reads as when ARM's answer does not name its URI. */
  static final String SERVICE_DEFAULT = "(service default)";

  private SubmissionEvidence() {}

  static SubmittedJob of(ArmRequest put, JsonNode answer, String jobId, String codeHash) {
    JsonNode sent = put.body() == null ? null : redacted(put.body());
    JsonNode props = sent == null ? null : sent.path("properties");
    JsonNode answered = answer == null ? null : answer.path("properties");
    Map<String, String> inputs = new LinkedHashMap<>();
    if (props != null) {
      props
          .path("inputs")
          .fields()
          .forEachRemaining(
              e ->
                  inputs.put(
                      e.getKey(),
                      e.getValue().has("uri")
                          ? e.getValue().path("uri").asText()
                          : e.getValue().path("value").asText()));
    }
    Map<String, String> outputs = new LinkedHashMap<>();
    if (props != null) {
      props
          .path("outputs")
          .fields()
          .forEachRemaining(
              e -> {
                String uri = e.getValue().path("uri").asText(null);
                if (uri == null && answered != null) {
                  uri = answered.path("outputs").path(e.getKey()).path("uri").asText(null);
                }
                outputs.put(e.getKey(), uri == null ? SERVICE_DEFAULT : uri);
              });
    }
    String armId = answer == null ? null : answer.path("id").asText(null);
    return new SubmittedJob(
        null,
        "azureml",
        armId != null ? armId : jobId,
        props == null ? null : props.path("codeId").asText(null),
        codeHash,
        inputs,
        outputs,
        sent);
  }

  /**
   * The evidence of a job found in the workspace rather than created here: its resource as the
   * service answers a GET (the properties its creator sent, as the service kept them). The code's
   * content hash is not known: the code version's id names it.
   */
  static SubmittedJob found(JsonNode job, String jobId) {
    return of(new ArmRequest("job.get", "GET", jobId, job), job, jobId, null);
  }

  /** A copy of the body whose secret-looking environment variables read {@code ***redacted***}. */
  static JsonNode redacted(JsonNode body) {
    JsonNode copy = body.deepCopy();
    JsonNode env = copy.path("properties").path("environmentVariables");
    if (env instanceof ObjectNode vars) {
      for (Iterator<String> names = vars.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (SubmittedJob.looksSecret(name)) {
          vars.put(name, SubmittedJob.REDACTED);
        }
      }
    }
    return copy;
  }
}
