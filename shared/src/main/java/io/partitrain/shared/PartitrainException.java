package io.partitrain.shared;

/**
 * The root of every exception Partitrain throws on purpose. Unchecked, so that callers handle it
 * where they can do something about it and let it travel otherwise.
 *
 * <p>Messages name the thing (a run, a partition, a config key), its value, and the rule it broke,
 * and where there is a fix, they say it.
 */
public class PartitrainException extends RuntimeException {

  public PartitrainException(String message) {
    super(message);
  }

  public PartitrainException(String message, Throwable cause) {
    super(message, cause);
  }
}
