package io.partitrain.shared.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The job as the worker really submitted it: the evidence only the worker can give, because it
 * resolves the code, the inputs and the outputs on its own machine or in the workspace. A worker
 * reports it once, on the SUBMITTED status of the job it created (or, for a job adopted before its
 * creator reported it, on the adopter's first status: {@link #adoptedBy}); the orchestrator carries
 * it on that transition of the runs topic, so every reader of that topic (the console, {@code run
 * evidence}) has it; readers keep the first evidence of an attempt. Optional everywhere: older
 * workers send none, and readers show what they have.
 *
 * @param workerId the worker that created the job
 * @param backend the backend that runs it ({@code local}, {@code azureml}, {@code simulated})
 * @param backendId the backend's id of the job (an ARM id, a job folder), if it has one
 * @param codeLocation where the code came from and went: the local folder copied, or the Azure ML
 *     code version id ({@code .../codes/NAME/versions/V})
 * @param codeHash the code's content hash, SHA-256 in hex, computed as azure-ai-ml computes a code
 *     asset's {@code hash_sha256} (hash version {@link #CODE_HASH_VERSION}), so the same folder
 *     gives the same hash on every backend; null when the job has no code or the code is a
 *     registered asset whose content the worker did not read
 * @param inputs each input as resolved for this job: a local path, an {@code azureml://} URI, or a
 *     literal's value
 * @param outputs each output as resolved for this job: a local folder or a URI; {@code (service
 *     default)} when Azure ML chooses it
 * @param requestBody the body the backend was sent (Azure ML: the ARM PUT of the job), with the
 *     values of environment variables whose names look secret replaced by {@link #REDACTED}
 * @param logUrl where the console fetches the log tail of a local job: the creating worker's HTTP
 *     port ({@code /jobs/NAME/log}, with the workers' log token), when that worker serves it
 * @param adoptedBy set when the job's creator never reported it (it stopped between creating the
 *     job and reporting SUBMITTED): the worker that adopted the job and read this evidence back
 *     from the backend (the job folder; Azure ML: the job resource as the service holds it, whose
 *     code hash it does not know). {@code workerId} is then null: who created it is not known
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SubmittedJob(
    String workerId,
    String backend,
    String backendId,
    String codeLocation,
    String codeHash,
    Map<String, String> inputs,
    Map<String, String> outputs,
    JsonNode requestBody,
    String logUrl,
    String adoptedBy) {

  /** The azure-ai-ml hash version of {@link #codeHash}. */
  public static final String CODE_HASH_VERSION = "202208";

  /** What a redacted value reads as. */
  public static final String REDACTED = "***redacted***";

  /**
   * Environment variable names whose values never go into evidence, whatever they hold: a secret
   * written literally into a job.yml (instead of {@code ${{secrets.NAME}}}) is still kept out.
   */
  private static final Pattern SECRET_NAME =
      Pattern.compile(
          "(?i).*(secret|password|passwd|token|key|credential|connection|sas|pwd|auth).*");

  public SubmittedJob {
    inputs =
        inputs == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(inputs));
    outputs =
        outputs == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(outputs));
  }

  /** Evidence its creator reported. */
  public SubmittedJob(
      String workerId,
      String backend,
      String backendId,
      String codeLocation,
      String codeHash,
      Map<String, String> inputs,
      Map<String, String> outputs,
      JsonNode requestBody,
      String logUrl) {
    this(
        workerId,
        backend,
        backendId,
        codeLocation,
        codeHash,
        inputs,
        outputs,
        requestBody,
        logUrl,
        null);
  }

  /** Evidence without a log URL (set by the worker, not the backend: {@link #withLogUrl}). */
  public SubmittedJob(
      String workerId,
      String backend,
      String backendId,
      String codeLocation,
      String codeHash,
      Map<String, String> inputs,
      Map<String, String> outputs,
      JsonNode requestBody) {
    this(workerId, backend, backendId, codeLocation, codeHash, inputs, outputs, requestBody, null);
  }

  /** The same evidence, naming the worker that created the job. */
  public SubmittedJob withWorker(String worker) {
    return new SubmittedJob(
        worker,
        backend,
        backendId,
        codeLocation,
        codeHash,
        inputs,
        outputs,
        requestBody,
        logUrl,
        adoptedBy);
  }

  /** The same evidence, with where the creating worker serves the job's log. */
  public SubmittedJob withLogUrl(String url) {
    return new SubmittedJob(
        workerId,
        backend,
        backendId,
        codeLocation,
        codeHash,
        inputs,
        outputs,
        requestBody,
        url,
        adoptedBy);
  }

  /**
   * The same evidence as read back by {@code worker}, which adopted a job whose creator never
   * reported it: its creator is unknown, and the log lies on the creator's disk.
   */
  public SubmittedJob foundBy(String worker) {
    return new SubmittedJob(
        null,
        backend,
        backendId,
        codeLocation,
        codeHash,
        inputs,
        outputs,
        requestBody,
        null,
        worker);
  }

  /** Whether an environment variable of this name has its value redacted in evidence. */
  public static boolean looksSecret(String environmentVariableName) {
    return environmentVariableName != null
        && SECRET_NAME.matcher(environmentVariableName).matches();
  }
}
