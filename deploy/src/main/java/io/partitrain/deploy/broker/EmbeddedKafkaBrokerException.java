package io.partitrain.deploy.broker;

import io.partitrain.shared.PartitrainException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The embedded broker could not be configured, formatted, started or stopped. Each factory puts
 * what was attempted, where, and what to try next into the message.
 */
public final class EmbeddedKafkaBrokerException extends PartitrainException {

  private static final long serialVersionUID = 1L;

  private EmbeddedKafkaBrokerException(String message, Throwable cause) {
    super(message, cause);
  }

  static EmbeddedKafkaBrokerException invalidOption(String option, Object value, String rule) {
    return new EmbeddedKafkaBrokerException(
        "Invalid embedded broker option " + option + "=" + value + ": " + rule, null);
  }

  static EmbeddedKafkaBrokerException reservedProperty(String key) {
    return new EmbeddedKafkaBrokerException(
        "Broker property '"
            + key
            + "' is set by EmbeddedKafkaBroker itself (node id, roles, listeners, quorum and log"
            + " dirs) and cannot be overridden; use EmbeddedKafkaBroker.Builder.logDir(..) for the"
            + " log dir, or an external cluster via KAFKA_BOOTSTRAP_SERVERS for anything else",
        null);
  }

  static EmbeddedKafkaBrokerException cannotCreateDir(Path dir, Throwable cause) {
    return new EmbeddedKafkaBrokerException(
        "Could not create the embedded Kafka log dir " + dir + " (check it is writable): " + cause,
        cause);
  }

  static EmbeddedKafkaBrokerException deleteFailed(Path dir, Throwable cause) {
    return new EmbeddedKafkaBrokerException(
        "The embedded Kafka broker stopped, but its temporary log dir "
            + dir
            + " could not be deleted; delete it by hand: "
            + cause,
        cause);
  }

  static EmbeddedKafkaBrokerException noFreePort(String host, Throwable cause) {
    return new EmbeddedKafkaBrokerException(
        "No free port could be bound on " + host + " for the embedded Kafka broker: " + cause,
        cause);
  }

  static EmbeddedKafkaBrokerException formatFailed(Path logDir, Throwable cause) {
    return new EmbeddedKafkaBrokerException(
        "Could not format the KRaft log dir "
            + logDir
            + " (is it writable, and if reused, was it formatted by a Kafka of the same or an older"
            + " version?)",
        cause);
  }

  static EmbeddedKafkaBrokerException startFailed(
      String bootstrapServers, Path logDir, int attempts, Throwable cause) {
    return new EmbeddedKafkaBrokerException(
        "Embedded Kafka broker at "
            + bootstrapServers
            + " (log dir "
            + logDir
            + ") failed to start after "
            + attempts
            + " attempt(s): "
            + cause,
        cause);
  }

  static EmbeddedKafkaBrokerException notReady(
      String bootstrapServers, Duration timeout, Throwable cause) {
    return new EmbeddedKafkaBrokerException(
        "Embedded Kafka broker at "
            + bootstrapServers
            + " did not answer describeCluster with itself as a live broker within "
            + timeout
            + "; consider increasing the startup timeout (EmbeddedKafkaBroker.Builder"
            + ".startupTimeout) on a slow or busy machine"
            + (cause == null ? "" : ", last error: " + cause),
        cause);
  }

  static EmbeddedKafkaBrokerException interrupted(String bootstrapServers, Throwable cause) {
    return new EmbeddedKafkaBrokerException(
        "Interrupted while waiting for the embedded Kafka broker at " + bootstrapServers, cause);
  }
}
