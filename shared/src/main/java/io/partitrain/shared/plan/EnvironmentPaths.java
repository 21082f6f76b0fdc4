package io.partitrain.shared.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A job's {@code environment:} as {@code az ml} reads it: {@code file:./env.yml} is loaded relative
 * to the job.yml and becomes an inline environment whose own paths are relative to the environment
 * file's folder; an inline environment's {@code conda_file} and {@code build.path} become absolute.
 * A {@code file:} that is not an environment is refused at load; a missing conda file or a build
 * context without its Dockerfile is refused by {@code run start} ({@link #missing}), like a missing
 * code folder, before anything is uploaded. {@code azureml:} references are left as they are.
 */
final class EnvironmentPaths {

  /** The prefix of an environment given as a YAML file. */
  static final String FILE_PREFIX = "file:";

  /** An environment file's keys that describe the environment (the rest names it as an asset). */
  private static final Set<String> ENVIRONMENT_KEYS =
      Set.of("image", "conda_file", "build", "os_type", "description");

  private static final YAMLMapper YAML = new YAMLMapper();

  private EnvironmentPaths() {}

  /**
   * Replaces {@code t.environment} by its resolved form and records what was written, by field.
   *
   * @param file the job.yml, for violations
   */
  static void resolve(
      ObjectNode t, Path base, String file, Map<String, String> written, List<PlanViolation> v) {
    JsonNode env = t.get("environment");
    if (env != null && env.isTextual() && env.asText().startsWith(FILE_PREFIX)) {
      String value = env.asText();
      Path envFile = base.resolve(value.substring(FILE_PREFIX.length())).normalize();
      written.put("environment", value);
      ObjectNode loaded = load(envFile, value, file, v);
      if (loaded == null) {
        return;
      }
      t.set("environment", loaded);
      // Written relative to the environment file, not the job.yml: shown resolved in refusals.
      resolveInline(loaded, envFile.getParent(), file, new java.util.HashMap<>(), v);
      return;
    }
    if (env instanceof ObjectNode inline) {
      resolveInline(inline, base, file, written, v);
    }
  }

  private static ObjectNode load(Path envFile, String value, String file, List<PlanViolation> v) {
    String rule =
        "must name an environment YAML file (a mapping with image: or build:, as 'az ml"
            + " environment create --file' takes); "
            + envFile;
    JsonNode root;
    try {
      root = YAML.readTree(Files.readString(envFile));
    } catch (IOException | RuntimeException e) {
      v.add(new PlanViolation(file, "environment", value, rule + " cannot be read as YAML"));
      return null;
    }
    if (root == null || !root.isObject() || !(root.has("image") || root.has("build"))) {
      v.add(new PlanViolation(file, "environment", value, rule + " is not one"));
      return null;
    }
    ObjectNode env = YAML.createObjectNode();
    root.fields()
        .forEachRemaining(
            e -> {
              if (ENVIRONMENT_KEYS.contains(e.getKey())) {
                env.set(e.getKey(), e.getValue());
              }
            });
    return env;
  }

  private static void resolveInline(
      ObjectNode env, Path base, String file, Map<String, String> written, List<PlanViolation> v) {
    JsonNode conda = env.get("conda_file");
    if (conda != null && conda.isTextual() && JobTemplate.isLocalPath(conda.asText())) {
      written.put("environment.conda_file", conda.asText());
      env.set("conda_file", TextNode.valueOf(base.resolve(conda.asText()).normalize().toString()));
    }
    if (env.get("build") instanceof ObjectNode build) {
      JsonNode path = build.get("path");
      if (path != null && path.isTextual() && JobTemplate.isLocalPath(path.asText())) {
        written.put("environment.build.path", path.asText());
        build.set("path", TextNode.valueOf(base.resolve(path.asText()).normalize().toString()));
      }
    }
  }

  /**
   * The local files of a rendered job's inline environment that are not there: a missing conda
   * file, a build context folder that is missing or has no Dockerfile ({@code dockerfile_path},
   * default {@code Dockerfile}). Checked by {@code run start} ({@link LocalPathCheck}), before
   * anything is uploaded.
   *
   * @param writtenAs a field's path as the job.yml wrote it (null when unknown), for the refusal
   */
  static List<PlanViolation> missing(
      Object environment, String file, UnaryOperator<String> writtenAs) {
    List<PlanViolation> v = new ArrayList<>();
    if (!(environment instanceof Map<?, ?> env)) {
      return v;
    }
    if (env.get("conda_file") instanceof String conda
        && JobTemplate.isLocalPath(conda)
        && !Files.isRegularFile(Path.of(conda))) {
      v.add(
          new PlanViolation(
              file,
              "environment.conda_file",
              shown(writtenAs, "environment.conda_file", conda),
              "must be an existing conda file; it resolves to " + conda));
    }
    if (env.get("build") instanceof Map<?, ?> build
        && build.get("path") instanceof String context
        && JobTemplate.isLocalPath(context)) {
      Object dockerfile = build.get("dockerfile_path");
      Path wanted =
          Path.of(context).resolve(dockerfile == null ? "Dockerfile" : dockerfile.toString());
      if (!Files.isDirectory(Path.of(context))) {
        v.add(
            new PlanViolation(
                file,
                "environment.build.path",
                shown(writtenAs, "environment.build.path", context),
                "must be an existing Docker build context folder; it resolves to " + context));
      } else if (!Files.isRegularFile(wanted)) {
        v.add(
            new PlanViolation(
                file,
                "environment.build.path",
                shown(writtenAs, "environment.build.path", context),
                "the Docker build context has no Dockerfile: "
                    + wanted
                    + " does not exist (set environment.build.dockerfile_path if it has another"
                    + " name)"));
      }
    }
    return v;
  }

  private static String shown(UnaryOperator<String> writtenAs, String field, String resolved) {
    String written = writtenAs.apply(field);
    return written == null ? resolved : written;
  }
}
