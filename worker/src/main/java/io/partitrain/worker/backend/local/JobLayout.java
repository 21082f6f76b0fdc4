package io.partitrain.worker.backend.local;

import io.partitrain.assets.CodeSnapshot;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.contracts.SubmittedJob;
import io.partitrain.shared.plan.JobTemplate;
import io.partitrain.shared.plan.Placeholders;
import io.partitrain.shared.serde.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a job folder holds before its process starts, the way Azure ML lays a job out on a node: a
 * copy of the {@code code} folder, {@code user_logs/}, one folder per output, and the command with
 * {@code ${{inputs.x}}} and {@code ${{outputs.x}}} replaced by quoted local paths and values; and
 * the evidence of that layout ({@link SubmittedJob}).
 */
final class JobLayout {

  private static final Logger log = LoggerFactory.getLogger(JobLayout.class);

  private JobLayout() {}

  /**
   * Lays out the job folder in {@code staged} and returns the command with inputs and outputs
   * resolved to where they will be once it is renamed to {@code dir}.
   */
  static String prepare(Path staged, Path dir, JobSpec spec) {
    try {
      Files.createDirectories(staged.resolve("user_logs"));
      Path codeDir = staged.resolve("code");
      if (spec.code() != null) {
        if (!JobTemplate.isLocalPath(spec.code())) {
          throw new JobSetupException(
              FailureClass.USER,
              "code '"
                  + spec.code()
                  + "' is not a local folder; the local backend runs local code only");
        }
        Path source = Path.of(spec.code());
        if (!Files.isDirectory(source)) {
          throw new JobSetupException(
              FailureClass.USER, "code folder " + source + " does not exist");
        }
        JobFolders.copyTree(source, codeDir);
      } else {
        Files.createDirectories(codeDir);
      }
      Map<String, String> outputs = new HashMap<>();
      for (String name : spec.outputs().keySet()) {
        Files.createDirectories(staged.resolve("outputs").resolve(name));
        outputs.put(name, dir.resolve("outputs").resolve(name).toString());
      }
      return resolveCommand(spec, outputs);
    } catch (IOException e) {
      throw new JobSetupException(
          FailureClass.INFRA, "cannot lay out job folder: " + e.getMessage());
    }
  }

  static String resolveCommand(JobSpec spec, Map<String, String> outputs) {
    return Placeholders.substitute(
        spec.command(),
        expr -> {
          if (expr.startsWith(Placeholders.INPUT_PREFIX)) {
            String name = expr.substring(Placeholders.INPUT_PREFIX.length());
            JobSpec.JobInput in = spec.inputs().get(name);
            if (in == null) {
              throw new JobSetupException(
                  FailureClass.USER,
                  "command uses input '" + name + "', which the job does not declare");
            }
            if (in.isLiteral()) {
              return shellQuote(String.valueOf(in.value()));
            }
            if (JobTemplate.isLocalPath(in.path()) && !Files.exists(Path.of(in.path()))) {
              throw new JobSetupException(
                  FailureClass.USER, "input '" + name + "' path " + in.path() + " does not exist");
            }
            return shellQuote(in.path());
          }
          if (expr.startsWith(Placeholders.OUTPUT_PREFIX)) {
            String name = expr.substring(Placeholders.OUTPUT_PREFIX.length());
            String path = outputs.get(name);
            if (path == null) {
              throw new JobSetupException(
                  FailureClass.USER,
                  "command uses output '" + name + "', which the job does not declare");
            }
            return shellQuote(path);
          }
          return null;
        });
  }

  /** Single-quotes a value for bash, so paths and literal inputs are never interpreted. */
  static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /**
   * The job's evidence as laid out: the content hash of the code copied into the job folder
   * (azure-ai-ml's algorithm, so the same folder hashes the same as on Azure ML), the inputs and
   * outputs as the command received them, and the resolved command line (it holds paths, never a
   * secret: secrets reach the process through its environment only).
   */
  static SubmittedJob submission(JobSpec spec, Path dir, String command) {
    Path codeDir = dir.resolve("code");
    String codeHash = null;
    try {
      codeHash = spec.code() == null ? null : CodeSnapshot.of("code", codeDir).hash();
    } catch (RuntimeException e) {
      // Evidence never stops a job: the hash is left out and the reason logged.
      log.warn("cannot hash the code of job folder {}: {}", dir, e.getMessage());
    }
    Map<String, String> inputs = new LinkedHashMap<>();
    spec.inputs()
        .forEach(
            (name, in) ->
                inputs.put(
                    name,
                    in.isLiteral()
                        ? String.valueOf(in.value())
                        : JobTemplate.isLocalPath(in.path())
                            ? Path.of(in.path()).toAbsolutePath().normalize().toString()
                            : in.path()));
    Map<String, String> outputs = new LinkedHashMap<>();
    for (String name : spec.outputs().keySet()) {
      outputs.put(name, dir.resolve("outputs").resolve(name).toAbsolutePath().toString());
    }
    com.fasterxml.jackson.databind.node.ObjectNode request = Json.mapper().createObjectNode();
    request.put("command", command);
    request.put("workingDirectory", codeDir.toAbsolutePath().toString());
    return new SubmittedJob(
        null,
        "local",
        dir.toAbsolutePath().toString(),
        spec.code() == null ? null : Path.of(spec.code()).toAbsolutePath().normalize().toString(),
        codeHash,
        inputs,
        outputs,
        request);
  }
}
