package io.partitrain.worker.backend.azureml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.partitrain.assets.AnonymousEnvironments;
import io.partitrain.assets.ArmRequest;
import io.partitrain.assets.AssetResolver;
import io.partitrain.assets.AssetResolver.AssetKind;
import io.partitrain.assets.AzureMlTranslationException;
import io.partitrain.assets.LocalUploads;
import io.partitrain.shared.contracts.JobNames;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.contracts.JobSpec.JobInput;
import io.partitrain.shared.contracts.JobSpec.JobOutput;
import io.partitrain.shared.plan.JobTemplate;
import io.partitrain.shared.plan.SecretRefs;
import io.partitrain.shared.serde.Json;
import io.partitrain.worker.backend.JobRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns a rendered job.yml ({@link JobSpec}, CLI v2 command-job keys) into the ARM {@code
 * JobBaseResource} body of {@code PUT .../jobs/{name}}, the way {@code az ml job create} does:
 * short {@code azureml:} references become ARM ids, CLI mode words become REST enum values, {@code
 * limits.timeout} seconds become an ISO-8601 duration, and Partitrain's tags are added.
 *
 * <p>Biggest advantage: the translation is pure (no calls) except for {@code @latest}, which goes
 * through an {@link AssetResolver}, and a local {@code code:} folder, which goes through {@link
 * LocalUploads} (the backend uploads it once per content; the dry run says what it would upload),
 * so the dry run prints exactly what the backend sends; a local input file or folder goes the same
 * way to the default datastore, and so does an environment's {@code build:} context. An inline
 * environment ({@code image}, {@code conda_file}, {@code build}) is registered as an anonymous
 * environment version ({@link AnonymousEnvironments}: one idempotent PUT, returned as a
 * prerequisite), as the CLI does. Biggest limitation: the translation trusts the plan loader to
 * have resolved the job's local paths (absolute, inside the plan's root).
 */
public final class JobBodyTranslator {

  /**
   * Partitrain never sends a secret value with an Azure ML job (it would be stored in the job's
   * definition, visible to anyone who can read the workspace); the job reads it itself.
   */
  static final String SECRETS_RULE =
      "the azureml backend does not pass ${{secrets.NAME}} to a job: store the secret in Azure Key"
          + " Vault, give the job a managed identity (identity: {type: managed}) with the 'Key Vault"
          + " Secrets User' role, and read it in the job (azure-identity ManagedIdentityCredential"
          + " + SecretClient, or `az keyvault secret show`)";

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final Map<String, String> INPUT_MODES =
      Map.of(
          "ro_mount",
          "ReadOnlyMount",
          "rw_mount",
          "ReadWriteMount",
          "download",
          "Download",
          "direct",
          "Direct",
          "eval_mount",
          "EvalMount",
          "eval_download",
          "EvalDownload");
  private static final Map<String, String> OUTPUT_MODES =
      Map.of("rw_mount", "ReadWriteMount", "upload", "Upload", "direct", "Direct");
  private static final Set<String> MODEL_TYPES =
      Set.of("custom_model", "mlflow_model", "triton_model");
  private static final Set<String> DATA_TYPES =
      Set.of("uri_file", "uri_folder", "mltable", "custom_model", "mlflow_model", "triton_model");

  private static final Map<String, String> JOB_TIERS =
      Map.of(
          "null",
          "Null",
          "spot",
          "Spot",
          "basic",
          "Basic",
          "standard",
          "Standard",
          "premium",
          "Premium");

  private final ArmPaths paths;
  private final AssetResolver resolver;
  private final LocalUploads uploads;
  private final AnonymousEnvironments environments;

  /** A translator that refuses local code folders (nothing to upload them with). */
  public JobBodyTranslator(ArmPaths paths, AssetResolver resolver) {
    this(paths, resolver, null);
  }

  public JobBodyTranslator(ArmPaths paths, AssetResolver resolver, LocalUploads uploads) {
    this.paths = paths;
    this.resolver = resolver;
    this.uploads = uploads;
    this.environments = new AnonymousEnvironments(paths.assets(), uploads);
  }

  /**
   * The translated job: the PUT body and the calls that must succeed before it (an anonymous
   * environment registration), in order.
   */
  public record Translation(ObjectNode body, List<ArmRequest> prerequisites) {
    public Translation {
      prerequisites = List.copyOf(prerequisites);
    }
  }

  /**
   * @throws AzureMlTranslationException naming the job.yml key, the value and the fix
   */
  public Translation translate(JobRequest request) {
    String name = request.jobName();
    if (!JobNames.isValid(name)) {
      throw new AzureMlTranslationException("(job name)", name, "must match " + JobNames.RULE);
    }
    JobSpec spec = request.spec();
    String runId = request.ref().runId();
    List<ArmRequest> prerequisites = new ArrayList<>();
    ObjectNode p = F.objectNode();
    p.put("jobType", "Command");
    if (spec.command() == null || spec.command().isBlank()) {
      throw new AzureMlTranslationException("command", spec.command(), "is required");
    }
    p.put("command", spec.command());
    p.put("environmentId", environmentId(runId, spec.environment(), prerequisites));
    putIfPresent(p, "codeId", codeId(runId, spec.code()));
    putIfPresent(p, "computeId", computeId(spec.compute()));
    putIfPresent(p, "displayName", spec.displayName());
    putIfPresent(p, "experimentName", spec.experimentName());
    putIfPresent(p, "description", spec.description());
    refuseSecretReferences(spec);
    if (!spec.environmentVariables().isEmpty()) {
      p.set(
          "environmentVariables",
          Json.mapper().valueToTree(new TreeMap<>(spec.environmentVariables())));
    }
    if (!spec.inputs().isEmpty()) {
      ObjectNode inputs = p.putObject("inputs");
      new TreeMap<>(spec.inputs()).forEach((k, v) -> inputs.set(k, input(runId, k, v)));
    }
    if (!spec.outputs().isEmpty()) {
      ObjectNode outputs = p.putObject("outputs");
      new TreeMap<>(spec.outputs()).forEach((k, v) -> outputs.set(k, output(k, v)));
    }
    ObjectNode resources = p.putObject("resources");
    resources.put("instanceCount", spec.resources().instanceCount());
    putIfPresent(resources, "instanceType", spec.resources().instanceType());
    if (spec.limits().timeout() != null) {
      ObjectNode limits = p.putObject("limits");
      limits.put("jobLimitsType", "Command");
      limits.put("timeout", isoSeconds(spec.limits().timeout()));
    }
    extensions(spec.extensions(), p);
    p.set("tags", Json.mapper().valueToTree(tags(request)));
    ObjectNode body = F.objectNode();
    body.set("properties", p);
    return new Translation(body, prerequisites);
  }

  /** job.yml tags, then the partition's tags, then Partitrain's (which always win). */
  static Map<String, String> tags(JobRequest request) {
    Map<String, String> tags = new TreeMap<>(request.spec().tags());
    tags.putAll(request.partitionTags());
    tags.put(JobTags.RUN, request.ref().runId());
    tags.put(JobTags.PARTITION, request.ref().partitionId());
    tags.put(JobTags.ATTEMPT, String.valueOf(request.ref().attempt()));
    tags.put(JobTags.runKey(request.ref().runId()), "1");
    tags.put(JobTags.SPEC, io.partitrain.shared.serde.JobSpecHash.of(request.spec()));
    return tags;
  }

  /** ARM accepts durations with whole seconds only. */
  static String isoSeconds(java.time.Duration d) {
    long seconds = Math.max(1, (d.toMillis() + 999) / 1000);
    return java.time.Duration.ofSeconds(seconds).toString();
  }

  private String environmentId(String runId, Object env, List<ArmRequest> prerequisites) {
    if (env == null) {
      throw new AzureMlTranslationException(
          "environment",
          null,
          "is required by Azure ML: use azureml:NAME:VERSION, azureml:NAME@latest or {image: IMAGE}");
    }
    if (env instanceof String s) {
      return reference("environment", runId, AssetKind.ENVIRONMENT, s);
    }
    if (!(env instanceof Map<?, ?> m)) {
      throw new AzureMlTranslationException("environment", env, "must be a string or a mapping");
    }
    AnonymousEnvironments.Registration r = environments.of(runId, m);
    prerequisites.add(r.put());
    return r.versionId();
  }

  private String codeId(String runId, String code) {
    if (code == null || code.isBlank()) {
      return null;
    }
    if (JobTemplate.isLocalPath(code) && uploads != null) {
      return uploads.codeVersionId(runId, java.nio.file.Path.of(code));
    }
    if (JobTemplate.isLocalPath(code)) {
      throw new AzureMlTranslationException(
          "code",
          code,
          "is a local folder, and the azureml backend cannot upload code yet; register it once "
              + "with 'az ml code create --name NAME --version 1 --path "
              + code
              + "' (or let "
              + "'az ml job create' upload it once and reuse its code asset) and set "
              + "code: azureml:NAME:1");
    }
    return reference("code", runId, AssetKind.CODE, code);
  }

  private String computeId(String compute) {
    if (compute == null || compute.isBlank()) {
      return null;
    }
    if (compute.startsWith("azureml:/")) {
      return compute.substring("azureml:".length());
    }
    if (compute.startsWith("/subscriptions/")) {
      return compute;
    }
    String name = compute.startsWith("azureml:") ? compute.substring("azureml:".length()) : compute;
    if (name.equals(JobSpec.DEFAULT_COMPUTE)) {
      throw new AzureMlTranslationException(
          "compute",
          compute,
          "'local' runs on the local backend only; name an AmlCompute cluster (azureml:NAME), "
              + "or leave compute out for serverless compute");
    }
    if (!name.matches("^[a-zA-Z][a-zA-Z0-9-]{1,31}$")) {
      throw new AzureMlTranslationException(
          "compute", compute, "must be azureml:NAME of a compute target");
    }
    return paths.computeId(name);
  }

  /**
   * {@code azureml:NAME:VERSION}, {@code azureml:NAME@latest}, an ARM id ({@code azureml:/subs...}
   * or {@code /subs...}) or a registry asset ({@code azureml://registries/...}).
   */
  private String reference(String field, String runId, AssetKind kind, String ref) {
    if (ref.startsWith("azureml://registries/")) {
      return ref;
    }
    if (ref.startsWith("azureml:/")) {
      return ref.substring("azureml:".length());
    }
    if (ref.startsWith("/subscriptions/")) {
      return ref;
    }
    if (!ref.startsWith("azureml:")) {
      throw new AzureMlTranslationException(
          field, ref, "must be azureml:NAME:VERSION or azureml:NAME@latest");
    }
    String rest = ref.substring("azureml:".length());
    int at = rest.lastIndexOf('@');
    if (at > 0) {
      String label = rest.substring(at + 1);
      if (!label.equals("latest")) {
        throw new AzureMlTranslationException(field, ref, "the only supported label is @latest");
      }
      String name = rest.substring(0, at);
      return paths.assets().assetVersionId(kind, name, resolver.latestVersion(runId, kind, name));
    }
    int colon = rest.lastIndexOf(':');
    if (colon <= 0 || colon == rest.length() - 1) {
      throw new AzureMlTranslationException(
          field, ref, "needs a version: azureml:NAME:VERSION or azureml:NAME@latest");
    }
    return paths.assets().assetVersionId(kind, rest.substring(0, colon), rest.substring(colon + 1));
  }

  private JsonNode input(String runId, String name, JobInput in) {
    ObjectNode n = F.objectNode();
    if (in.isLiteral()) {
      String value = in.value() == null ? "" : String.valueOf(in.value());
      if (value.isEmpty()) {
        throw new AzureMlTranslationException(
            "inputs." + name, value, "a literal input must not be empty (ARM requires a value)");
      }
      n.put("jobInputType", "literal");
      n.put("value", value);
      return n;
    }
    String type = in.type() == null ? "uri_folder" : in.type();
    if (!DATA_TYPES.contains(type)) {
      throw new AzureMlTranslationException(
          "inputs." + name + ".type",
          type,
          "must be one of " + new java.util.TreeSet<>(DATA_TYPES));
    }
    n.put("jobInputType", type);
    AssetKind kind = MODEL_TYPES.contains(type) ? AssetKind.MODEL : AssetKind.DATA;
    n.put("uri", assetUri(runId, "inputs." + name + ".path", kind, in.path()));
    if (in.mode() != null) {
      n.put("mode", mode("inputs." + name + ".mode", in.mode(), INPUT_MODES));
    }
    return n;
  }

  private JsonNode output(String name, JobOutput out) {
    ObjectNode n = F.objectNode();
    String type = out.type() == null ? "uri_folder" : out.type();
    if (!DATA_TYPES.contains(type)) {
      throw new AzureMlTranslationException(
          "outputs." + name + ".type",
          type,
          "must be one of " + new java.util.TreeSet<>(DATA_TYPES));
    }
    n.put("jobOutputType", type);
    if (out.path() != null) {
      if (JobTemplate.isLocalPath(out.path())) {
        throw new AzureMlTranslationException(
            "outputs." + name + ".path",
            out.path(),
            "must be a datastore URI (azureml://datastores/NAME/paths/...), not a local path");
      }
      n.put("uri", out.path());
    }
    if (out.mode() != null) {
      n.put("mode", mode("outputs." + name + ".mode", out.mode(), OUTPUT_MODES));
    }
    return n;
  }

  /**
   * The URI of a data or model input: {@code azureml:NAME:VERSION} becomes the ARM id of that
   * version of {@code kind} (a model input names a model, not a data asset), a local file or folder
   * is uploaded (the same way whatever the input's type), a URI is sent as it is.
   */
  private String assetUri(String runId, String field, AssetKind kind, String path) {
    if (path == null || path.isBlank()) {
      throw new AzureMlTranslationException(field, path, "is required for a data input");
    }
    if (path.startsWith("azureml:") && !path.startsWith("azureml://")) {
      return "azureml:" + reference(field, runId, kind, path);
    }
    if (JobTemplate.isLocalPath(path) && uploads != null) {
      return uploads.dataUri(runId, field, java.nio.file.Path.of(path));
    }
    if (JobTemplate.isLocalPath(path)) {
      throw new AzureMlTranslationException(
          field,
          path,
          "is a local path, and the azureml backend cannot upload data yet; register it once "
              + "(az ml data create --name NAME --version 1 --path "
              + path
              + " --type uri_folder) "
              + "and use azureml:NAME:1, or give a datastore or https URI");
    }
    return path;
  }

  private static String mode(String field, String cli, Map<String, String> modes) {
    String rest = modes.get(cli.toLowerCase(java.util.Locale.ROOT));
    if (rest != null) {
      return rest;
    }
    if (modes.containsValue(cli)) {
      return cli;
    }
    throw new AzureMlTranslationException(
        field, cli, "must be one of " + new java.util.TreeSet<>(modes.keySet()));
  }

  private void extensions(Map<String, Object> ext, ObjectNode p) {
    for (Map.Entry<String, Object> e : new TreeMap<>(ext).entrySet()) {
      JsonNode v = Json.mapper().valueToTree(e.getValue());
      switch (e.getKey()) {
        case "distribution" -> p.set("distribution", distribution(v));
        case "identity" -> p.set("identity", identity(v));
        case "queue_settings" -> p.set("queueSettings", queueSettings(v));
        case "services" -> p.set("services", JobServicesBody.of(v));
        case "properties" ->
            p.set("properties", Json.mapper().valueToTree(stringMap("properties", v)));
        default ->
            throw new AzureMlTranslationException(
                e.getKey(), v, "is not supported by the azureml backend yet");
      }
    }
  }

  private static JsonNode distribution(JsonNode v) {
    String type = v.path("type").asText("").toLowerCase(java.util.Locale.ROOT);
    ObjectNode n = F.objectNode();
    switch (type) {
      case "pytorch" -> {
        n.put("distributionType", "PyTorch");
        copyInt(v, "process_count_per_instance", n, "processCountPerInstance", "distribution");
        onlyKeys(v, "distribution", "type", "process_count_per_instance");
      }
      case "mpi" -> {
        n.put("distributionType", "Mpi");
        copyInt(v, "process_count_per_instance", n, "processCountPerInstance", "distribution");
        onlyKeys(v, "distribution", "type", "process_count_per_instance");
      }
      case "tensorflow" -> {
        n.put("distributionType", "TensorFlow");
        copyInt(v, "worker_count", n, "workerCount", "distribution");
        copyInt(v, "parameter_server_count", n, "parameterServerCount", "distribution");
        onlyKeys(v, "distribution", "type", "worker_count", "parameter_server_count");
      }
      default ->
          throw new AzureMlTranslationException(
              "distribution.type",
              v.path("type").asText(null),
              "must be pytorch, tensorflow or mpi");
    }
    return n;
  }

  private static JsonNode identity(JsonNode v) {
    String type = v.path("type").asText("").toLowerCase(java.util.Locale.ROOT);
    ObjectNode n = F.objectNode();
    switch (type) {
      case "user_identity" -> n.put("identityType", "UserIdentity");
      case "aml_token" -> n.put("identityType", "AMLToken");
      case "managed", "managed_identity" -> {
        n.put("identityType", "Managed");
        for (String[] k :
            new String[][] {
              {"client_id", "clientId"}, {"object_id", "objectId"}, {"resource_id", "resourceId"}
            }) {
          if (v.hasNonNull(k[0])) {
            n.put(k[1], v.get(k[0]).asText());
          }
        }
      }
      default ->
          throw new AzureMlTranslationException(
              "identity.type",
              v.path("type").asText(null),
              "must be user_identity, managed or aml_token");
    }
    return n;
  }

  private static JsonNode queueSettings(JsonNode v) {
    ObjectNode n = F.objectNode();
    if (v.hasNonNull("job_tier")) {
      String tier = JOB_TIERS.get(v.get("job_tier").asText().toLowerCase(java.util.Locale.ROOT));
      if (tier == null) {
        throw new AzureMlTranslationException(
            "queue_settings.job_tier",
            v.get("job_tier").asText(),
            "must be one of " + new java.util.TreeSet<>(JOB_TIERS.keySet()));
      }
      n.put("jobTier", tier);
    }
    onlyKeys(v, "queue_settings", "job_tier");
    return n;
  }

  static void copyInt(JsonNode v, String from, ObjectNode n, String to, String field) {
    JsonNode x = v.get(from);
    if (x == null || x.isNull()) {
      return;
    }
    if (!x.canConvertToInt() || !x.isIntegralNumber() || x.asInt() < 0) {
      throw new AzureMlTranslationException(
          field + "." + from, x.asText(), "must be a whole number");
    }
    n.put(to, x.asInt());
  }

  static void onlyKeys(JsonNode v, String field, String... allowed) {
    Set<String> ok = Set.of(allowed);
    v.fieldNames()
        .forEachRemaining(
            k -> {
              if (!ok.contains(k)) {
                throw new AzureMlTranslationException(
                    field + "." + k, v.get(k), "is not supported; supported: " + ok);
              }
            });
  }

  static Map<String, String> stringMap(String field, JsonNode v) {
    if (!v.isObject()) {
      throw new AzureMlTranslationException(field, v, "must be a mapping");
    }
    Map<String, String> m = new LinkedHashMap<>();
    v.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
    return new TreeMap<>(m);
  }

  private static void refuseSecretReferences(JobSpec spec) {
    for (var e : new TreeMap<>(spec.environmentVariables()).entrySet()) {
      if (SecretRefs.refersToSecret(e.getValue())) {
        throw new AzureMlTranslationException(
            "environment_variables." + e.getKey(), e.getValue(), SECRETS_RULE);
      }
    }
  }

  private static void putIfPresent(ObjectNode n, String key, String value) {
    if (value != null && !value.isBlank()) {
      n.put(key, value);
    }
  }
}
