package io.partitrain.worker.backend;

import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.contracts.FailureClass;
import java.time.Duration;

/**
 * A backend call that failed. {@link #isRetriable()} tells the worker whether to try the same call
 * again (a 5xx, a timeout, a 429 after {@link #retryAfter()}) or to report the job as failed with
 * {@link #failureClass()}.
 */
public class BackendException extends PartitrainException {

  private final boolean retriable;
  private final FailureClass failureClass;
  private final Duration retryAfter;

  public BackendException(
      String message,
      boolean retriable,
      FailureClass failureClass,
      Duration retryAfter,
      Throwable cause) {
    super(message, cause);
    this.retriable = retriable;
    this.failureClass = failureClass;
    this.retryAfter = retryAfter;
  }

  /** A failure worth retrying: the backend may answer next time. */
  public static BackendException retriable(String message, Throwable cause) {
    return new BackendException(message, true, FailureClass.INFRA, null, cause);
  }

  /** The backend throttled us; try again after {@code retryAfter}; no attempt is spent. */
  public static BackendException throttled(String message, Duration retryAfter) {
    return new BackendException(message, true, FailureClass.THROTTLED, retryAfter, null);
  }

  /** The backend refused the job for good (a bad spec, a missing permission). */
  public static BackendException rejected(
      String message, FailureClass failureClass, Throwable cause) {
    return new BackendException(message, false, failureClass, null, cause);
  }

  public boolean isRetriable() {
    return retriable;
  }

  public FailureClass failureClass() {
    return failureClass;
  }

  /** How long the backend asked us to wait; null when it did not say. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
