package io.partitrain.worker.backend.azureml;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.AzureCliCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.identity.WorkloadIdentityCredentialBuilder;

/**
 * The Entra ID credential the backend uses, chosen by {@link AzureMlConfig#credential()}. The
 * default, DefaultAzureCredential, finds a workload identity or managed identity in a cluster and
 * the Azure CLI login on a laptop, so the same configuration works in both places. Sovereign clouds
 * also set {@code AZURE_AUTHORITY_HOST}, which azure-identity reads.
 */
public final class AzureMlCredentials {

  private AzureMlCredentials() {}

  public static TokenCredential create(AzureMlConfig config) {
    return switch (config.credential()) {
      case DEFAULT -> {
        DefaultAzureCredentialBuilder b = new DefaultAzureCredentialBuilder();
        if (config.managedIdentityClientId() != null) {
          b.managedIdentityClientId(config.managedIdentityClientId());
        }
        yield b.build();
      }
      case MANAGED_IDENTITY -> {
        ManagedIdentityCredentialBuilder b = new ManagedIdentityCredentialBuilder();
        if (config.managedIdentityClientId() != null) {
          b.clientId(config.managedIdentityClientId());
        }
        yield b.build();
      }
      case WORKLOAD_IDENTITY -> new WorkloadIdentityCredentialBuilder().build();
      case AZURE_CLI -> new AzureCliCredentialBuilder().build();
    };
  }
}
