package io.partitrain.worker.backend.local;

import io.partitrain.shared.contracts.JobNames;
import io.partitrain.shared.contracts.JobSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the local backend would run for one job, without running it ({@code partitrain job render
 * --backend local}): the job folder, the bash command with {@code ${{inputs.NAME}}} and {@code
 * ${{outputs.NAME}}} substituted exactly as a launch substitutes them, the job's own environment
 * variables as written ({@code ${{secrets.NAME}}} stays a reference: secrets exist only on the
 * worker), the timeout and the slots it takes.
 *
 * @param jobFolder where the job's code copy, {@code user_logs/} and {@code outputs/} would be
 * @param command the command bash would run, in the job folder's {@code code/}
 * @param notes what of the job.yml the local backend leaves out, and why
 */
public record LocalJobPreview(
    String type,
    String backend,
    String jobName,
    String jobFolder,
    String command,
    String code,
    Map<String, String> environmentVariables,
    Long timeoutSeconds,
    int slots,
    List<String> notes) {

  public LocalJobPreview {
    notes = List.copyOf(notes);
  }

  /**
   * What the local backend leaves out of {@code spec}. {@code services:} (JupyterLab, SSH, VS Code,
   * TensorBoard, a custom port) are interactive endpoints Azure ML opens into its own compute; a
   * local job runs on this machine, where the same tools can be started by hand, and the job's
   * result does not depend on them, so the job runs without them rather than being refused: the
   * same job.yml serves the laptop and the cluster. An inline or {@code file:} environment ({@code
   * image}, {@code conda_file}, {@code build}) is left out the same way as an {@code azureml:} one:
   * the local command runs with this machine's tools.
   */
  public static List<String> notesFor(JobSpec spec) {
    List<String> notes = new java.util.ArrayList<>();
    if (spec.environment() instanceof Map<?, ?> env && !env.isEmpty()) {
      notes.add(
          "environment "
              + new TreeMap<>(env).keySet()
              + " is ignored: the local backend runs the command with this machine's tools, as it"
              + " does with an azureml: environment; the azureml backend registers it");
    }
    servicesNote(spec).ifPresent(notes::add);
    return List.copyOf(notes);
  }

  private static java.util.Optional<String> servicesNote(JobSpec spec) {
    Object services = spec.extensions().get("services");
    if (!(services instanceof Map<?, ?> m) || m.isEmpty()) {
      return java.util.Optional.empty();
    }
    Map<String, Object> types = new TreeMap<>();
    m.forEach(
        (name, s) ->
            types.put(
                String.valueOf(name), s instanceof Map<?, ?> entry ? entry.get("type") : null));
    return java.util.Optional.of(
        "services "
            + types
            + " are ignored: they are Azure ML endpoints into its compute; the local backend runs"
            + " the command without them");
  }

  /**
   * The preview of {@code spec} as job {@code jobName} under {@code jobsRoot}.
   *
   * @throws RuntimeException as a launch would fail: an input that does not exist, an undeclared
   *     one
   */
  public static LocalJobPreview of(JobSpec spec, Path jobsRoot, String jobName) {
    if (!JobNames.isValid(jobName)) {
      throw new IllegalArgumentException(
          "job name '" + jobName + "' does not match " + JobNames.RULE);
    }
    if (spec.code() != null
        && !(io.partitrain.shared.plan.JobTemplate.isLocalPath(spec.code())
            && java.nio.file.Files.isDirectory(Path.of(spec.code())))) {
      // As a launch refuses it (JobLayout#prepare).
      throw new IllegalArgumentException(
          "code '"
              + spec.code()
              + "' is not an existing local folder; the local backend runs"
              + " local code only");
    }
    Path dir = jobsRoot.toAbsolutePath().resolve(jobName);
    Map<String, String> outputs = new TreeMap<>();
    spec.outputs()
        .keySet()
        .forEach(n -> outputs.put(n, dir.resolve("outputs").resolve(n).toString()));
    return new LocalJobPreview(
        "LocalJobPreview",
        "local",
        jobName,
        dir.toString(),
        JobLayout.resolveCommand(spec, outputs),
        spec.code(),
        new TreeMap<>(spec.environmentVariables()),
        spec.limits() == null || spec.limits().timeout() == null
            ? null
            : spec.limits().timeout().toSeconds(),
        spec.nodes(),
        notesFor(spec));
  }
}
