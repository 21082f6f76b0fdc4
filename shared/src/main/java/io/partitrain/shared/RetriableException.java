package io.partitrain.shared;

/**
 * A failure that may succeed if the same operation is tried again later (a broker that is not
 * reachable yet, a backend answering 5xx, a throttled call). Loops retry these with backoff; any
 * other {@link PartitrainException} is treated as fatal for the operation that raised it.
 */
public class RetriableException extends PartitrainException {

  public RetriableException(String message) {
    super(message);
  }

  public RetriableException(String message, Throwable cause) {
    super(message, cause);
  }
}
