package io.partitrain.testkit;

import io.partitrain.deploy.broker.EmbeddedKafkaBroker;
import io.partitrain.deploy.broker.KafkaBootstrap;
import io.partitrain.shared.config.ServiceSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * One real Kafka broker per test class, for integration tests. Register it as a static field:
 *
 * <pre>{@code
 * class SchedulerIT {
 *   @RegisterExtension static final TestKafka KAFKA = TestKafka.perClass();
 *
 *   @Test void emitsOneMessagePerPartition() {
 *     String topic = KAFKA.createTopic(TestKafka.uniqueName("partitions"), 3);
 *     ... KAFKA.bootstrapServers() ...
 *   }
 * }
 * }</pre>
 *
 * <p>Where the broker comes from, first match wins (DESIGN.md, "Kafka"):
 *
 * <ol>
 *   <li>{@code KAFKA_BOOTSTRAP_SERVERS}, if set: that cluster is used and nothing is started.
 *   <li>Testcontainers' {@link KafkaContainer} ({@value #KAFKA_IMAGE}), if a Docker engine answers.
 *   <li>{@link EmbeddedKafkaBroker}, in this JVM.
 * </ol>
 *
 * <p>The Docker probe runs once per JVM (about 1.5 s on a machine without a daemon, then
 * remembered). The container gets the same topic defaults as the embedded broker (3 partitions, no
 * auto-creation), so a test behaves the same on both.
 *
 * <p>Because an external cluster may be shared, tests should use {@link #uniqueName(String)} for
 * topics and group ids rather than fixed names.
 */
public final class TestKafka implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TestKafka.class);

  /** The broker image for the Testcontainers path; the same Kafka version as the embedded one. */
  public static final String KAFKA_IMAGE = "apache/kafka:4.1.1";

  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  private static volatile Boolean dockerAvailable;

  /** Where the broker came from. */
  public enum Kind {
    /** The cluster named by {@code KAFKA_BOOTSTRAP_SERVERS}. */
    EXTERNAL,
    /** A Testcontainers {@code apache/kafka} container. */
    TESTCONTAINERS,
    /** An {@link EmbeddedKafkaBroker} in this JVM. */
    EMBEDDED
  }

  private Kind kind;
  private String bootstrapServers;
  private String description;
  private Runnable stop;

  private TestKafka() {}

  /** A broker started before the first test of the class and stopped after the last one. */
  public static TestKafka perClass() {
    return new TestKafka();
  }

  /** Starts a broker now, for use outside a JUnit extension; close it when done. */
  public static TestKafka start() {
    TestKafka kafka = new TestKafka();
    kafka.startBroker();
    return kafka;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    startBroker();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  /** {@code bootstrap.servers} of the broker in use. */
  public String bootstrapServers() {
    requireStarted();
    return bootstrapServers;
  }

  /** Where the broker came from. */
  public Kind kind() {
    requireStarted();
    return kind;
  }

  /** For test logs: which broker and where. */
  public String description() {
    requireStarted();
    return description;
  }

  /** Client properties with {@code bootstrap.servers} set; add the rest per client. */
  public Map<String, Object> clientProperties() {
    return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
  }

  /**
   * Creates a topic with replication factor 1 (or the cluster's default when external) and waits
   * until the broker has created it.
   *
   * @return the topic name, for chaining with {@link #uniqueName(String)}
   */
  public String createTopic(String name, int partitions) {
    NewTopic topic =
        kind() == Kind.EXTERNAL
            ? new NewTopic(name, Optional.of(partitions), Optional.empty())
            : new NewTopic(name, partitions, (short) 1);
    try (Admin admin = Admin.create(clientProperties())) {
      admin.createTopics(List.of(topic)).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "Could not create topic "
              + name
              + " with "
              + partitions
              + " partitions on "
              + description,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topic " + name, e);
    }
    return name;
  }

  /** {@code prefix} plus a random suffix: topics and group ids that no other test run shares. */
  public static String uniqueName(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Override
  public void close() {
    Runnable toRun = stop;
    stop = null;
    if (toRun != null) {
      toRun.run();
    }
  }

  private void startBroker() {
    if (bootstrapServers != null) {
      throw new IllegalStateException(
          "TestKafka already started (" + description + "); register it once, as a static field");
    }
    if (System.getenv(ServiceSettings.KAFKA_BOOTSTRAP_SERVERS.key()) == null
        && isDockerAvailable()) {
      startContainer();
    } else {
      // Either KAFKA_BOOTSTRAP_SERVERS (nothing started) or the embedded broker.
      KafkaBootstrap bootstrap = KafkaBootstrap.resolve();
      kind = bootstrap.isEmbedded() ? Kind.EMBEDDED : Kind.EXTERNAL;
      bootstrapServers = bootstrap.bootstrapServers();
      description = bootstrap.description();
      stop = bootstrap::close;
    }
    LOG.info("TestKafka: {}", description);
  }

  private void startContainer() {
    KafkaContainer container =
        new KafkaContainer(DockerImageName.parse(KAFKA_IMAGE))
            .withEnv("KAFKA_NUM_PARTITIONS", "3")
            .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
    container.start();
    kind = Kind.TESTCONTAINERS;
    bootstrapServers = container.getBootstrapServers();
    description = "Testcontainers " + KAFKA_IMAGE + " at " + bootstrapServers;
    stop = container::stop;
  }

  private static boolean isDockerAvailable() {
    Boolean available = dockerAvailable;
    if (available == null) {
      try {
        available = DockerClientFactory.instance().isDockerAvailable();
      } catch (RuntimeException | LinkageError e) {
        LOG.info("Docker probe failed ({}); not using Testcontainers", e.toString());
        available = false;
      }
      dockerAvailable = available;
    }
    return available;
  }

  private void requireStarted() {
    if (bootstrapServers == null) {
      throw new IllegalStateException(
          "TestKafka is not started: register it as a static @RegisterExtension field (an instance"
              + " field gets no beforeAll), or use TestKafka.start()");
    }
  }
}
