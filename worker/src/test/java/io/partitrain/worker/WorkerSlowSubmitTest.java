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
import io.partitrain.worker.backend.BackendException;
import io.partitrain.worker.backend.JobBackend;
import io.partitrain.worker.backend.JobObservation;
import io.partitrain.worker.backend.JobRef;
import io.partitrain.worker.backend.JobRequest;
import io.partitrain.worker.backend.SubmitResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 11: a submit that uploads a large code folder first must not keep the poll thread from
 * polling, or the group drops the worker after {@code max.poll.interval.ms} and its items are
 * handled twice. The submit runs on its own thread; the poll thread keeps polling with its
 * partitions paused, takes no new work meanwhile, and still reports and commits only after the job
 * exists.
 */
@Timeout(60)
class WorkerSlowSubmitTest {

  private static final Topics TOPICS = Topics.defaults();
  private static final TopicPartition P0 = new TopicPartition(TOPICS.work(), 0);
  private static final TopicPartition P1 = new TopicPartition(TOPICS.work(), 1);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T05:00:00Z"));
  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());

  /** A consumer whose empty poll blocks a little, as a real one does, and counts the polls. */
  static final class CountingConsumer extends MockConsumer<String, byte[]> {
    final AtomicInteger polls = new AtomicInteger();

    CountingConsumer() {
      super("earliest");
    }

    @Override
    public ConsumerRecords<String, byte[]> poll(Duration timeout) {
      ConsumerRecords<String, byte[]> r = super.poll(timeout);
      polls.incrementAndGet();
      if (r.isEmpty()) {
        LockSupport.parkNanos(Math.min(timeout.toNanos(), TimeUnit.MILLISECONDS.toNanos(5)));
      }
      return r;
    }
  }

  /** A backend whose submit uploads for as long as the test says (a large code folder). */
  static final class SlowUploadBackend implements JobBackend {
    final CountDownLatch uploading = new CountDownLatch(1);
    final CountDownLatch uploaded = new CountDownLatch(1);
    final AtomicInteger submits = new AtomicInteger();
    final AtomicInteger returned = new AtomicInteger();
    volatile String submitThread;

    @Override
    public String name() {
      return "slow-upload";
    }

    @Override
    public SubmitResult submit(JobRequest request) {
      submits.incrementAndGet();
      submitThread = Thread.currentThread().getName();
      uploading.countDown();
      try {
        if (!uploaded.await(30, TimeUnit.SECONDS)) {
          throw BackendException.retriable("the test never finished the upload", null);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw BackendException.retriable("interrupted", e);
      }
      returned.incrementAndGet();
      return new SubmitResult(
          JobObservation.of(request.jobName(), JobPhase.QUEUED).backendStatus("Queued").build(),
          true);
    }

    @Override
    public Optional<JobObservation> observe(JobRef job) {
      return Optional.empty();
    }

    @Override
    public void cancel(JobRef job) {}

    @Override
    public void close() {}
  }

  private final CountingConsumer consumer = new CountingConsumer();

  private Worker worker(JobBackend backend) {
    consumer.assign(List.of(P0, P1));
    consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    return new Worker(
        WorkerConfig.forInstallation("w1", TOPICS.prefix()),
        TOPICS,
        consumer,
        producer,
        backend,
        clock,
        new SimpleMeterRegistry());
  }

  private static ConsumerRecord<String, byte[]> record(TopicPartition tp, long offset, WorkItem i) {
    return new ConsumerRecord<>(tp.topic(), tp.partition(), offset, i.key(), Json.toBytes(i));
  }

  private List<JobStatusEvent> statuses() {
    return producer.history().stream()
        .filter(r -> r.topic().equals(TOPICS.status()))
        .flatMap(r -> StatusTopicValues.read(r.value()).stream())
        .toList();
  }

  @Test
  void theConsumerKeepsPollingWithItsPartitionsPausedWhileAnUploadRunsAndReportsAfterIt() {
    SlowUploadBackend backend = new SlowUploadBackend();
    Worker worker = worker(backend);
    WorkItem item = aWorkItem().forPartition("store-001").build();

    CompletableFuture<Void> pollThread =
        CompletableFuture.runAsync(() -> worker.handle(record(P0, 0, item)));
    await().until(() -> backend.uploading.getCount() == 0);
    int pollsAtStart = consumer.polls.get();
    await().until(() -> consumer.polls.get() >= pollsAtStart + 20);
    assertThat(consumer.paused()).containsExactlyInAnyOrder(P0, P1);
    // New work arrives meanwhile: the paused consumer does not take it.
    WorkItem next = aWorkItem().forPartition("store-002").build();
    consumer.addRecord(record(P1, 0, next));
    int pollsWithNewWork = consumer.polls.get();
    await().until(() -> consumer.polls.get() >= pollsWithNewWork + 10);
    assertThat(consumer.position(P1)).as("nothing fetched while paused").isZero();
    assertThat(statuses()).as("nothing reported before the job exists").isEmpty();
    assertThat(pollThread).isNotDone();

    backend.uploaded.countDown();
    pollThread.join();

    assertThat(backend.submitThread).isEqualTo("submit-w1");
    assertThat(backend.submits).hasValue(1);
    assertThat(statuses())
        .singleElement()
        .satisfies(e -> assertThat(e.phase()).isEqualTo(JobPhase.SUBMITTED));
    assertThat(worker.pollsWhileSubmitting()).isGreaterThanOrEqualTo(30);
    assertThat(consumer.paused()).as("resumed after the submit").isEmpty();
    assertThat(consumer.poll(Duration.ZERO).records(P1))
        .as("the work that arrived meanwhile comes next")
        .singleElement()
        .satisfies(r -> assertThat(r.key()).isEqualTo(next.key()));
  }

  @Test
  void aRebalanceLetsPartitionsGoOnlyAfterTheSubmitInFlightEnded() {
    // Without the wait, the next owner read the item again while this worker still submitted:
    // both found no job, both created it (13 PUTs on existing jobs in AzureMlKafkaRunIT under
    // load).
    SlowUploadBackend backend = new SlowUploadBackend();
    Worker worker = worker(backend);
    CompletableFuture<Void> pollThread =
        CompletableFuture.runAsync(
            () -> worker.handle(record(P0, 0, aWorkItem().forPartition("store-001").build())));
    await().until(() -> backend.uploading.getCount() == 0);

    AtomicInteger submitsEndedWhenRevoked = new AtomicInteger(-1);
    CountDownLatch revoking = new CountDownLatch(1);
    CompletableFuture<Void> revoke =
        CompletableFuture.runAsync(
            () -> {
              revoking.countDown();
              worker.rebalanceListener().onPartitionsRevoked(List.of(P0, P1));
              submitsEndedWhenRevoked.set(backend.returned.get());
            });
    await().until(() -> revoking.getCount() == 0);
    assertThat(revoke).as("the revoke waits for the upload").isNotDone();

    backend.uploaded.countDown();
    revoke.join();
    pollThread.join();

    assertThat(submitsEndedWhenRevoked)
        .as("submits that had returned when the revoke ended")
        .hasValue(1);
    assertThat(backend.submits).hasValue(1);
  }

  /** A worker on {@code subscribed}, which starts with P0 and P1 assigned by the group. */
  private Worker subscribedWorker(
      SlowUploadBackend backend, CountingConsumer subscribed, CountDownLatch revoking) {
    Worker worker =
        new Worker(
            WorkerConfig.forInstallation("w1", TOPICS.prefix()),
            TOPICS,
            subscribed,
            producer,
            backend,
            clock,
            new SimpleMeterRegistry());
    subscribed.subscribe(
        List.of(TOPICS.work()),
        new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
              revoking.countDown();
            }
            worker.rebalanceListener().onPartitionsRevoked(partitions);
          }

          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}
        });
    subscribed.rebalance(List.of(P0, P1));
    subscribed.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    return worker;
  }

  private static ConsumerRecords<String, byte[]> threeItemsOfP0() {
    List<ConsumerRecord<String, byte[]>> items = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      items.add(record(P0, i, aWorkItem().forPartition("store-00" + i).build()));
    }
    return new ConsumerRecords<>(Map.of(P0, items), Map.of());
  }

  @Test
  void itemsOfAPartitionTakenAwayDuringTheBatchAreLeftToItsNewOwner() {
    // As a KafkaConsumer does it: the rebalance runs inside a poll of the poll thread, here one of
    // the polls it makes while the first item's upload runs (issue 28: this test used to drive the
    // rebalance from a third thread, which no KafkaConsumer allows, and failed under CPU load).
    SlowUploadBackend backend = new SlowUploadBackend();
    CountingConsumer subscribed = new CountingConsumer();
    CountDownLatch revoking = new CountDownLatch(1);
    Worker worker = subscribedWorker(backend, subscribed, revoking);
    AtomicReference<Thread> batchThread = new AtomicReference<>();
    AtomicReference<Thread> rebalancedOn = new AtomicReference<>();
    CompletableFuture<Void> batch =
        CompletableFuture.runAsync(
            () -> {
              batchThread.set(Thread.currentThread());
              worker.handleBatch(threeItemsOfP0());
            });
    await().until(() -> backend.uploading.getCount() == 0);

    // The group moves P0 away while the upload runs: the revoke waits for it.
    subscribed.schedulePollTask(
        () -> {
          rebalancedOn.set(Thread.currentThread());
          subscribed.rebalance(List.of(P1));
        });
    await().until(() -> revoking.getCount() == 0);
    backend.uploaded.countDown();
    batch.join();

    assertThat(rebalancedOn.get())
        .as("the rebalance ran in a poll of the batch's thread")
        .isSameAs(batchThread.get());
    assertThat(subscribed.assignment()).containsExactly(P1);
    assertThat(backend.submits).as("only the item in flight was submitted").hasValue(1);
    assertThat(statuses()).hasSize(1);
    assertThat(subscribed.committed(Set.of(P0))).as("P0 is left to its next owner").isEmpty();
  }

  @Test
  void aRevokeTheListenerHearsStopsTheBatchEvenIfTheUploadEndsBeforeAnyPoll() {
    // The interleaving of issue 28's flaky failure, made certain: the group takes P0 while the
    // first
    // upload runs, and the upload ends within the quiet time before the poll thread's first poll.
    // The batch used to infer a rebalance from its own polls and went on with P0's other items
    // (3 submits); it now leaves a partition as soon as its rebalance listener hears it is revoked.
    SlowUploadBackend backend = new SlowUploadBackend();
    CountingConsumer subscribed = new CountingConsumer();
    Worker worker = subscribedWorker(backend, subscribed, new CountDownLatch(1));
    CompletableFuture<Void> batch =
        CompletableFuture.runAsync(() -> worker.handleBatch(threeItemsOfP0()));
    await().pollInterval(Duration.ofMillis(1)).until(() -> backend.uploading.getCount() == 0);

    Thread rebalance = new Thread(() -> subscribed.rebalance(List.of(P1)), "group-rebalance");
    rebalance.start();
    // The listener waits for the upload in flight (a timed wait); then the upload may end.
    await()
        .pollInterval(Duration.ofMillis(1))
        .until(() -> rebalance.getState() == Thread.State.TIMED_WAITING);
    backend.uploaded.countDown();
    batch.join();

    assertThat(backend.submits).as("only the item in flight was submitted").hasValue(1);
    assertThat(statuses()).hasSize(1);
  }

  @Test
  void aPartitionRevokedAndGivenBackInTheSameRebalanceIsStillLeft() {
    // Kafka's default (eager) protocol revokes every partition and assigns them again within one
    // poll, here one of the polls the batch's thread makes while the first upload runs; P0 comes
    // back, its position reset to the last commit. The batch used to re-read the assignment after
    // the polls, found P0 in it and went on with the items it held (3 submits, none of them to be
    // committed); a revoke heard during the batch now leaves the partition, and the next poll reads
    // it again from the last commit (the item in flight is then adopted by name).
    SlowUploadBackend backend = new SlowUploadBackend();
    CountingConsumer subscribed = new CountingConsumer();
    CountDownLatch revoking = new CountDownLatch(1);
    Worker worker = subscribedWorker(backend, subscribed, revoking);
    AtomicReference<Thread> batchThread = new AtomicReference<>();
    AtomicReference<Thread> rebalancedOn = new AtomicReference<>();
    CompletableFuture<Void> batch =
        CompletableFuture.runAsync(
            () -> {
              batchThread.set(Thread.currentThread());
              worker.handleBatch(threeItemsOfP0());
            });
    await().until(() -> backend.uploading.getCount() == 0);

    subscribed.schedulePollTask(
        () -> {
          rebalancedOn.set(Thread.currentThread());
          subscribed.rebalance(List.of()); // eager: every partition revoked, then
          subscribed.rebalance(List.of(P0, P1)); // assigned again
        });
    await().until(() -> revoking.getCount() == 0);
    backend.uploaded.countDown();
    batch.join();

    assertThat(rebalancedOn.get())
        .as("the rebalance ran in a poll of the batch's thread")
        .isSameAs(batchThread.get());
    assertThat(subscribed.assignment()).containsExactlyInAnyOrder(P0, P1);
    assertThat(backend.submits).as("only the item in flight was submitted").hasValue(1);
    assertThat(statuses()).hasSize(1);
  }

  @Test
  void aRevokeWithNoSubmitInFlightDoesNotWait() {
    SlowUploadBackend backend = new SlowUploadBackend();
    Worker worker = worker(backend);

    CompletableFuture<Void> revoke =
        CompletableFuture.runAsync(
            () -> worker.rebalanceListener().onPartitionsRevoked(List.of(P0, P1)));

    assertThat(revoke).succeedsWithin(Duration.ofSeconds(10));
    assertThat(backend.submits).hasValue(0);
  }

  @Test
  void aPartitionPausedBeforeTheSubmitStaysPausedAfterIt() {
    SlowUploadBackend backend = new SlowUploadBackend();
    Worker worker = worker(backend);
    consumer.pause(Set.of(P1)); // e.g. paused while the backend refused work

    CompletableFuture<Void> pollThread =
        CompletableFuture.runAsync(
            () -> worker.handle(record(P0, 0, aWorkItem().forPartition("store-001").build())));
    await().until(() -> backend.uploading.getCount() == 0 && consumer.paused().contains(P0));
    backend.uploaded.countDown();
    pollThread.join();

    assertThat(consumer.paused()).containsExactly(P1);
  }

  @Test
  void submitsBackToBackAreNeverRefusedByTheSubmitThread() {
    SlowUploadBackend backend = new SlowUploadBackend();
    backend.uploaded.countDown();
    Worker worker = worker(backend);

    for (int i = 1; i <= 2_000; i++) {
      worker.handle(
          record(P0, i, aWorkItem().forPartition(String.format("store-%04d", i)).build()));
    }

    assertThat(backend.submits).hasValue(2_000);
    assertThat(statuses())
        .hasSize(2_000)
        .allSatisfy(e -> assertThat(e.phase()).isEqualTo(JobPhase.SUBMITTED));
  }

  @Test
  void aQuickSubmitCostsNoPollAndItsFailureIsReportedAsBefore() {
    SlowUploadBackend backend = new SlowUploadBackend();
    backend.uploaded.countDown();
    Worker worker = worker(backend);

    worker.handle(record(P0, 0, aWorkItem().forPartition("store-001").build()));

    assertThat(worker.pollsWhileSubmitting()).isZero();
    assertThat(consumer.polls).hasValue(0);
    assertThat(statuses())
        .singleElement()
        .extracting(JobStatusEvent::phase)
        .isEqualTo(JobPhase.SUBMITTED);
  }
}
