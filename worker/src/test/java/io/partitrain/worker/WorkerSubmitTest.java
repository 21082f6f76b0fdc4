package io.partitrain.worker;

import static io.partitrain.shared.testing.WorkItemBuilder.aWorkItem;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.partitrain.shared.contracts.FailureClass;
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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * One retry story (docs/retries.md): the worker submits once. A submission the backend refuses,
 * after its own transport retries, is reported FAILED with its class and the backend's Retry-After
 * for the tracker to decide; the worker neither retries nor waits on its poll thread.
 */
class WorkerSubmitTest {

  private static final Topics TOPICS = Topics.defaults();

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T05:00:00Z"));
  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());

  /** A backend that refuses every submission with {@code failure}, and counts the calls. */
  private static final class RefusingBackend implements JobBackend {
    final AtomicInteger submits = new AtomicInteger();
    final BackendException failure;

    RefusingBackend(BackendException failure) {
      this.failure = failure;
    }

    @Override
    public String name() {
      return "refusing";
    }

    @Override
    public SubmitResult submit(JobRequest request) {
      submits.incrementAndGet();
      throw failure;
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

  private List<JobStatusEvent> submitThrough(RefusingBackend backend) {
    return handle(backend, aWorkItem().build());
  }

  private List<JobStatusEvent> handle(RefusingBackend backend, WorkItem item) {
    Worker worker =
        new Worker(
            WorkerConfig.forInstallation("w1", TOPICS.prefix()),
            TOPICS,
            new MockConsumer<>("earliest"),
            producer,
            backend,
            clock,
            new SimpleMeterRegistry());
    worker.handle(new ConsumerRecord<>(TOPICS.work(), 0, 0L, item.key(), Json.toBytes(item)));
    return producer.history().stream()
        .filter(r -> r.topic().equals(TOPICS.status()))
        .flatMap(r -> StatusTopicValues.read(r.value()).stream())
        .toList();
  }

  @Test
  void aThrottledSubmissionIsReportedOnceWithTheBackendsRetryAfterAndNotRetriedHere() {
    RefusingBackend backend =
        new RefusingBackend(BackendException.throttled("429 from ARM", Duration.ofSeconds(42)));

    List<JobStatusEvent> sent = submitThrough(backend);

    assertThat(backend.submits).as("the worker submits once").hasValue(1);
    assertThat(sent)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.phase()).isEqualTo(JobPhase.FAILED);
              assertThat(e.failureClass()).isEqualTo(FailureClass.THROTTLED);
              assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(42));
            });
  }

  @Test
  void aTransientFailureAfterTheBackendsOwnRetriesIsAnInfraFailureForTheTracker() {
    RefusingBackend backend =
        new RefusingBackend(BackendException.retriable("503 after 5 tries", null));

    List<JobStatusEvent> sent = submitThrough(backend);

    assertThat(backend.submits).hasValue(1);
    assertThat(sent)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.failureClass()).isEqualTo(FailureClass.INFRA);
              assertThat(e.retryAfter()).isNull();
            });
  }

  @Test
  void aSubmitTheWorkerRefusesEndsItsAttemptAsAUserFailureWithTheReason() {
    RefusingBackend backend = new RefusingBackend(null);
    WorkItem refused = aWorkItem().command(" ").build();

    List<JobStatusEvent> sent = handle(backend, refused);

    assertThat(backend.submits).as("nothing reached the backend").hasValue(0);
    assertThat(producer.history())
        .as("the record itself is dead-lettered")
        .anySatisfy(r -> assertThat(r.topic()).isEqualTo(TOPICS.deadLetters()));
    assertThat(sent)
        .as("and the tracker hears of it, so the partition does not stay ADMITTED")
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.partitionId()).isEqualTo(refused.partitionId());
              assertThat(e.attempt()).isEqualTo(refused.attempt());
              assertThat(e.phase()).isEqualTo(JobPhase.FAILED);
              assertThat(e.failureClass()).isEqualTo(FailureClass.USER);
              assertThat(e.message()).contains("job.command");
            });
  }

  @Test
  void aSubmitPastItsDeadlineCreatesNoJobAndIsOnlyWatchedForAsAnAdoptWould() {
    RefusingBackend backend = new RefusingBackend(null);
    WorkItem item = aWorkItem().build();
    WorkItem late =
        new WorkItem(
            item.schemaVersion(),
            item.kind(),
            item.runId(),
            item.partitionId(),
            item.attempt(),
            item.jobName(),
            item.job(),
            item.partitionTags(),
            clock.instant().minusSeconds(40),
            clock.instant().minusSeconds(10));
    Worker worker =
        new Worker(
            WorkerConfig.forInstallation("w1", TOPICS.prefix()),
            TOPICS,
            new MockConsumer<>("earliest"),
            producer,
            backend,
            clock,
            new SimpleMeterRegistry());

    worker.handle(new ConsumerRecord<>(TOPICS.work(), 0, 0L, late.key(), Json.toBytes(late)));

    assertThat(backend.submits).as("a late SUBMIT must not start a job").hasValue(0);
    assertThat(worker.watcher().isWatching(late.jobName()))
        .as("but a job someone created for it is followed, and a missing one reported lost")
        .isTrue();
  }
}
