package io.partitrain.assets;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The ARM URLs and resource ids of one workspace's assets (code, data, environment and model
 * versions, datastores). One place builds them, so the dry run ({@code job render}), the backend
 * and the starter can never disagree about where an asset is.
 */
public final class AssetPaths {

  private final String workspaceId;
  private final String base;
  private final String apiVersion;

  /**
   * @param armEndpoint {@code https://management.azure.com} (or a fake's)
   * @param workspaceId {@code /subscriptions/S/resourceGroups/G/providers/.../workspaces/W}
   * @param apiVersion the Machine Learning Services REST API version, e.g. {@code 2025-12-01}
   */
  public AssetPaths(URI armEndpoint, String workspaceId, String apiVersion) {
    this.workspaceId = Objects.requireNonNull(workspaceId, "workspaceId");
    this.base = Objects.requireNonNull(armEndpoint, "armEndpoint") + workspaceId;
    this.apiVersion = "api-version=" + Objects.requireNonNull(apiVersion, "apiVersion");
  }

  public String workspaceId() {
    return workspaceId;
  }

  public String assetVersionId(AssetResolver.AssetKind kind, String name, String version) {
    return workspaceId + "/" + kind.collection() + "/" + name + "/versions/" + version;
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

  /** A query parameter or path segment, percent-encoded as ARM expects ({@code %20}, not +). */
  public static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
