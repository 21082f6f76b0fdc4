package io.partitrain.worker.backend.azureml;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The ARM URLs and resource ids of one workspace. One place builds them, so the request renderer
 * (dry run) and the backend can never disagree about where a call goes.
 */
public final class ArmPaths {

  private final AzureMlConfig config;
  private final String base;
  private final String apiVersion;

  public ArmPaths(AzureMlConfig config) {
    this.config = config;
    this.base = config.armEndpoint() + config.workspaceId();
    this.apiVersion = "api-version=" + config.apiVersion();
  }

  public String workspaceId() {
    return config.workspaceId();
  }

  /** The workspace resource itself (its {@code discoveryUrl}, its storage account). */
  public String workspaceUrl() {
    return base + "?" + apiVersion;
  }

  public String jobId(String jobName) {
    return config.workspaceId() + "/jobs/" + jobName;
  }

  public String jobUrl(String jobName) {
    return base + "/jobs/" + jobName + "?" + apiVersion;
  }

  public String cancelUrl(String jobName) {
    return base + "/jobs/" + jobName + "/cancel?" + apiVersion;
  }

  /** Jobs having the tag key {@code tagKey} (the list API filters by key only). */
  public String listByTagUrl(String tagKey) {
    return base + "/jobs?" + apiVersion + "&tag=" + encode(tagKey);
  }

  public String computeUrl(String computeName) {
    return base + "/computes/" + computeName + "?" + apiVersion;
  }

  /** VM sizes Azure ML offers in a region (name, family, vCPUs). */
  public String vmSizesUrl(String location) {
    return locationBase(location) + "/vmSizes?" + apiVersion;
  }

  /** The subscription's quota usage per VM family in a region (currentValue, limit). */
  public String usagesUrl(String location) {
    return locationBase(location) + "/usages?" + apiVersion;
  }

  private String locationBase(String location) {
    return config.armEndpoint()
        + "/subscriptions/"
        + config.subscriptionId()
        + "/providers/Microsoft.MachineLearningServices/locations/"
        + encode(location);
  }

  public String computeId(String computeName) {
    return config.workspaceId() + "/computes/" + computeName;
  }

  public String assetVersionId(AssetResolver.AssetKind kind, String name, String version) {
    return config.workspaceId() + "/" + kind.collection() + "/" + name + "/versions/" + version;
  }

  public String assetVersionUrl(AssetResolver.AssetKind kind, String name, String version) {
    return base + "/" + kind.collection() + "/" + name + "/versions/" + version + "?" + apiVersion;
  }

  /** The newest version first, one item: how {@code @latest} is resolved. */
  public String latestVersionUrl(AssetResolver.AssetKind kind, String name) {
    return base
        + "/"
        + kind.collection()
        + "/"
        + name
        + "/versions?"
        + apiVersion
        + "&$orderBy="
        + encode("createdtime desc")
        + "&$top=1";
  }

  /** Versions of a code asset holding content with this hash (azure-ai-ml's lookup). */
  public String codeVersionsByHashUrl(String name, String hash, String hashVersion) {
    return base
        + "/codes/"
        + name
        + "/versions?"
        + apiVersion
        + "&hash="
        + encode(hash)
        + "&hashVersion="
        + encode(hashVersion);
  }

  /** Where to upload a code version's files: a SAS blob reference, created or got. */
  public String codeStartPendingUploadUrl(String name, String version) {
    return base + "/codes/" + name + "/versions/" + version + "/startPendingUpload?" + apiVersion;
  }

  /** The workspace's default datastore (a list of one). */
  public String defaultDatastoreUrl() {
    return base + "/datastores?" + apiVersion + "&isDefault=true";
  }

  public String datastoreUrl(String name) {
    return base + "/datastores/" + name + "?" + apiVersion;
  }

  public String datastoreSecretsUrl(String name) {
    return base + "/datastores/" + name + "/listSecrets?" + apiVersion;
  }

  /** Studio's page for a job, when ARM's answer does not carry {@code services.Studio}. */
  public String studioUrl(String jobName) {
    return "https://ml.azure.com/runs/" + jobName + "?wsid=" + encode(config.workspaceId());
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
