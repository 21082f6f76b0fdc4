package io.partitrain.worker;

import static io.partitrain.shared.testing.WorkItemBuilder.aWorkItem;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.JobStatusBatch;
import io.partitrain.shared.contracts.JobStatusEvent;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.contracts.WorkItem;
import io.partitrain.shared.serde.Json;
import io.partitrain.shared.serde.StatusTopicValues;
import io.partitrain.shared.testing.MutableClock;
import io.partitrain.worker.backend.simulated.SimulatedBackend;
import io.partitrain.worker.backend.simulated.SimulationProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * What a worker writes to the status topic, counted on the producer's side (issue 12): one record
 * per batch of work items and one per watcher round, keyed by the worker, carrying every status;
 * and a batch that runs past its time is cut, committing only what it handled.
 */
class WorkerBatchingTest {

  private static final Topics TOPICS = Topics.defaults();
  private static final TopicPartition WORK = new TopicPartition(TOPICS.work(), 0);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T05:00:00Z"));
  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
  private final SimulatedBackend backend =
      new SimulatedBackend(
          clock,
          new SimulationProfile(
              Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(5), 0, 0, 7));
  private final Worker worker =
      new Worker(
          WorkerConfig.forInstallation("w1", TOPICS.prefix()),
          TOPICS,
          consumer,
          producer,
          backend,
          clock,
          new SimpleMeterRegistry());

  private ConsumerRecords<String, byte[]> poll(int items) {
    consumer.assign(List.of(WORK));
    consumer.updateBeginningOffsets(Map.of(WORK, 0L));
    for (int i = 0; i < items; i++) {
      WorkItem item = aWorkItem().forPartition("store-" + i).build();
      consumer.addRecord(new ConsumerRecord<>(WORK.topic(), 0, i, item.key(), Json.toBytes(item)));
    }
    return consumer.poll(Duration.ZERO);
  }

  private List<ProducerRecord<String, byte[]>> statusRecords() {
    return producer.history().stream().filter(r -> r.topic().equals(TOPICS.status())).toList();
  }

  @Test
  void aBatchOfSubmitsIsOneStatusRecordAndAWatcherRoundAnother() {
    worker.handleBatch(poll(30));

    assertThat(statusRecords())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.key()).as("keyed by the worker").isEqualTo("w1");
              assertThat(JobStatusBatch.isBatch(r.value())).isTrue();
              assertThat(StatusTopicValues.read(r.value()))
                  .hasSize(30)
                  .allSatisfy(e -> assertThat(e.phase()).isEqualTo(JobPhase.SUBMITTED));
            });
    assertThat(consumer.committed(Set.of(WORK)).get(WORK).offset()).isEqualTo(30);
    assertThat(worker.watcher().watching()).isEqualTo(30);

    clock.advance(Duration.ofSeconds(10));
    worker.watcher().tick();

    List<ProducerRecord<String, byte[]>> records = statusRecords();
    assertThat(records).as("the batch's record, then the round's").hasSize(2);
    List<JobStatusEvent> round = StatusTopicValues.read(records.get(1).value());
    assertThat(round)
        .as("every job's end in the one record of the round")
        .hasSize(30)
        .allSatisfy(e -> assertThat(e.phase()).isEqualTo(JobPhase.SUCCEEDED));
    assertThat(worker.watcher().watching()).isZero();
  }

  @Test
  void aBatchPastItsTimeIsCutAfterWhatItHandledAndTheRestIsReadAgain() {
    worker.batchTime(Duration.ZERO);
    ConsumerRecords<String, byte[]> records = poll(5);

    worker.handleBatch(records);

    assertThat(consumer.committed(Set.of(WORK)).get(WORK).offset())
        .as("only the item handled is committed")
        .isEqualTo(1);
    assertThat(consumer.position(WORK)).as("the next poll starts after it").isEqualTo(1);
    assertThat(backend.creations()).hasSize(1);

    int batches = 1;
    while (consumer.position(WORK) < 5 && batches < 10) {
      // MockConsumer forgets polled records: offer the rest again, as the log would.
      worker.handleBatch(pollRestFrom(records, consumer.position(WORK)));
      batches++;
    }
    assertThat(batches).as("one item a batch").isEqualTo(5);
    assertThat(consumer.committed(Set.of(WORK)).get(WORK).offset()).isEqualTo(5);
    assertThat(backend.creations()).as("each item submitted once").hasSize(5);
  }

  private ConsumerRecords<String, byte[]> pollRestFrom(
      ConsumerRecords<String, byte[]> first, long from) {
    for (ConsumerRecord<String, byte[]> r : first.records(WORK)) {
      if (r.offset() >= from) {
        consumer.addRecord(r);
      }
    }
    return consumer.poll(Duration.ZERO);
  }
}
