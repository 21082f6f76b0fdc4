package io.partitrain.shared.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  private final RetryPolicy policy =
      new RetryPolicy(3, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(5), 0.2, false);

  @Test
  void infraIsRetriedUntilAttemptsRunOut() {
    assertThat(policy.shouldRetry(FailureClass.INFRA, 1)).isTrue();
    assertThat(policy.shouldRetry(FailureClass.INFRA, 2)).isTrue();
    assertThat(policy.shouldRetry(FailureClass.INFRA, 3)).isFalse();
  }

  @Test
  void userTimeoutAndCanceledAreLeftForAnOperator() {
    assertThat(policy.shouldRetry(FailureClass.USER, 1)).isFalse();
    assertThat(policy.shouldRetry(FailureClass.TIMEOUT, 1)).isFalse();
    assertThat(policy.shouldRetry(FailureClass.CANCELED, 1)).isFalse();
    var withTimeouts = new RetryPolicy(3, Duration.ZERO, 1.0, Duration.ZERO, 0, true);
    assertThat(withTimeouts.shouldRetry(FailureClass.TIMEOUT, 1)).isTrue();
  }

  @Test
  void throttlingDoesNotUseUpAttempts() {
    assertThat(policy.shouldRetry(FailureClass.THROTTLED, 3)).isTrue();
  }

  @Test
  void backoffGrowsExponentiallyWithinJitterAndIsCapped() {
    assertThat(policy.backoff(1, 0.5)).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.backoff(2, 0.5)).isEqualTo(Duration.ofSeconds(2));
    assertThat(policy.backoff(3, 0.5)).isEqualTo(Duration.ofSeconds(4));
    assertThat(policy.backoff(10, 0.5)).isEqualTo(Duration.ofSeconds(5));
    assertThat(policy.backoff(2, 0.0)).isEqualTo(Duration.ofMillis(1600));
    assertThat(policy.backoff(2, 0.999999))
        .isBetween(Duration.ofMillis(2399), Duration.ofMillis(2400));
  }

  @Test
  void badValuesAreRefusedWithTheKeyAndTheValue() {
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, 1, Duration.ZERO, 0, false))
        .hasMessageContaining("retry.maxAttempts must be at least 1, but was 0");
    assertThatThrownBy(
            () -> new RetryPolicy(1, Duration.ofSeconds(2), 1, Duration.ofSeconds(1), 0, false))
        .hasMessageContaining("retry.backoff.max");
    assertThatThrownBy(() -> new RetryPolicy(1, Duration.ZERO, 1, Duration.ZERO, 1.5, false))
        .hasMessageContaining("retry.backoff.jitter must be in [0, 1], but was 1.5");
  }
}
