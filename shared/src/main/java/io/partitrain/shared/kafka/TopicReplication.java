package io.partitrain.shared.kafka;

import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.config.ServiceSettings;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Partitrain's topics survive a broker's restart, checked by the services at start-up in
 * production mode ({@code PARTITRAIN_KAFKA_MODE}). A topic with one replica stops every run while
 * its broker patches; a topic whose {@code min.insync.replicas} equals its replicas refuses every
 * transactional write while any one of them is down. Either is a start-up error naming the topic,
 * its figures and the settings, instead of an outage at the first broker restart. A single-broker
 * development cluster ({@code partitrain up}, the tests) says so with {@code
 * PARTITRAIN_KAFKA_MODE=single-broker}.
 *
 * <p>A principal that may not describe a topic or its configuration (least privilege on a secured
 * cluster) skips that part of the check, and says so in the log.
 */
public final class TopicReplication {

  private static final Logger log = LoggerFactory.getLogger(TopicReplication.class);

  /** The fewest replicas a production topic may have. */
  public static final int MIN_REPLICAS = 2;

  private TopicReplication() {}

  /** A topic's replication as the cluster reports it ({@code minInSync} null: not readable). */
  public record Replication(String topic, int replicas, Integer minInSync) {}

  /**
   * Refuses to go on when a topic of the installation would stop at one broker's restart.
   *
   * @throws PartitrainException whose first line names the first such topic, its figures and the
   *     rule, and the count of the others
   */
  public static void requireProduction(KafkaSettings settings) {
    List<String> problems = problems(describe(settings));
    if (!problems.isEmpty()) {
      throw new PartitrainException(
          problems.get(0)
              + (problems.size() > 1
                  ? " (and " + (problems.size() - 1) + " more topics alike)"
                  : "")
              + "\n"
              + String.join("\n", problems));
    }
  }

  /** What is wrong with these topics for production; empty when nothing is. */
  public static List<String> problems(Collection<Replication> topics) {
    List<String> problems = new ArrayList<>();
    for (Replication r : topics) {
      if (r.replicas() < MIN_REPLICAS) {
        problems.add(
            "topic "
                + r.topic()
                + " has "
                + r.replicas()
                + " replica: production needs at least "
                + MIN_REPLICAS
                + " (3 with min.insync.replicas 2 is the usual), or one broker's restart stops"
                + " every run; create the topics with "
                + ServiceSettings.REPLICATION_FACTOR.key()
                + "=3 (or the cluster's default.replication.factor), or set "
                + ServiceSettings.KAFKA_MODE.key()
                + "="
                + ServiceSettings.SINGLE_BROKER
                + " for a development cluster of one broker");
      } else if (r.minInSync() != null && r.minInSync() >= r.replicas()) {
        problems.add(
            "topic "
                + r.topic()
                + " has min.insync.replicas "
                + r.minInSync()
                + " with "
                + r.replicas()
                + " replicas: every transactional write stops while any one broker is down;"
                + " set the topic's min.insync.replicas below its replicas (2 of 3)");
      } else if (r.minInSync() != null && r.minInSync() < 2) {
        log.warn(
            "topic {} has min.insync.replicas {}: a write acknowledged by one broker is lost if"
                + " that broker fails before the others copy it; 2 is the usual",
            r.topic(),
            r.minInSync());
      }
    }
    return problems;
  }

  private static List<Replication> describe(KafkaSettings settings) {
    List<String> names = TopicAdmin.topicNames(settings.topics());
    List<Replication> out = new ArrayList<>();
    try (Admin admin = Admin.create(settings.common("partitrain-topic-check"))) {
      Map<String, Integer> replicas = new LinkedHashMap<>();
      admin
          .describeTopics(names)
          .topicNameValues()
          .forEach(
              (name, future) -> {
                TopicDescription d = get(future, name);
                if (d != null) {
                  replicas.put(name, d.partitions().get(0).replicas().size());
                }
              });
      Map<ConfigResource, KafkaFuture<Config>> configs =
          admin
              .describeConfigs(
                  replicas.keySet().stream()
                      .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n))
                      .toList())
              .values();
      replicas.forEach(
          (name, n) -> {
            Config c = get(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name)), name);
            ConfigEntry isr = c == null ? null : c.get("min.insync.replicas");
            out.add(
                new Replication(
                    name,
                    n,
                    isr == null || isr.value() == null ? null : Integer.valueOf(isr.value())));
          });
    }
    return out;
  }

  /** The future's value; null when this principal may not see it or the topic is not there. */
  private static <T> T get(KafkaFuture<T> future, String topic) {
    try {
      return future.get(TopicAdmin.DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AuthorizationException
          || e.getCause() instanceof UnknownTopicOrPartitionException) {
        log.info("cannot check the replication of topic {}: {}", topic, e.getCause().getMessage());
        return null;
      }
      throw new PartitrainException("cannot describe topic " + topic + ": " + e.getMessage(), e);
    } catch (TimeoutException e) {
      throw new PartitrainException(
          "cannot describe topic " + topic + " within " + TopicAdmin.DEFAULT_TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PartitrainException("interrupted while describing topic " + topic, e);
    }
  }
}
