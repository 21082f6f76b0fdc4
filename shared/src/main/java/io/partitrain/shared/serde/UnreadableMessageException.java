package io.partitrain.shared.serde;

import io.partitrain.shared.PartitrainException;

/**
 * A record whose value cannot be read as the expected message. It goes to the dead-letter topic.
 */
public class UnreadableMessageException extends PartitrainException {

  public UnreadableMessageException(Class<?> type, String reason, Throwable cause) {
    super("cannot read " + type.getSimpleName() + ": " + reason, cause);
  }
}
