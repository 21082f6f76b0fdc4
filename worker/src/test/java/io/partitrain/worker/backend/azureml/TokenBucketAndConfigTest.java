package io.partitrain.worker.backend.azureml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partitrain.worker.backend.azureml.internal.ArmTransport;
import io.partitrain.worker.backend.azureml.internal.TokenBucketRateLimiter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token bucket on an injected clock, Retry-After parsing, and config validation. */
class TokenBucketAndConfigTest {

  final AtomicLong nanos = new AtomicLong();
  final TokenBucketRateLimiter writes =
      new TokenBucketRateLimiter("w", 200, 10, Duration.ofMinutes(5), nanos::get);

  @Test
  void theBucketGives200AtOnceThen10PerSecondLikeArmsWriteBucket() {
    for (int i = 0; i < 200; i++) {
      assertThat(writes.reservePermission(1)).isZero();
    }
    assertThat(writes.reservePermission(1))
        .as("201st waits a tenth of a second")
        .isEqualTo(100_000_000L);
    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(writes.getMetrics().getAvailablePermissions()).isEqualTo(9);
    nanos.addAndGet(Duration.ofHours(1).toNanos());
    assertThat(writes.getMetrics().getAvailablePermissions())
        .as("never above the burst")
        .isEqualTo(200);
  }

  @Test
  void armsRemainingCountLowersTheBucketAndAWaitBeyondTheTimeoutIsRefused() {
    writes.lowerTo(3);
    assertThat(writes.getMetrics().getAvailablePermissions()).isEqualTo(3);
    TokenBucketRateLimiter tight =
        new TokenBucketRateLimiter("t", 1, 1, Duration.ofMillis(500), nanos::get);
    assertThat(tight.reservePermission(1)).isZero();
    assertThat(tight.reservePermission(1))
        .as("a 1 s wait exceeds the 500 ms timeout")
        .isEqualTo(-1);
    assertThat(tight.acquirePermission(1)).isFalse();
    assertThatThrownBy(() -> new TokenBucketRateLimiter("x", 0, 1, Duration.ZERO, nanos::get))
        .hasMessage("burst must be greater than 0, but was 0");
  }

  @Test
  void retryAfterPrefersMillisecondHeadersAndIsCapped() {
    Duration cap = Duration.ofMinutes(5);
    assertThat(ArmTransport.retryAfter(Map.of("retry-after", "7"), cap))
        .isEqualTo(Duration.ofSeconds(7));
    assertThat(
            ArmTransport.retryAfter(Map.of("retry-after", "7", "x-ms-retry-after-ms", "250"), cap))
        .isEqualTo(Duration.ofMillis(250));
    assertThat(ArmTransport.retryAfter(Map.of("retry-after", "3600"), cap)).isEqualTo(cap);
    assertThat(ArmTransport.retryAfter(Map.of(), cap)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void configFromPropertiesAppliesDefaultsAndNamesTheBadKey() {
    AzureMlConfig c =
        AzureMlConfig.fromProperties(
            Map.of(
                "azureml.subscriptionId",
                TestConfigs.SUBSCRIPTION,
                "azureml.resourceGroup",
                "rg",
                "azureml.workspace",
                "ws1",
                "azureml.writes.perSecond",
                "5",
                "azureml.credential",
                "azure_cli"));
    assertThat(c.writes()).isEqualTo(new AzureMlConfig.RateSettings(200, 5));
    assertThat(c.reads()).isEqualTo(new AzureMlConfig.RateSettings(250, 25));
    assertThat(c.credential()).isEqualTo(AzureMlConfig.CredentialKind.AZURE_CLI);
    assertThat(c.tokenScope()).isEqualTo("https://management.azure.com/.default");
    assertThat(c.apiVersion()).isEqualTo("2025-12-01");

    assertThatThrownBy(() -> AzureMlConfig.fromProperties(Map.of("azureml.subscriptionId", "nope")))
        .hasMessage(
            "invalid configuration: azureml.subscriptionId = 'nope': must be a subscription GUID");
    assertThatThrownBy(() -> TestConfigs.base().breakerOpenWait(Duration.ZERO).build())
        .hasMessageContaining("azureml.breaker.openWait")
        .hasMessageContaining("must be greater than 0");
    assertThatThrownBy(
            () ->
                AzureMlConfig.fromProperties(
                    Map.of(
                        "azureml.subscriptionId",
                        TestConfigs.SUBSCRIPTION,
                        "azureml.resourceGroup",
                        "rg",
                        "azureml.workspace",
                        "ws1",
                        "azureml.writes.burst",
                        "0")))
        .hasMessageContaining("azureml.writes")
        .hasMessageContaining("burst must be at least 1, but was 0");
  }
}
