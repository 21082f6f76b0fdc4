package io.partitrain.shared.kafka;

import io.partitrain.shared.RetriableException;
import io.partitrain.shared.config.ServiceSettings;
import io.partitrain.shared.contracts.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates Partitrain's topics if they are missing. Idempotent: every service calls it at start-up,
 * and a topic that exists (created by another service, or by an administrator with other settings)
 * is left alone. A principal without the right to create topics (every Partitrain role on a secured
 * cluster: see {@link KafkaAcls}) leaves them to the administrator.
 */
public final class TopicAdmin {

  private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);

  /** Partitions of the work topic: the most worker replicas that can share the load. */
  public static final int DEFAULT_WORK_PARTITIONS = 12;

  public static final int DEFAULT_PARTITIONS = 6;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private TopicAdmin() {}

  /**
   * @param replicationFactor 1 for a single broker; 3 for a production cluster
   */
  public static void ensureTopics(KafkaSettings settings, short replicationFactor) {
    ensureTopics(settings, Optional.of(replicationFactor), DEFAULT_RUNS_RETENTION);
  }

  /**
   * @param replicationFactor empty: the cluster's {@code default.replication.factor}
   * @param runsRetention how long the runs topic keeps decisions ({@code retention.ms}; null:
   *     unlimited)
   */
  public static void ensureTopics(
      KafkaSettings settings, Optional<Short> replicationFactor, Duration runsRetention) {
    List<NewTopic> wanted = topics(settings.topics(), replicationFactor, runsRetention);
    try (Admin admin = Admin.create(settings.common("partitrain-topic-admin"))) {
      Set<String> existing =
          admin.listTopics().names().get(DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      List<NewTopic> missing = wanted.stream().filter(n -> !existing.contains(n.name())).toList();
      if (missing.isEmpty()) {
        return;
      }
      try {
        admin.createTopics(missing).all().get(DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        log.info("created topics {}", missing.stream().map(NewTopic::name).toList());
        awaitLeaders(admin, missing.stream().map(NewTopic::name).toList());
      } catch (ExecutionException e) {
        if (e.getCause() instanceof TopicAuthorizationException
            || e.getCause() instanceof ClusterAuthorizationException) {
          // A least-privilege principal sees only its own topics and may create none; on a
          // secured cluster the administrator creates them (deploy/kafka/partitrain-acls.sh).
          log.info(
              "not allowed to create topics {}; expecting the administrator to have created them",
              missing.stream().map(NewTopic::name).toList());
        } else if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriableException("interrupted while creating topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new RetriableException(
          "cannot create topics on "
              + settings.bootstrapServers()
              + " (is the broker reachable?): "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Waits until every partition of the new topics has a leader. A producer that writes to a topic
   * its broker does not lead yet has its first batch refused (NOT_LEADER_OR_FOLLOWER); if a later
   * batch is accepted meanwhile, the broker starts the idempotent producer's sequence there and
   * refuses the first batch for ever (OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout: a CI
   * run's setup lost 10 minutes that way). Bounded: after {@link #DEFAULT_TIMEOUT} it goes on and
   * leaves the producers' retries to cope.
   */
  private static void awaitLeaders(Admin admin, List<String> topics) throws InterruptedException {
    long deadline = System.nanoTime() + DEFAULT_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        boolean allLed =
            admin
                .describeTopics(topics)
                .allTopicNames()
                .get(DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .values()
                .stream()
                .flatMap(d -> d.partitions().stream())
                .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        if (allLed) {
          return;
        }
      } catch (ExecutionException | TimeoutException e) {
        log.debug("topics {} not described yet: {}", topics, e.getMessage());
      }
      Thread.sleep(50); // a poll of the broker's metadata, not a wait for a test
    }
    log.warn("topics {} have partitions without a leader after {}", topics, DEFAULT_TIMEOUT);
  }

  /**
   * Every topic of an installation with its partition count and settings: what this class creates,
   * and what the administrator's script creates on a secured cluster ({@link KafkaAcls}).
   */
  public static List<NewTopic> topics(Topics t, short replicationFactor) {
    return topics(t, Optional.of(replicationFactor), DEFAULT_RUNS_RETENTION);
  }

  /**
   * As {@link #topics(Topics, short)}, with the runs topic's retention (null: unlimited); an empty
   * replication factor leaves it to the cluster's {@code default.replication.factor}.
   */
  public static List<NewTopic> topics(
      Topics t, Optional<Short> replicationFactor, Duration runsRetention) {
    List<NewTopic> wanted = new ArrayList<>();
    wanted.add(topic(t.partitions(), DEFAULT_PARTITIONS, replicationFactor));
    wanted.add(topic(t.work(), DEFAULT_WORK_PARTITIONS, replicationFactor));
    wanted.add(topic(t.status(), DEFAULT_PARTITIONS, replicationFactor));
    wanted.add(topic(t.finops(), 3, replicationFactor));
    // Commands are ordered globally: one partition.
    wanted.add(topic(t.commands(), 1, replicationFactor));
    wanted.add(topic(t.deadLetters(), 1, replicationFactor));
    // Decisions: kept for the audit period; the state needed to go on lives on the state topic.
    wanted.add(
        topic(
            t.runs(),
            3,
            replicationFactor,
            Map.of(
                "retention.ms",
                runsRetention == null ? "-1" : String.valueOf(runsRetention.toMillis()))));
    // Per-run snapshots: one record per key survives compaction; segments roll hourly so that
    // compaction (which never touches the open segment) keeps up.
    wanted.add(
        topic(
            t.state(),
            3,
            replicationFactor,
            Map.of(
                "cleanup.policy",
                "compact",
                "segment.ms",
                String.valueOf(STATE_SEGMENT.toMillis()))));
    // Leader election: whoever is assigned its one partition leads.
    wanted.add(topic(t.control(), 1, replicationFactor));
    return wanted;
  }

  /** The names of every topic of an installation, as {@link #topics} creates them. */
  public static List<String> topicNames(Topics t) {
    return topics(t, Optional.empty(), DEFAULT_RUNS_RETENTION).stream()
        .map(NewTopic::name)
        .toList();
  }

  /** The largest record batch, after compression, the topics this tool creates accept. */
  public static final int MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

  /**
   * How long the runs topic keeps decisions unless configured ({@code PARTITRAIN_RUNS_RETENTION}).
   */
  public static final Duration DEFAULT_RUNS_RETENTION = ServiceSettings.DEFAULT_RUNS_RETENTION;

  /** The state topic's segment time: compaction cleans closed segments only. */
  public static final Duration STATE_SEGMENT = Duration.ofHours(1);

  private static NewTopic topic(String name, int partitions, Optional<Short> rf) {
    return topic(name, partitions, rf, Map.of());
  }

  private static NewTopic topic(
      String name, int partitions, Optional<Short> rf, Map<String, String> more) {
    Map<String, String> configs = new java.util.TreeMap<>(more);
    configs.put("max.message.bytes", String.valueOf(MAX_MESSAGE_BYTES));
    return new NewTopic(name, Optional.of(partitions), rf).configs(configs);
  }
}
