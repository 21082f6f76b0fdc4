package io.partitrain.worker.backend.azureml;

import io.partitrain.assets.AssetPaths;

/**
 * The ARM URLs and resource ids of one workspace's jobs and computes (its assets' are {@link
 * #assets()}). One place builds them, so the request renderer (dry run) and the backend can never
 * disagree about where a call goes.
 */
public final class ArmPaths {

  private final AzureMlConfig config;
  private final String base;
  private final String apiVersion;
  private final AssetPaths assets;

  public ArmPaths(AzureMlConfig config) {
    this.config = config;
    this.base = config.armEndpoint() + config.workspaceId();
    this.apiVersion = "api-version=" + config.apiVersion();
    this.assets = new AssetPaths(config.armEndpoint(), config.workspaceId(), config.apiVersion());
  }

  /** The same workspace's asset URLs (code, data, environments, models, datastores). */
  public AssetPaths assets() {
    return assets;
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

  /** Studio's page for a job, when ARM's answer does not carry {@code services.Studio}. */
  public String studioUrl(String jobName) {
    return "https://ml.azure.com/runs/" + jobName + "?wsid=" + encode(config.workspaceId());
  }

  private static String encode(String s) {
    return AssetPaths.encode(s);
  }
}
