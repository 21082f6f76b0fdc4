package io.partitrain.shared.config;

import io.partitrain.shared.contracts.Topics;
import java.time.Duration;
import java.util.List;

/**
 * The settings every service (orchestrator, worker) reads the same way: the Kafka cluster, the
 * installation's topic prefix, the replication factor of the topics it creates, and the workers'
 * heartbeat interval (which the orchestrator's silence timeout must leave room for). Defined once,
 * here; the Kafka client properties themselves belong to the kafka package's {@code KafkaSettings},
 * which reads its environment through these (config is below kafka, never the other way).
 */
public final class ServiceSettings {

  private ServiceSettings() {}

  /**
   * The Kafka cluster. Its variable also tells the all-in-one runnable and the CLI whether to use
   * an external cluster: unset, they start the embedded broker.
   */
  public static final Setting<String> KAFKA_BOOTSTRAP_SERVERS =
      Setting.required("KAFKA_BOOTSTRAP_SERVERS", "the Kafka cluster (host:port,...)");

  public static final Setting<String> TOPIC_PREFIX =
      Setting.text(
          "PARTITRAIN_TOPIC_PREFIX",
          "prefix of every topic, transactional id and group of the installation",
          Topics.DEFAULT_PREFIX);

  public static final Setting<Integer> REPLICATION_FACTOR =
      Setting.optionalInteger(
          "PARTITRAIN_REPLICATION_FACTOR",
          "replication of the topics a service creates at start-up",
          "the cluster's default.replication.factor",
          1,
          5);

  /** The Kafka mode in which the services accept topics that one broker's restart would stop. */
  public static final String SINGLE_BROKER = "single-broker";

  public static final Setting<String> KAFKA_MODE =
      Setting.oneOf(
          "PARTITRAIN_KAFKA_MODE",
          "production: the services refuse to start on topics with fewer than 2 replicas, or whose"
              + " min.insync.replicas leaves no broker free to restart; "
              + SINGLE_BROKER
              + ": a development cluster of one broker, where topics have 1 replica",
          "production",
          "production",
          SINGLE_BROKER);

  /**
   * The secret a worker's HTTP port asks of whoever reads a local job's log, and that the console
   * sends when it fetches one: set the same value on both (from one Kubernetes Secret).
   */
  public static final Setting<String> WORKER_LOG_TOKEN =
      Setting.secret(
          "PARTITRAIN_WORKER_LOG_TOKEN",
          "the shared secret with which the console reads local jobs' logs from the workers' HTTP"
              + " ports (GET /jobs/NAME/log); unset: workers serve no logs and the console shows"
              + " only logs on its own disk",
          32);

  /**
   * How long the runs topic keeps decisions by default: the audit trail of {@code run evidence} and
   * {@code run show}; a finished run's final snapshot outlives it on the state topic.
   */
  public static final Duration DEFAULT_RUNS_RETENTION = Duration.ofDays(30);

  public static final Setting<Duration> RUNS_RETENTION =
      Setting.positiveDuration(
          "PARTITRAIN_RUNS_RETENTION",
          "how long the runs topic keeps decisions (retention.ms of the topic, when a service"
              + " creates it): the audit trail of run evidence and run show; a finished run's final"
              + " state outlives it on the state topic",
          DEFAULT_RUNS_RETENTION);

  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(10);

  /** A silence timeout must cover this many heartbeat intervals: one lost heartbeat is normal. */
  public static final int HEARTBEATS_PER_SILENCE = 3;

  public static final Setting<Duration> HEARTBEAT_INTERVAL =
      Setting.positiveDuration(
          "PARTITRAIN_HEARTBEAT_INTERVAL",
          "how often a worker sends a heartbeat per unfinished job; the orchestrator refuses a"
              + " silence timeout shorter than "
              + HEARTBEATS_PER_SILENCE
              + " of these",
          DEFAULT_HEARTBEAT_INTERVAL);

  public static List<Setting<?>> settings() {
    return List.of(
        KAFKA_BOOTSTRAP_SERVERS,
        TOPIC_PREFIX,
        REPLICATION_FACTOR,
        KAFKA_MODE,
        RUNS_RETENTION,
        HEARTBEAT_INTERVAL,
        WORKER_LOG_TOKEN);
  }

  /**
   * Checks a silence timeout against the heartbeat interval: shorter than {@value
   * #HEARTBEATS_PER_SILENCE} heartbeats, every healthy job would be offered for adoption.
   *
   * @throws io.partitrain.shared.PartitrainException naming both settings, their values and the
   *     rule
   */
  public static void checkSilence(String silenceKey, Duration silence, Duration heartbeat) {
    if (silence.compareTo(heartbeat.multipliedBy(HEARTBEATS_PER_SILENCE)) < 0) {
      throw new io.partitrain.shared.PartitrainException(
          silenceKey
              + " = '"
              + silence
              + "': must be at least "
              + HEARTBEATS_PER_SILENCE
              + " x "
              + HEARTBEAT_INTERVAL.key()
              + " ("
              + heartbeat
              + "), or healthy jobs are offered for adoption between two heartbeats");
    }
  }
}
