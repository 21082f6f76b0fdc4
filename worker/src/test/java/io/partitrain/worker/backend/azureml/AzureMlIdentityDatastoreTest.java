package io.partitrain.worker.backend.azureml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.partitrain.assets.CodeSnapshot;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.worker.backend.BackendException;
import io.partitrain.worker.backend.JobRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * Issue 11: a workspace whose default datastore is identity-based ({@code
 * credentials.credentialsType: None}, no account key in the workspace) gets local inputs uploaded
 * with the worker's own Azure identity, never with listSecrets. Storage is a real Azurite over
 * HTTPS that accepts Entra ID-shaped bearer tokens ({@code --oauth basic}: issuer, audience and
 * expiry are checked) and refuses anonymous requests and tokens for another audience.
 */
@Timeout(180)
class AzureMlIdentityDatastoreTest {

  static Azurite azurite;
  FakeArmServer fake;
  AzureMlBackend backend;
  @TempDir Path dir;

  @BeforeAll
  static void startStorage() {
    azurite = Azurite.startWithOAuth();
  }

  @AfterAll
  static void stopStorage() {
    azurite.close();
  }

  @BeforeEach
  void start() {
    fake = FakeArmServer.start(20);
    fake.storage = azurite;
    fake.datastoreCredentials = "None";
  }

  @AfterEach
  void stop() {
    if (backend != null) {
      backend.close();
    }
    fake.close();
  }

  AzureMlBackend backend(TokenCredential identity) {
    AzureMlConfig config = FakeArm.fastConfig(fake).build();
    backend =
        AzureMlBackend.builder(config)
            .blobEndpoint(azurite.blobEndpoint())
            .credential(identity)
            .httpClient(FakeArm.trustingClient(config.responseTimeout()))
            .meterRegistry(new SimpleMeterRegistry())
            .build();
    return backend;
  }

  JobRequest withLocalInput(Path file) {
    JobRequest r = FakeArm.request("weekly-demand-2026-W48", "store-001");
    JobSpec s = r.spec();
    Map<String, JobSpec.JobInput> inputs = new HashMap<>(s.inputs());
    inputs.put("sales", new JobSpec.JobInput("uri_file", file.toString(), "download", null));
    JobSpec local =
        new JobSpec(
            s.command(),
            s.code(),
            s.environment(),
            s.compute(),
            inputs,
            s.outputs(),
            s.environmentVariables(),
            s.resources(),
            s.limits(),
            s.tags(),
            s.experimentName(),
            s.displayName(),
            s.description(),
            s.extensions());
    return new JobRequest(r.ref(), local, r.partitionTags());
  }

  @Test
  void aLocalInputGoesUpWithTheWorkersIdentityAndNoSecretIsAskedFor() throws Exception {
    assertThat(azurite.blobEndpoint()).startsWith("https://");
    Path sales = Files.writeString(dir.resolve("store-001.csv"), "week,units\n1,101\n");
    JobRequest r = withLocalInput(sales);

    backend(FakeArm.TOKEN).submit(r);

    String rel =
        "LocalUpload/" + CodeSnapshot.of("inputs.sales.path", sales).hash() + "/store-001.csv";
    assertThat(fake.jobs.get(r.jobName()).properties.at("/inputs/sales/uri").asText())
        .isEqualTo("azureml://datastores/workspaceblobstore/paths/" + rel);
    assertThat(
            azurite.container(fake.uploadContainer).getBlobClient(rel).downloadContent().toString())
        .isEqualTo("week,units\n1,101\n");
    assertThat(fake.requestsByKind)
        .as("no listSecrets for an identity-based datastore")
        .doesNotContainKey("datastore.listSecrets");
    assertThat(fake.bodyViolations).isEmpty();
  }

  @Test
  void anIdentityWhoseTokenIsNotForStorageIsRefusedByStorageAndTheSubmitFails() throws Exception {
    Path sales = Files.writeString(dir.resolve("store-001.csv"), "week,units\n1,101\n");
    TokenCredential armOnly =
        request ->
            Mono.just(
                request.getScopes().stream().anyMatch(s -> s.startsWith(FakeArm.STORAGE_AUDIENCE))
                    ? new AccessToken(
                        FakeArm.unsignedJwt("https://management.azure.com", Instant.now()),
                        OffsetDateTime.now().plusHours(1))
                    : new AccessToken(FakeArmServer.TOKEN, OffsetDateTime.now().plusHours(1)));

    assertThatThrownBy(() -> backend(armOnly).submit(withLocalInput(sales)))
        .isInstanceOf(BackendException.class)
        .hasMessageContaining("403");
    assertThat(fake.jobs).isEmpty();
  }
}
