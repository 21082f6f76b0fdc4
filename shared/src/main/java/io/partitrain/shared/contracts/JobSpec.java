package io.partitrain.shared.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.util.Map;

/**
 * One job, rendered for one partition: the Azure ML CLI v2 command-job fields ({@code az ml job
 * create --file job.yml}) with Partitrain's placeholders ({@code ${{partition.id}}}, {@code
 * ${{partition.tags.NAME}}}, {@code ${{run.id}}}) already substituted. {@code ${{inputs.x}}} and
 * {@code ${{outputs.x}}} stay in {@link #command} for the backend.
 *
 * @param command the shell command the job runs
 * @param code the code folder: an absolute local path, or {@code azureml:NAME:VERSION}; may be null
 * @param environment {@code azureml:NAME:VERSION}, {@code azureml:NAME@latest}, or an inline object
 *     ({@code image:} / {@code build:}) as in job.yml; ignored by the local backend
 * @param compute the compute target ({@code azureml:NAME}); node caps are kept per compute target
 * @param inputs named inputs: literal values or data references
 * @param outputs named outputs
 * @param environmentVariables variables set for the job's process
 * @param resources node count and instance type
 * @param limits the timeout the backend enforces
 * @param tags the job's tags (the job.yml's, rendered)
 * @param experimentName Azure ML experiment name
 * @param displayName name shown in Studio
 * @param description free text
 * @param extensions job.yml keys passed through unchanged to backends that know them ({@code
 *     distribution}, {@code identity}, {@code queue_settings}, {@code services})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobSpec(
    String command,
    String code,
    Object environment,
    String compute,
    Map<String, JobInput> inputs,
    Map<String, JobOutput> outputs,
    Map<String, String> environmentVariables,
    Resources resources,
    Limits limits,
    Map<String, String> tags,
    String experimentName,
    String displayName,
    String description,
    Map<String, Object> extensions) {

  /**
   * The tag that names the run incarnation a job belongs to: when its run started (the {@code
   * RunStarted} time). It makes two runs that reuse a run id (after the stack's state was lost)
   * render different jobs, so get-or-create reports a conflict instead of adopting the old job.
   */
  public static final String RUN_STARTED_TAG = "partitrain.run.started";

  /** Compute target name used when a job.yml names none (the local default). */
  public static final String DEFAULT_COMPUTE = "local";

  public JobSpec {
    inputs = inputs == null ? Map.of() : Map.copyOf(inputs);
    outputs = outputs == null ? Map.of() : Map.copyOf(outputs);
    environmentVariables =
        environmentVariables == null ? Map.of() : Map.copyOf(environmentVariables);
    tags = tags == null ? Map.of() : Map.copyOf(tags);
    extensions = extensions == null ? Map.of() : Map.copyOf(extensions);
    resources = resources == null ? Resources.DEFAULT : resources;
    limits = limits == null ? Limits.NONE : limits;
  }

  /** The compute target the node cap is kept for: the compute name without {@code azureml:}. */
  public String computeTarget() {
    return targetName(compute);
  }

  /**
   * The one name of a compute target, however it is written: {@code azureml:cpu-cluster} and {@code
   * cpu-cluster} are the same target (job.yml writes the first, operators the second); blank is
   * {@link #DEFAULT_COMPUTE}.
   */
  public static String targetName(String compute) {
    if (compute == null || compute.isBlank()) {
      return DEFAULT_COMPUTE;
    }
    String t = compute.strip();
    return t.startsWith("azureml:") ? t.substring("azureml:".length()) : t;
  }

  /** Nodes this job holds while it runs ({@code resources.instance_count}). */
  public int nodes() {
    return resources.instanceCount();
  }

  /** This job with one more tag (replacing a tag of that name). */
  public JobSpec withTag(String name, String value) {
    Map<String, String> more = new java.util.TreeMap<>(tags);
    more.put(name, value);
    return new JobSpec(
        command,
        code,
        environment,
        compute,
        inputs,
        outputs,
        environmentVariables,
        resources,
        limits,
        more,
        experimentName,
        displayName,
        description,
        extensions);
  }

  public JobSpec withTimeout(Duration timeout) {
    return new JobSpec(
        command,
        code,
        environment,
        compute,
        inputs,
        outputs,
        environmentVariables,
        resources,
        new Limits(timeout),
        tags,
        experimentName,
        displayName,
        description,
        extensions);
  }

  /**
   * One job input: either a literal {@code value} (string, number, boolean) or a data reference.
   *
   * @param type {@code uri_file}, {@code uri_folder}, {@code mltable}, ... ; null for a literal
   * @param path where the data is: a local path, a URL, or {@code azureml:NAME@latest}
   * @param mode how the backend provides it ({@code ro_mount}, {@code download}, ...)
   * @param value the literal value, when this input is not a data reference
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record JobInput(String type, String path, String mode, Object value) {
    public static JobInput literal(Object value) {
      return new JobInput(null, null, null, value);
    }

    public boolean isLiteral() {
      return type == null && path == null;
    }
  }

  /**
   * One job output.
   *
   * @param type {@code uri_folder} (default), {@code uri_file}, {@code mlflow_model}, ...
   * @param path where it is written; null lets the backend choose
   * @param mode {@code rw_mount} or {@code upload}
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record JobOutput(String type, String path, String mode) {}

  /**
   * @param instanceCount nodes the job holds ({@code resources.instance_count}, at least 1)
   * @param instanceType VM size or local slot type; selects the price in the plan's price table
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Resources(int instanceCount, String instanceType) {
    public static final Resources DEFAULT = new Resources(1, null);

    public Resources {
      if (instanceCount < 1) {
        throw new IllegalArgumentException(
            "resources.instance_count must be at least 1, but was " + instanceCount);
      }
    }
  }

  /**
   * @param timeout the longest the job may run before the backend kills it; null for no limit
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Limits(Duration timeout) {
    public static final Limits NONE = new Limits(null);
  }
}
