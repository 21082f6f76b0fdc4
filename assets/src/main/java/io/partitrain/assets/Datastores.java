package io.partitrain.assets;

import com.azure.core.credential.AzureSasCredential;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Blob clients for the workspace's datastores: the default one (uploads of local inputs) and
 * {@value #ARTIFACT_STORE} (job logs, where the studio reads them). Each is read once per process
 * ({@code GET .../datastores}); a datastore with an account key or a SAS token is reached with it
 * ({@code POST .../listSecrets}; the secret stays in memory and is never logged), an identity-based
 * one ({@code credentials.credentialsType: None}) with the worker's own Azure identity, as the CLI
 * reaches it with its user's.
 */
public final class Datastores {

  /** The datastore of the workspace's run artifacts ({@code ExperimentRun/dcid.<job>/...}). */
  public static final String ARTIFACT_STORE = "workspaceartifactstore";

  /** {@code credentials.credentialsType} of a datastore without a secret: identity-based. */
  static final String IDENTITY_BASED = "None";

  /** A datastore's name and a client for its container. */
  public record Store(String name, BlobContainerClient container) {}

  private final ArmCalls transport;
  private final AssetPaths paths;
  private final BlobAccess blobs;
  private final Map<String, Store> byName = new ConcurrentHashMap<>();

  public Datastores(ArmCalls transport, AssetPaths paths, BlobAccess blobs) {
    this.transport = transport;
    this.paths = paths;
    this.blobs = blobs;
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
    String account = p.path("accountName").asText();
    String endpoint =
        blobs.endpointOverride() != null
            ? blobs.endpointOverride()
            : p.path("protocol").asText("https")
                + "://"
                + account
                + ".blob."
                + p.path("endpoint").asText("core.windows.net");
    BlobServiceClientBuilder service = blobs.service(endpoint);
    String type = p.at("/credentials/credentialsType").asText("AccountKey");
    switch (type) {
      case IDENTITY_BASED -> withIdentity(name, service);
      case "AccountKey", "Sas" -> withSecret(name, account, service);
      default ->
          throw refused(
              "datastore "
                  + name
                  + " has credentials.credentialsType "
                  + type
                  + "; uploads support AccountKey, Sas and None (identity-based): give the"
                  + " workspace a default datastore of one of them, or register the data with az"
                  + " ml data create and use azureml:NAME:VERSION");
    }
    BlobContainerClient container =
        service.buildClient().getBlobContainerClient(p.path("containerName").asText());
    return new Store(name, container);
  }

  /**
   * An identity-based datastore (no secret in the workspace): the worker's own identity reaches the
   * storage account, so it needs a data role there (Storage Blob Data Contributor on the
   * container), as the CLI's user does.
   */
  private void withIdentity(String name, BlobServiceClientBuilder service) {
    if (blobs.credential() == null) {
      throw refused(
          "datastore " + name + " is identity-based (credentialsType None) and no identity is set");
    }
    service.credential(blobs.credential());
  }

  /** An account key or a SAS token, read with listSecrets; held in memory, never logged. */
  private void withSecret(String name, String account, BlobServiceClientBuilder service) {
    ArmResponse secrets =
        transport.execute(
            new ArmRequest("datastore.listSecrets", "POST", paths.datastoreSecretsUrl(name), null));
    JsonNode body = secrets.status() == 200 ? secrets.body() : null;
    String key = body == null ? null : body.path("key").asText(null);
    String sas = body == null ? null : body.path("sasToken").asText(null);
    if (key != null) {
      service.credential(new StorageSharedKeyCredential(account, key));
    } else if (sas != null) {
      service.credential(new AzureSasCredential(sas));
    } else {
      throw refused(
          "listSecrets of datastore "
              + name
              + " answered "
              + secrets.status()
              + " without an account key or SAS token; the identity needs"
              + " Microsoft.MachineLearningServices/workspaces/datastores/listSecrets/action");
    }
  }

  private static ArmCallException refused(String what) {
    return new ArmCallException(ArmCallException.Kind.REFUSED, 0, what, null, null);
  }
}
