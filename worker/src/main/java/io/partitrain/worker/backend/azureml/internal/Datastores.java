package io.partitrain.worker.backend.azureml.internal;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.worker.backend.azureml.ArmPaths;
import io.partitrain.worker.backend.azureml.ArmRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Blob clients for the workspace's datastores: the default one (uploads of local inputs) and
 * {@value #ARTIFACT_STORE} (job logs, where the studio reads them). Each is read once per process
 * ({@code GET .../datastores}, then {@code POST .../listSecrets} for its account key, which stays
 * in memory and is never logged).
 */
public final class Datastores {

  /** The datastore of the workspace's run artifacts ({@code ExperimentRun/dcid.<job>/...}). */
  public static final String ARTIFACT_STORE = "workspaceartifactstore";

  /** A datastore's name and a client for its container. */
  public record Store(String name, BlobContainerClient container) {}

  private final ArmTransport transport;
  private final ArmPaths paths;
  private final String blobEndpointOverride;
  private final Map<String, Store> byName = new ConcurrentHashMap<>();

  public Datastores(ArmTransport transport, ArmPaths paths, String blobEndpointOverride) {
    this.transport = transport;
    this.paths = paths;
    this.blobEndpointOverride = blobEndpointOverride;
  }

  /** The workspace's default datastore. */
  public Store defaultStore() {
    return byName.computeIfAbsent(
        "\u0000default",
        k -> {
          ArmResponse list =
              transport.execute(
                  new ArmRequest("datastore.list", "GET", paths.defaultDatastoreUrl(), null));
          JsonNode ds = list.status() == 200 ? list.body().path("value").path(0) : null;
          if (ds == null || ds.isMissingNode()) {
            throw refused("the workspace has no default datastore (" + list.status() + ")");
          }
          return open(ds);
        });
  }

  /** A datastore by name. */
  public Store named(String name) {
    return byName.computeIfAbsent(
        name,
        k -> {
          ArmResponse r =
              transport.execute(
                  new ArmRequest("datastore.get", "GET", paths.datastoreUrl(name), null));
          if (r.status() != 200) {
            throw refused("datastore " + name + " answered " + r.status());
          }
          return open(r.body());
        });
  }

  private Store open(JsonNode ds) {
    String name = ds.path("name").asText();
    JsonNode p = ds.path("properties");
    if (!"AzureBlob".equals(p.path("datastoreType").asText())) {
      throw refused("datastore " + name + " is not an AzureBlob datastore");
    }
    ArmResponse secrets =
        transport.execute(
            new ArmRequest("datastore.listSecrets", "POST", paths.datastoreSecretsUrl(name), null));
    String key = secrets.status() == 200 ? secrets.body().path("key").asText(null) : null;
    if (key == null) {
      throw refused(
          "listSecrets of datastore "
              + name
              + " answered "
              + secrets.status()
              + " without an account key (identity-based datastores are not supported yet)");
    }
    String account = p.path("accountName").asText();
    String endpoint =
        blobEndpointOverride != null
            ? blobEndpointOverride
            : p.path("protocol").asText("https")
                + "://"
                + account
                + ".blob."
                + p.path("endpoint").asText("core.windows.net");
    BlobContainerClient container =
        new BlobServiceClientBuilder()
            .endpoint(endpoint)
            .credential(new StorageSharedKeyCredential(account, key))
            .buildClient()
            .getBlobContainerClient(p.path("containerName").asText());
    return new Store(name, container);
  }

  private static ArmCallException refused(String what) {
    return new ArmCallException(ArmCallException.Kind.REFUSED, 0, what, null, null);
  }
}
