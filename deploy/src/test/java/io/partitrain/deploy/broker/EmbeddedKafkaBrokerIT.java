package io.partitrain.deploy.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The embedded broker is a real broker: groups, idempotence, transactions, clean shutdown. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EmbeddedKafkaBrokerIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  private static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.start();
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void startsReadyWithOneLiveBrokerOnLoopback() throws Exception {
    assertThat(broker.bootstrapServers()).startsWith("127.0.0.1:");
    assertThat(broker.clusterId()).isNotBlank();
    assertThat(broker.logDir()).isDirectory();
    try (Admin admin = admin(broker)) {
      assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
          .singleElement()
          .satisfies(node -> assertThat(node.id()).isEqualTo(EmbeddedKafkaBroker.NODE_ID));
    }
  }

  @Test
  void producesAndConsumesThroughAConsumerGroup() throws Exception {
    String topic = createTopic(broker, unique("orders"), 3);
    String group = unique("group");
    List<String> sent = new ArrayList<>();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(broker))) {
      for (int i = 0; i < 30; i++) {
        String value = "order-" + i;
        producer
            .send(new ProducerRecord<>(topic, "store-" + (i % 7), value))
            .get(30, TimeUnit.SECONDS);
        sent.add(value);
      }
    }

    List<ConsumerRecord<String, String>> received = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(consumerProps(broker, group))) {
      consumer.subscribe(List.of(topic));
      await()
          .pollInSameThread()
          .atMost(WAIT)
          .until(() -> pollInto(consumer, received) >= sent.size());
      consumer.commitSync(Duration.ofSeconds(30));
    }

    assertThat(received)
        .extracting(ConsumerRecord::value)
        .containsExactlyInAnyOrderElementsOf(sent);
    assertThat(received).extracting(ConsumerRecord::partition).contains(0, 1, 2);
    try (Admin admin = admin(broker)) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum())
          .isEqualTo(sent.size());
    }
  }

  @Test
  void readCommittedConsumerSeesCommittedTransactionsButNotAbortedOnes() throws Exception {
    // One partition: the last committed record comes after the aborted ones, so seeing it proves
    // the read_committed consumer has passed (and skipped) them.
    String topic = createTopic(broker, unique("decisions"), 1);
    Map<String, Object> txProps = producerProps(broker);
    txProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, unique("tx"));
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(txProps)) {
      producer.initTransactions();
      sendInTransaction(producer, topic, List.of("committed-1", "committed-2"));
      producer.commitTransaction();
      sendInTransaction(producer, topic, List.of("aborted-1", "aborted-2"));
      producer.flush();
      producer.abortTransaction();
      sendInTransaction(producer, topic, List.of("committed-3"));
      producer.commitTransaction();
    }

    assertThat(readUntil(topic, "read_committed", "committed-3"))
        .containsExactly("committed-1", "committed-2", "committed-3");
    assertThat(readUntil(topic, "read_uncommitted", "committed-3"))
        .containsExactly("committed-1", "committed-2", "aborted-1", "aborted-2", "committed-3");
  }

  @Test
  void closeStopsTheBrokerAndDeletesItsTemporaryLogDir() {
    EmbeddedKafkaBroker own = EmbeddedKafkaBroker.start();
    Path logDir = own.logDir();
    assertThat(logDir.resolve("meta.properties")).isRegularFile();

    own.close();

    assertThat(logDir).doesNotExist();
    own.close(); // idempotent
  }

  @Test
  void keepsACallerSuppliedLogDirAndItsDataAcrossRestarts(@TempDir Path dir) throws Exception {
    Path logDir = dir.resolve("kafka");
    String topic;
    String clusterId;
    try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.custom().logDir(logDir).start()) {
      clusterId = first.clusterId();
      topic = createTopic(first, unique("kept"), 1);
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(first))) {
        producer
            .send(new ProducerRecord<>(topic, "k", "survives-restart"))
            .get(30, TimeUnit.SECONDS);
      }
    }
    assertThat(logDir.resolve("meta.properties")).isRegularFile();

    try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.custom().logDir(logDir).start()) {
      assertThat(second.clusterId()).isEqualTo(clusterId);
      assertThat(readUntil(second, topic, "read_committed", "survives-restart"))
          .containsExactly("survives-restart");
    }
    assertThat(logDir).isNotEmptyDirectory();
  }

  private static void sendInTransaction(
      KafkaProducer<String, String> producer, String topic, List<String> values) {
    producer.beginTransaction();
    values.forEach(value -> producer.send(new ProducerRecord<>(topic, "key", value)));
  }

  private static List<String> readUntil(String topic, String isolation, String lastValue) {
    return readUntil(broker, topic, isolation, lastValue);
  }

  private static List<String> readUntil(
      EmbeddedKafkaBroker from, String topic, String isolation, String lastValue) {
    Map<String, Object> props = consumerProps(from, unique("reader"));
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    List<ConsumerRecord<String, String>> received = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of(topic));
      await()
          .pollInSameThread()
          .atMost(WAIT)
          .until(
              () -> {
                pollInto(consumer, received);
                return received.stream().anyMatch(r -> r.value().equals(lastValue));
              });
    }
    return received.stream().map(ConsumerRecord::value).toList();
  }

  private static int pollInto(
      KafkaConsumer<String, String> consumer, List<ConsumerRecord<String, String>> into) {
    consumer.poll(Duration.ofMillis(200)).forEach(into::add);
    return into.size();
  }

  private static String createTopic(EmbeddedKafkaBroker on, String name, int partitions)
      throws Exception {
    try (Admin admin = admin(on)) {
      admin
          .createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
      // The controller has committed the topic; the broker's metadata cache may learn of it a
      // moment later (UnknownTopicOrPartitionException meanwhile, seen on a loaded machine).
      TopicDescription description =
          await()
              .atMost(WAIT)
              .ignoreExceptionsInstanceOf(ExecutionException.class)
              .until(
                  () ->
                      admin
                          .describeTopics(Set.of(name))
                          .allTopicNames()
                          .get(30, TimeUnit.SECONDS)
                          .get(name),
                  d -> d != null);
      assertThat(description.partitions()).hasSize(partitions);
    }
    return name;
  }

  private static Admin admin(EmbeddedKafkaBroker on) {
    return Admin.create(Map.of("bootstrap.servers", on.bootstrapServers()));
  }

  private static Map<String, Object> producerProps(EmbeddedKafkaBroker on) {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, on.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    return props;
  }

  private static Map<String, Object> consumerProps(EmbeddedKafkaBroker on, String group) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, on.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    return props;
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
