package io.partitrain.worker;

import static io.partitrain.shared.testing.WorkItemBuilder.aWorkItem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.JobStatusEvent;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.contracts.WorkItem;
import io.partitrain.shared.serde.Json;
import io.partitrain.shared.serde.StatusTopicValues;
import io.partitrain.shared.testing.MutableClock;
import io.partitrain.worker.backend.JobBackend;
import io.partitrain.worker.backend.JobObservation;
import io.partitrain.worker.backend.JobRef;
import io.partitrain.worker.backend.JobRequest;
import io.partitrain.worker.backend.SubmitResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The worker's poll loop on mock Kafka clients: what ends it, what does not, and when offsets are
 * committed. ChaosIT found the first case on a real broker: a worker stopped (SIGSTOP) past its
 * session timeout had its commit refused after it woke up, and that ended its loop while the
 * process stayed up, so one partition stayed in flight for ever.
 */
class WorkerLoopTest {

  private static final Topics TOPICS = Topics.defaults();
  private static final TopicPartition WORK = new TopicPartition(TOPICS.work(), 0);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T05:00:00Z"));
  private final FlakyConsumer consumer = new FlakyConsumer();
  private final FlakyProducer producer = new FlakyProducer();
  private final CountingBackend backend = new CountingBackend();
  private final Worker worker =
      new Worker(
          WorkerConfig.forInstallation("w1", TOPICS.prefix()),
          TOPICS,
          consumer,
          producer,
          backend,
          clock,
          new SimpleMeterRegistry());
  private final CompletableFuture<Throwable> loopEnded = new CompletableFuture<>();

  @AfterEach
  void stop() throws InterruptedException {
    worker.close();
    worker.awaitStopped(Duration.ofSeconds(10));
  }

  @Test
  void aCommitTheGroupRefusesDoesNotEndTheLoopAndLaterItemsAreStillHandledAndCommitted() {
    consumer.refuseCommits.set(1);
    startLoop();

    offer(0, aWorkItem().forPartition("store-1").build());
    await().atMost(Duration.ofSeconds(10)).until(() -> consumer.commitsRefused.get() == 1);
    offer(1, aWorkItem().forPartition("store-2").build());

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(consumer.committedOffset()).isEqualTo(2L));
    assertThat(backend.submitted).containsOnlyKeys("store-1", "store-2");
    assertThat(loopEnded).as("the loop still runs").isNotDone();
    assertThat(worker.failure()).isNull();
  }

  @Test
  void aBatchWhoseStatusTheBrokerDidNotTakeIsNotCommittedAndIsReadAgain() {
    producer.failStatusSends.set(1);
    startLoop();

    offer(0, aWorkItem().forPartition("store-1").build());

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(consumer.committedOffset()).isEqualTo(1L));
    assertThat(consumer.deliveriesAtFirstCommit)
        .as("the first commit came after the item was read a second time")
        .hasValue(2);
    assertThat(backend.created).as("the job was not started twice").hasValue(1);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(acknowledgedStatuses())
                    .as("the job's phase is reported again after the lost report")
                    .anySatisfy(e -> assertThat(e.partitionId()).isEqualTo("store-1")));
  }

  @Test
  void aProducerThatStaysBrokenEndsTheLoopAsAFailureInsteadOfSpinning() {
    producer.failStatusSends.set(Integer.MAX_VALUE);
    startLoop();

    // One batch whose every report fails: a batch of items read again would report nothing (their
    // jobs are watched already) and so commit; the count of failures is what ends the loop.
    consumer.schedulePollTask(
        () -> {
          for (int i = 0; i < Worker.MAX_UNACKNOWLEDGED_SENDS; i++) {
            WorkItem item = aWorkItem().forPartition("store-" + i).build();
            consumer.addRecord(
                new ConsumerRecord<>(
                    WORK.topic(), WORK.partition(), i, item.key(), Json.toBytes(item)));
          }
        });

    Throwable why = loopEnded.orTimeout(20, java.util.concurrent.TimeUnit.SECONDS).join();
    assertThat(why).isInstanceOf(KafkaException.class).hasMessageContaining("not acknowledged");
    assertThat(worker.failure()).isSameAs(why);
    assertThat(consumer.deliveriesAtFirstCommit)
        .as("nothing was committed while no report was acknowledged")
        .hasValue(-1);
  }

  @Test
  void anyOtherFailureOfThePollEndsTheLoopAndIsReported() {
    startLoop();
    consumer.schedulePollTask(
        () -> consumer.setPollException(new KafkaException("authorization revoked")));

    Throwable why = loopEnded.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();

    assertThat(why).hasMessageContaining("authorization revoked");
    assertThat(worker.failure()).isSameAs(why);
  }

  @Test
  void aCloseEndsTheLoopWithoutAFailure() throws InterruptedException {
    startLoop();
    offer(0, aWorkItem().forPartition("store-1").build());
    await().atMost(Duration.ofSeconds(10)).until(() -> consumer.committedOffset() != null);

    worker.close();

    assertThat(worker.awaitStopped(Duration.ofSeconds(10))).isTrue();
    assertThat(worker.failure()).isNull();
    assertThat(loopEnded).isNotDone();
  }

  /** Runs the loop; its first poll is assigned the work topic's partition, as a group would. */
  private void startLoop() {
    consumer.updateBeginningOffsets(Map.of(WORK, 0L));
    consumer.schedulePollTask(() -> consumer.rebalance(List.of(WORK)));
    Thread t =
        new Thread(
            () -> {
              try {
                worker.run();
              } catch (RuntimeException | Error e) {
                loopEnded.complete(e);
              }
            },
            "worker-loop-test");
    t.setDaemon(true);
    t.start();
  }

  private void offer(long offset, WorkItem item) {
    consumer.schedulePollTask(
        () ->
            consumer.addRecord(
                new ConsumerRecord<>(
                    WORK.topic(), WORK.partition(), offset, item.key(), Json.toBytes(item))));
  }

  private List<JobStatusEvent> acknowledgedStatuses() {
    return producer.acknowledged.stream()
        .filter(r -> r.topic().equals(TOPICS.status()))
        .flatMap(r -> StatusTopicValues.read(r.value()).stream())
        .toList();
  }

  /**
   * A consumer whose group can refuse commits, as after a rebalance it missed, and that keeps its
   * records as a log does, so a seek back reads them again (MockConsumer forgets them once polled).
   */
  private static final class FlakyConsumer extends MockConsumer<String, byte[]> {
    final AtomicInteger refuseCommits = new AtomicInteger();
    final AtomicInteger commitsRefused = new AtomicInteger();
    final AtomicInteger deliveries = new AtomicInteger();
    final AtomicInteger deliveriesAtFirstCommit = new AtomicInteger(-1);
    private final List<ConsumerRecord<String, byte[]>> log = new java.util.ArrayList<>();

    FlakyConsumer() {
      super("earliest");
    }

    @Override
    public synchronized void addRecord(ConsumerRecord<String, byte[]> record) {
      log.add(record);
      super.addRecord(record);
    }

    @Override
    public synchronized void seek(TopicPartition partition, long offset) {
      super.seek(partition, offset);
      for (ConsumerRecord<String, byte[]> r : log) {
        if (r.offset() >= offset) {
          super.addRecord(r);
        }
      }
    }

    @Override
    public synchronized void commitSync() {
      if (refuseCommits.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        commitsRefused.incrementAndGet();
        throw new CommitFailedException("the coordinator is not aware of this member");
      }
      deliveriesAtFirstCommit.compareAndSet(-1, deliveries.get());
      super.commitSync();
    }

    @Override
    public synchronized org.apache.kafka.clients.consumer.ConsumerRecords<String, byte[]> poll(
        Duration timeout) {
      var records = super.poll(timeout);
      deliveries.addAndGet(records.count());
      return records;
    }

    Long committedOffset() {
      OffsetAndMetadata o = committed(java.util.Set.of(WORK)).get(WORK);
      return o == null ? null : o.offset();
    }
  }

  /** A producer that fails the next status sends, as a broker that does not acknowledge them. */
  private final class FlakyProducer extends MockProducer<String, byte[]> {
    final AtomicInteger failStatusSends = new AtomicInteger();
    final List<ProducerRecord<String, byte[]>> acknowledged =
        new java.util.concurrent.CopyOnWriteArrayList<>();

    FlakyProducer() {
      super(true, null, new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    public synchronized Future<RecordMetadata> send(
        ProducerRecord<String, byte[]> record, Callback callback) {
      if (record.topic().equals(TOPICS.status())
          && failStatusSends.getAndUpdate(n -> n == Integer.MAX_VALUE ? n : Math.max(0, n - 1))
              > 0) {
        TimeoutException e = new TimeoutException("not acknowledged in time");
        if (callback != null) {
          callback.onCompletion(null, e);
        }
        return CompletableFuture.failedFuture(e);
      }
      acknowledged.add(record);
      return super.send(record, callback);
    }
  }

  /** A backend that creates each job once and then finds it by name, as get-or-create does. */
  private static final class CountingBackend implements JobBackend {
    final Map<String, AtomicInteger> submitted = new ConcurrentHashMap<>();
    final AtomicInteger created = new AtomicInteger();
    final Map<String, JobRequest> jobs = new ConcurrentHashMap<>();

    @Override
    public String name() {
      return "counting";
    }

    @Override
    public SubmitResult submit(JobRequest request) {
      submitted
          .computeIfAbsent(request.ref().partitionId(), k -> new AtomicInteger())
          .incrementAndGet();
      boolean isNew = jobs.putIfAbsent(request.ref().jobName(), request) == null;
      if (isNew) {
        created.incrementAndGet();
      }
      JobObservation o = observation(request.ref(), JobPhase.QUEUED);
      return new SubmitResult(o, isNew);
    }

    @Override
    public Optional<JobObservation> observe(JobRef job) {
      return jobs.containsKey(job.jobName())
          ? Optional.of(observation(job, JobPhase.QUEUED))
          : Optional.empty();
    }

    @Override
    public void cancel(JobRef job) {}

    @Override
    public void close() {}

    private static JobObservation observation(JobRef ref, JobPhase phase) {
      return JobObservation.of(ref.jobName(), phase).backendStatus(phase.name()).build();
    }
  }
}
