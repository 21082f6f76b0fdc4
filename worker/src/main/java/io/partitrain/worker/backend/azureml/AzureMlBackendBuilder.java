package io.partitrain.worker.backend.azureml;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.core.http.policy.BearerTokenAuthenticationPolicy;
import com.azure.core.http.policy.RequestIdPolicy;
import com.azure.core.http.policy.UserAgentPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.partitrain.assets.BlobAccess;
import java.time.Clock;
import java.util.Objects;
import java.util.function.LongSupplier;

/** Builds an {@link AzureMlBackend}; everything but the config has a production default. */
public final class AzureMlBackendBuilder {
  final AzureMlConfig config;
  private TokenCredential credential;
  private HttpClient httpClient;
  MeterRegistry meters = new SimpleMeterRegistry();
  Clock clock = Clock.systemUTC();
  LongSupplier nanoTime = System::nanoTime;
  private String blobEndpoint;
  String uploaderId =
      "partitrain-" + ProcessHandle.current().pid() + "-" + java.util.UUID.randomUUID();

  AzureMlBackendBuilder(AzureMlConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  /** Defaults to {@link AzureMlCredentials#create}. */
  public AzureMlBackendBuilder credential(TokenCredential v) {
    credential = v;
    return this;
  }

  /** Defaults to a Netty client with the configured response timeout. */
  public AzureMlBackendBuilder httpClient(HttpClient v) {
    httpClient = v;
    return this;
  }

  public AzureMlBackendBuilder meterRegistry(MeterRegistry v) {
    meters = Objects.requireNonNull(v);
    return this;
  }

  public AzureMlBackendBuilder clock(Clock v) {
    clock = Objects.requireNonNull(v);
    return this;
  }

  /**
   * The default datastore's blob endpoint, for a storage emulator (Azurite); default: the
   * datastore's own {@code https://ACCOUNT.blob.ENDPOINT}.
   */
  public AzureMlBackendBuilder blobEndpoint(String v) {
    blobEndpoint = v;
    return this;
  }

  /**
   * Who this process is in an upload claim (default: pid and a random UUID, unique per process).
   */
  public AzureMlBackendBuilder uploaderId(String v) {
    uploaderId = Objects.requireNonNull(v);
    return this;
  }

  /** The time source of the rate limiters. */
  public AzureMlBackendBuilder nanoTime(LongSupplier v) {
    nanoTime = Objects.requireNonNull(v);
    return this;
  }

  public AzureMlBackend build() {
    TokenCredential cred = credential != null ? credential : AzureMlCredentials.create(config);
    HttpClient http =
        httpClient != null
            ? httpClient
            : new NettyAsyncHttpClientBuilder().responseTimeout(config.responseTimeout()).build();
    HttpPipeline pipeline =
        new HttpPipelineBuilder()
            .httpClient(http)
            .policies(
                new UserAgentPolicy("partitrain-azureml"),
                new RequestIdPolicy(),
                new BearerTokenAuthenticationPolicy(cred, config.tokenScope()))
            .build();
    // Storage shares the identity (identity-based datastores) and, when one was given, the
    // client.
    return new AzureMlBackend(this, pipeline, new BlobAccess(cred, httpClient, blobEndpoint));
  }
}
