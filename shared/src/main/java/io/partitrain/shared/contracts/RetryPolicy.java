package io.partitrain.shared.contracts;

import java.time.Duration;

/**
 * How the tracker retries retryable failures ({@link FailureClass#isRetryable()}): exponential
 * backoff with jitter, until {@code maxAttempts} attempts have been used.
 *
 * @param maxAttempts attempts per partition (and per operator rerun), at least 1
 * @param initialBackoff wait before the first retry
 * @param multiplier growth of the wait per further retry, at least 1.0
 * @param maxBackoff the wait never exceeds this
 * @param jitter random spread of each wait, as a fraction in [0, 1]: 0.2 means ±20%
 * @param retryTimeouts whether {@link FailureClass#TIMEOUT} failures are retried too
 */
public record RetryPolicy(
    int maxAttempts,
    Duration initialBackoff,
    double multiplier,
    Duration maxBackoff,
    double jitter,
    boolean retryTimeouts) {

  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(10);
  public static final double DEFAULT_MULTIPLIER = 2.0;
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(10);
  public static final double DEFAULT_JITTER = 0.2;

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException(
          "retry.maxAttempts must be at least 1, but was " + maxAttempts);
    }
    if (initialBackoff == null || initialBackoff.isNegative()) {
      throw new IllegalArgumentException(
          "retry.backoff.initial must be zero or positive, but was " + initialBackoff);
    }
    if (multiplier < 1.0) {
      throw new IllegalArgumentException(
          "retry.backoff.multiplier must be at least 1.0, but was " + multiplier);
    }
    if (maxBackoff == null || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "retry.backoff.max must be at least retry.backoff.initial ("
              + initialBackoff
              + "), but was "
              + maxBackoff);
    }
    if (jitter < 0 || jitter > 1) {
      throw new IllegalArgumentException(
          "retry.backoff.jitter must be in [0, 1], but was " + jitter);
    }
  }

  public static RetryPolicy defaults() {
    return new RetryPolicy(
        DEFAULT_MAX_ATTEMPTS,
        DEFAULT_INITIAL_BACKOFF,
        DEFAULT_MULTIPLIER,
        DEFAULT_MAX_BACKOFF,
        DEFAULT_JITTER,
        false);
  }

  /** Whether a failure of this class, after {@code attemptsUsed} attempts, gets another one. */
  public boolean shouldRetry(FailureClass failureClass, int attemptsUsed) {
    if (failureClass == null) {
      return false;
    }
    boolean retryable =
        failureClass.isRetryable() || (retryTimeouts && failureClass == FailureClass.TIMEOUT);
    if (!retryable) {
      return false;
    }
    return !failureClass.countsAsAttempt() || attemptsUsed < maxAttempts;
  }

  /**
   * The wait before retry number {@code retry} (1 for the first retry).
   *
   * @param random01 a uniform random number in [0, 1), injected so tests are deterministic
   */
  public Duration backoff(int retry, double random01) {
    double base = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, retry - 1));
    double capped = Math.min(base, maxBackoff.toMillis());
    double spread = capped * jitter * (2 * random01 - 1);
    long millis = Math.max(0, Math.round(capped + spread));
    return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
  }
}
