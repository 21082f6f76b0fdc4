package io.partitrain.assets;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.blob.BlobServiceClientBuilder;

/**
 * How the backend reaches blob storage: the worker's Azure identity (for identity-based
 * datastores), the HTTP client (the same one as for ARM; null for the SDK's default) and, for a
 * storage emulator, the blob endpoint to use instead of the datastore's account.
 *
 * @param credential the worker's identity; asked for {@code https://storage.azure.com} tokens
 * @param httpClient the HTTP client, or null for azure-storage-blob's default
 * @param endpointOverride the blob endpoint when it is not {@code https://ACCOUNT.blob.SUFFIX} (a
 *     storage emulator); null otherwise
 */
public record BlobAccess(
    TokenCredential credential, HttpClient httpClient, String endpointOverride) {

  /** No identity and the default client: SAS and account-key access only. */
  public static BlobAccess ofEndpoint(String endpointOverride) {
    return new BlobAccess(null, null, endpointOverride);
  }

  /** A service client builder for an account endpoint, on this access's HTTP client. */
  BlobServiceClientBuilder service(String endpoint) {
    BlobServiceClientBuilder b = new BlobServiceClientBuilder().endpoint(endpoint);
    return httpClient == null ? b : b.httpClient(httpClient);
  }

  /** A container client builder for a SAS URI, on this access's HTTP client. */
  BlobContainerClientBuilder container(String sasUri) {
    BlobContainerClientBuilder b = new BlobContainerClientBuilder().endpoint(sasUri);
    return httpClient == null ? b : b.httpClient(httpClient);
  }

  @Override
  public String toString() {
    return "BlobAccess[endpointOverride=" + endpointOverride + "]"; // never the credential
  }
}
