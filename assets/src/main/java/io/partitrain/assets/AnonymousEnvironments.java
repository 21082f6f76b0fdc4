package io.partitrain.assets;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * An environment declared in the job.yml ({@code environment: {image, conda_file, build, os_type}},
 * or a {@code file:} the plan loader has already read into that form) as {@code az ml job create}
 * registers it: an anonymous version of {@value #NAME} whose version is the MD5 of its content
 * (image, the conda file's YAML text, the build context's content-addressed URI), so the same
 * content is the same version in every run and a changed conda file is a new one. A build context
 * is uploaded to the default datastore first ({@link LocalUploads#buildContextUri}), like a local
 * input.
 *
 * <p>Biggest advantage: registration is one idempotent PUT per content, no lookup needed. Biggest
 * limitation: a version with a build context is built by Azure ML on first use (slow the first
 * time); nothing here waits for the image.
 */
public final class AnonymousEnvironments {

  /** The name the CLI uses for environments declared inline in a job.yml. */
  public static final String NAME = "CliV2AnonymousEnvironment";

  /** The keys an inline environment may have. */
  public static final Set<String> KEYS =
      Set.of("image", "conda_file", "build", "os_type", "description");

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final AssetPaths paths;
  private final LocalUploads uploads;

  /**
   * @param uploads where a build context goes; null refuses build contexts (nothing to upload with)
   */
  public AnonymousEnvironments(AssetPaths paths, LocalUploads uploads) {
    this.paths = paths;
    this.uploads = uploads;
  }

  /**
   * An environment version to register and the id a job refers to it by.
   *
   * @param versionId the ARM id of the version ({@code .../environments/NAME/versions/MD5})
   * @param put the idempotent registration ({@code PUT .../environments/NAME/versions/MD5})
   */
  public record Registration(String versionId, ArmRequest put) {}

  /**
   * @param env the inline environment, its local paths absolute
   * @throws AzureMlTranslationException naming the field, the value and the rule
   */
  public Registration of(String runId, Map<?, ?> env) {
    for (Object key : env.keySet()) {
      if (!KEYS.contains(String.valueOf(key))) {
        throw new AzureMlTranslationException(
            "environment." + key,
            env.get(key),
            "is not an environment key Partitrain registers (it knows "
                + String.join(", ", KEYS.stream().sorted().toList())
                + "); register the environment (az ml environment create --file env.yml) and use"
                + " environment: azureml:NAME:VERSION");
      }
    }
    ObjectNode props = F.objectNode();
    Object image = env.get("image");
    Object build = env.get("build");
    if (build == null && !(image instanceof String img && !img.isBlank())) {
      throw new AzureMlTranslationException(
          "environment.image", image, "must be a container image name (or give build: {path})");
    }
    if (image instanceof String img) {
      props.put("image", img);
    }
    if (build != null) {
      props.set("build", buildContext(runId, build));
    }
    Object conda = env.get("conda_file");
    if (conda != null) {
      props.put("condaFile", condaText(conda));
    }
    props.put("isAnonymous", true);
    props.put(
        "osType",
        "windows".equalsIgnoreCase(String.valueOf(env.get("os_type"))) ? "Windows" : "Linux");
    String version = md5(props.toString());
    ObjectNode body = F.objectNode();
    body.set("properties", props);
    return new Registration(
        paths.assetVersionId(AssetResolver.AssetKind.ENVIRONMENT, NAME, version),
        new ArmRequest(
            "environment.put",
            "PUT",
            paths.assetVersionUrl(AssetResolver.AssetKind.ENVIRONMENT, NAME, version),
            body));
  }

  private ObjectNode buildContext(String runId, Object build) {
    if (!(build instanceof Map<?, ?> b) || !(b.get("path") instanceof String path)) {
      throw new AzureMlTranslationException(
          "environment.build", build, "must be a mapping with path: (the Docker build context)");
    }
    ObjectNode out = F.objectNode();
    if (path.startsWith("http://") || path.startsWith("https://")) {
      out.put("contextUri", path);
    } else if (uploads == null) {
      throw new AzureMlTranslationException(
          "environment.build.path",
          path,
          "is a local folder, and this translation has nothing to upload it with; register the"
              + " environment once (az ml environment create --name NAME --build PATH) and use"
              + " environment: azureml:NAME:VERSION");
    } else {
      out.put(
          "contextUri", uploads.buildContextUri(runId, "environment.build.path", Path.of(path)));
    }
    Object dockerfile = b.get("dockerfile_path");
    out.put("dockerfilePath", dockerfile == null ? "Dockerfile" : String.valueOf(dockerfile));
    return out;
  }

  private static String condaText(Object conda) {
    Path p = Path.of(String.valueOf(conda));
    try {
      return Files.readString(p);
    } catch (IOException | RuntimeException e) {
      throw new AzureMlTranslationException(
          "environment.conda_file", conda, "must be a readable conda file (" + e + ")");
    }
  }

  private static String md5(String s) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is required of every JVM", e);
    }
  }
}
