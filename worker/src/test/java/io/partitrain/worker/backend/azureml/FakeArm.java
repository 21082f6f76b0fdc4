package io.partitrain.worker.backend.azureml;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.partitrain.shared.contracts.JobNames;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.worker.backend.JobRef;
import io.partitrain.worker.backend.JobRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.netty.resources.ConnectionProvider;

/** Test fixtures: a backend wired to a {@link FakeArmServer}, and job requests to send it. */
final class FakeArm {

  static final String STORAGE_AUDIENCE = "https://storage.azure.com";

  private static final String TENANT = "00000000-0000-0000-0000-0000000000e1";

  /**
   * The worker's identity in tests: ARM's token for ARM, and for storage a token in the shape Entra
   * ID issues (issuer, audience {@code https://storage.azure.com}, expiry), unsigned: Azurite's
   * {@code --oauth basic} checks those claims, not the signature.
   */
  static final TokenCredential TOKEN =
      request ->
          Mono.just(
              request.getScopes().stream().anyMatch(s -> s.startsWith(STORAGE_AUDIENCE))
                  ? new AccessToken(
                      unsignedJwt(STORAGE_AUDIENCE, Instant.now()),
                      OffsetDateTime.now().plusHours(1))
                  : new AccessToken(FakeArmServer.TOKEN, OffsetDateTime.now().plusHours(1)));

  /** An Entra ID-shaped access token for {@code audience}, valid for an hour, without signature. */
  static String unsignedJwt(String audience, Instant now) {
    java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
    String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
    String claims =
        String.format(
            "{\"aud\":\"%s\",\"iss\":\"https://sts.windows.net/%s/\",\"iat\":%d,"
                + "\"nbf\":%d,\"exp\":%d,\"oid\":\"%s\",\"tid\":\"%s\"}",
            audience,
            TENANT,
            now.getEpochSecond() - 60,
            now.getEpochSecond() - 60,
            now.getEpochSecond() + 3600,
            "00000000-0000-0000-0000-00000000a11c",
            TENANT);
    return b64.encodeToString(header.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        + "."
        + b64.encodeToString(claims.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        + ".c2lnbmF0dXJl";
  }

  private FakeArm() {}

  /** A client that trusts the fake's certificate and nothing else. */
  static HttpClient trustingClient(Duration responseTimeout) {
    try {
      SslContext ssl =
          SslContextBuilder.forClient()
              .trustManager(SelfSignedCertificate.shared().trustManagers())
              .build();
      reactor.netty.http.client.HttpClient base =
          reactor.netty.http.client.HttpClient.create(
                  ConnectionProvider.builder("fake-arm")
                      .maxConnections(64)
                      .pendingAcquireMaxCount(-1)
                      .build())
              .secure(spec -> spec.sslContext(ssl));
      return new NettyAsyncHttpClientBuilder(base).responseTimeout(responseTimeout).build();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Fast settings for tests: short backoffs, a breaker that reopens quickly. */
  static AzureMlConfig.Builder fastConfig(FakeArmServer fake) {
    return TestConfigs.against(fake.endpoint())
        .writes(10_000, 10_000)
        .reads(10_000, 10_000)
        .transientInitialBackoff(Duration.ofMillis(5))
        .transientMaxBackoff(Duration.ofMillis(50))
        .breakerOpenWait(Duration.ofMillis(200))
        .responseTimeout(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(50));
  }

  static AzureMlBackend backend(
      FakeArmServer fake, AzureMlConfig config, SimpleMeterRegistry meters) {
    return AzureMlBackend.builder(config)
        .blobEndpoint(fake.storage == null ? null : fake.storage.blobEndpoint())
        .credential(TOKEN)
        .httpClient(trustingClient(config.responseTimeout()))
        .meterRegistry(meters)
        .build();
  }

  static AzureMlBackend backend(FakeArmServer fake) {
    return backend(fake, fastConfig(fake).build(), new SimpleMeterRegistry());
  }

  /** A small valid job: a registered environment, a cluster, a literal input. */
  static JobSpec spec() {
    return new JobSpec(
        "python train.py --store ${{inputs.store}}",
        "azureml:demand-src:3",
        "azureml:demand-env:2",
        "azureml:cpu-cluster",
        Map.of("store", JobSpec.JobInput.literal("s")),
        Map.of(),
        Map.of("MODE", "train"),
        new JobSpec.Resources(1, "Standard_DS3_v2"),
        new JobSpec.Limits(Duration.ofMinutes(30)),
        Map.of("team", "forecasting"),
        "weekly-demand",
        null,
        null,
        Map.of());
  }

  static JobRequest request(String runId, String partitionId, int attempt) {
    JobRef ref = new JobRef(runId, partitionId, attempt, JobNames.of(runId, partitionId, attempt));
    return new JobRequest(
        ref, spec(), new PartitionSpec(partitionId, Map.of("region", "north")).tags());
  }

  static JobRequest request(String runId, String partitionId) {
    return request(runId, partitionId, 1);
  }
}
