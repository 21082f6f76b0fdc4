package io.partitrain.assets;

import java.time.Duration;

/**
 * One ARM call that did not get a usable answer. The {@link Kind} decides who handles it: the
 * throttle retry ({@link Kind#THROTTLED}), the transient retry and the circuit breaker ({@link
 * Kind#TRANSIENT}), or the caller ({@link Kind#REFUSED}). Messages carry the method, the path, the
 * status and ARM's error code and message; never a header, so never a token.
 */
public final class ArmCallException extends RuntimeException {

  /** How the failure is handled. */
  public enum Kind {
    /** 429: wait Retry-After and try again; no attempt of the partition is spent. */
    THROTTLED,
    /** 5xx, timeout, connection reset: retry with backoff; counts toward the circuit breaker. */
    TRANSIENT,
    /** Any other 4xx: the same call will fail again. */
    REFUSED
  }

  private final Kind kind;
  private final int status;
  private final Duration retryAfter;

  public ArmCallException(
      Kind kind, int status, String message, Duration retryAfter, Throwable cause) {
    super(message, cause, false, cause != null);
    this.kind = kind;
    this.status = status;
    this.retryAfter = retryAfter;
  }

  public Kind kind() {
    return kind;
  }

  /** The HTTP status; 0 when there was no answer (timeout, reset). */
  public int status() {
    return status;
  }

  /** What ARM asked us to wait (429) or null. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
