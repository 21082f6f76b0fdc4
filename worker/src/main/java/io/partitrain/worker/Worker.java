package io.partitrain.worker;

import io.micrometer.core.instrument.MeterRegistry;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.JobStatusBatch;
import io.partitrain.shared.contracts.JobStatusEvent;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.contracts.WorkItem;
import io.partitrain.shared.kafka.DeadLetters;
import io.partitrain.shared.serde.Json;
import io.partitrain.shared.serde.UnreadableMessageException;
import io.partitrain.worker.backend.BackendException;
import io.partitrain.worker.backend.JobBackend;
import io.partitrain.worker.backend.JobRef;
import io.partitrain.worker.backend.JobRequest;
import io.partitrain.worker.backend.SubmitResult;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stateless executor: consumes {@link WorkItem}s from the work topic (one consumer group for all
 * workers), submits each job through its {@link JobBackend} (get-or-create by the deterministic
 * name), reports SUBMITTED, commits, and hands the job to its {@link JobWatcher}.
 *
 * <p>The order "create, report, commit" is what makes a crash harmless: a work item redelivered
 * after a crash finds its job already created and adopts it. A record that cannot be read goes to
 * the dead-letter topic and the loop goes on. Offsets are committed only once every status and
 * dead-letter record of the batch is acknowledged by the broker; when one is not, the batch is read
 * again. Statuses go out batched ({@link JobStatusBatch}, keyed by this worker's id, so all its
 * reports land in one partition, in the order sent): a batch's SUBMITTED statuses as one record,
 * sent before its jobs are handed to the watcher, and each watcher round as one record. A poll
 * returns up to {@link Workers#MAX_POLL_RECORDS} items, and a batch is cut after {@link
 * #BATCH_TIME} (the rest is read again by the next poll), so fast backends take hundreds of items a
 * commit and slow ones (an Azure ML submission takes about a second) are not held for long. A
 * commit the group refuses (this worker was stopped or too slow and its partitions moved on) is not
 * an error: the new owner gets the items and adopts their jobs by name. Anything else that ends the
 * loop is a failure the process must not outlive ({@link Workers}).
 *
 * <p>The worker never retries and never sleeps on its poll thread (docs/retries.md): the backend
 * retries transport failures inside one call, with bounded backoff; a submission that still fails
 * is reported FAILED with its failure class and the backend's Retry-After, and the tracker decides
 * about the next attempt. While the backend refuses all work (its circuit breaker is open) the
 * worker pauses consumption instead, so no attempt is spent.
 */
public final class Worker implements Runnable, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Worker.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

  /**
   * How long one batch of work items may take before the rest of the poll is left for the next one:
   * its statuses are then sent and its offsets committed, so a batch of slow submissions neither
   * delays its SUBMITTED reports for long nor nears {@code max.poll.interval.ms}.
   */
  static final Duration BATCH_TIME = Duration.ofSeconds(1);

  /**
   * How long a rebalance may wait for the submit in flight before it lets the partitions go: a
   * fifth of Kafka's default {@code max.poll.interval.ms} (5 min), which also bounds a rebalance.
   */
  static final Duration REVOKE_WAIT = Duration.ofSeconds(60);

  /**
   * Records in a row the broker would not take (each after the producer's own retries, for up to
   * {@code delivery.timeout.ms}) before the loop gives up: a producer that stays broken
   * (authorization revoked, a fatal idempotence error) must not leave a worker that looks alive and
   * reports nothing; a restarted process gets a fresh producer.
   */
  static final int MAX_UNACKNOWLEDGED_SENDS = 20;

  private final WorkerConfig config;
  private final Topics topics;
  private final Consumer<String, byte[]> consumer;
  private final Producer<String, byte[]> producer;
  private final JobBackend backend;
  private final Clock clock;
  private final JobWatcher watcher;
  private final DeadLetters deadLetters;
  private final WorkerMetrics metrics;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Where this worker's HTTP port serves job logs ({@link #advertiseLogs}); null: it does not. */
  private volatile String logUrlBase;

  private final CountDownLatch stopped = new CountDownLatch(1);
  private final ScheduledExecutorService ticker;
  private final PollingWhileBusy submits;

  /** Sends of the batch being handled; touched by the poll thread only. */
  private final List<Future<RecordMetadata>> batchSends = new ArrayList<>();

  /** Statuses of the batch being handled, sent as one record at its end (poll thread only). */
  private final List<JobStatusEvent> batchStatuses = new ArrayList<>();

  /**
   * Jobs of the batch to hand to the watcher once the batch's statuses are sent, so no round of the
   * watcher reports a job's later status before its SUBMITTED (poll thread only).
   */
  private final List<Runnable> batchWatches = new ArrayList<>();

  private final AtomicInteger unacknowledgedSends = new AtomicInteger();

  /** {@link #BATCH_TIME}, or a test's. */
  private volatile Duration batchTime = BATCH_TIME;

  private volatile Throwable failure;

  public Worker(
      WorkerConfig config,
      Topics topics,
      Consumer<String, byte[]> consumer,
      Producer<String, byte[]> producer,
      JobBackend backend,
      Clock clock,
      MeterRegistry registry) {
    this.config = config;
    this.topics = topics;
    this.consumer = consumer;
    this.producer = producer;
    this.backend = backend;
    this.clock = clock;
    this.metrics = new WorkerMetrics(registry, backend.name());
    this.watcher =
        JobWatcher.batching(
            backend, this::send, config.workerId(), config.heartbeatInterval(), clock);
    this.deadLetters =
        new DeadLetters(producer, topics.deadLetters(), "worker " + config.workerId());
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "watcher-" + config.workerId());
              t.setDaemon(true);
              return t;
            });
    this.submits =
        new PollingWhileBusy(consumer, "submit-" + config.workerId(), POLL_TIMEOUT, POLL_TIMEOUT);
    registry.gauge(
        "partitrain_worker_jobs_watched",
        List.of(io.micrometer.core.instrument.Tag.of("worker", config.workerId())),
        watcher,
        JobWatcher::watching);
  }

  public JobWatcher watcher() {
    return watcher;
  }

  /**
   * Lets partitions go only after the submit in flight ended (see {@link
   * PollingWhileBusy#awaitInFlight}), so an item moved by a rebalance is never submitted by two
   * workers at once.
   */
  ConsumerRebalanceListener rebalanceListener() {
    return new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
          submits.awaitInFlight(REVOKE_WAIT);
        }
      }

      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}
    };
  }

  /**
   * Runs the loop until {@link #close}. Returns normally after a close; a failure that ended the
   * loop is rethrown (and kept, see {@link #failure}) so whoever runs it can stop the process.
   */
  @Override
  public void run() {
    long pollMs = config.pollInterval().toMillis();
    ticker.scheduleWithFixedDelay(this::safeTick, pollMs, pollMs, TimeUnit.MILLISECONDS);
    try {
      consumer.subscribe(List.of(topics.work()), rebalanceListener());
      while (!closed.get()) {
        giveUpIfTheProducerStaysBroken();
        pauseWhileBackendRefusesWork();
        ConsumerRecords<String, byte[]> records = consumer.poll(POLL_TIMEOUT);
        if (!records.isEmpty()) {
          handleBatch(records);
        }
      }
    } catch (WakeupException e) {
      if (!closed.get()) {
        failed(e);
        throw e;
      }
      commitOnShutdown();
    } catch (RuntimeException | Error e) {
      failed(e);
      throw e;
    } finally {
      ticker.shutdownNow();
      consumer.close();
      stopped.countDown();
      log.info("worker {} stopped", config.workerId());
    }
  }

  private void failed(Throwable e) {
    failure = e;
    log.error(
        "worker {}: its loop ended on {}; it takes no more work, so its process must stop",
        config.workerId(),
        e.toString(),
        e);
  }

  /** What ended the loop, if it did not end by {@link #close}; null while it runs. */
  public Throwable failure() {
    return failure;
  }

  /**
   * Handles one poll's records (as many as {@link #BATCH_TIME} allows; the rest is read again),
   * sends their statuses as one record, then commits what was handled if the broker took every
   * record it caused.
   */
  void handleBatch(ConsumerRecords<String, byte[]> records) {
    batchSends.clear();
    long started = System.nanoTime();
    long cutAt = started + batchTime.toNanos();
    Map<TopicPartition, OffsetAndMetadata> handled = new HashMap<>();
    boolean cut = false;
    int items = 0;
    // A rebalance happens only inside a poll, here the polls of a slow submit: the assignment is
    // read again after those only (it is a fresh copy per call, and this loop runs per item).
    Set<TopicPartition> assigned = consumer.assignment();
    long pollsSeen = submits.pollsWhileBusy();
    partitions:
    for (TopicPartition tp : records.partitions()) {
      for (ConsumerRecord<String, byte[]> record : records.records(tp)) {
        if (submits.pollsWhileBusy() != pollsSeen) {
          assigned = consumer.assignment();
          pollsSeen = submits.pollsWhileBusy();
        }
        if (!assigned.contains(tp)) {
          // A rebalance during this batch (in the polls of a slow submit) gave the partition to
          // another worker, which reads these items again from the last commit: handling them
          // here as well would submit them twice at the same time.
          log.info(
              "worker {}: {} moved to another worker during this batch; leaving its items from"
                  + " offset {} to it",
              config.workerId(),
              tp,
              record.offset());
          break;
        }
        if (!handled.isEmpty() && System.nanoTime() - cutAt > 0) {
          cut = true;
          break partitions;
        }
        handleOne(record);
        items++;
        handled.put(tp, new OffsetAndMetadata(record.offset() + 1));
      }
    }
    reportBatch();
    producer.flush();
    String unacknowledged = firstFailedSend();
    if (unacknowledged != null) {
      log.warn(
          "worker {}: a status or dead-letter record of this batch was not acknowledged ({});"
              + " its offsets stay uncommitted and the batch is read again",
          config.workerId(),
          unacknowledged);
      rewind(records);
      return;
    }
    if (cut) {
      readRestAgain(records, handled);
      handled.keySet().retainAll(consumer.assignment());
      commit(handled);
    } else {
      commit();
    }
    metrics.batchHandled(items, System.nanoTime() - started);
  }

  /** A cut batch: the next poll starts, per partition, after the last item handled. */
  private void readRestAgain(
      ConsumerRecords<String, byte[]> records, Map<TopicPartition, OffsetAndMetadata> handled) {
    for (TopicPartition tp : records.partitions()) {
      if (!consumer.assignment().contains(tp)) {
        continue;
      }
      OffsetAndMetadata next = handled.get(tp);
      consumer.seek(tp, next != null ? next.offset() : records.records(tp).get(0).offset());
    }
    metrics.batchCut();
  }

  private void giveUpIfTheProducerStaysBroken() {
    int failed = unacknowledgedSends.get();
    if (failed >= MAX_UNACKNOWLEDGED_SENDS) {
      throw new KafkaException(
          failed + " records in a row were not acknowledged by the broker; the producer is broken");
    }
  }

  /** The first send of the batch that failed, as one line; null when the broker took them all. */
  private String firstFailedSend() {
    for (Future<RecordMetadata> send : batchSends) {
      try {
        send.get();
      } catch (ExecutionException e) {
        return String.valueOf(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted while waiting for an acknowledgement";
      }
    }
    return null;
  }

  /** The next poll returns the batch again; its items are idempotent (get-or-create by name). */
  private void rewind(ConsumerRecords<String, byte[]> records) {
    for (TopicPartition tp : records.partitions()) {
      // A partition may have moved to another worker while a slow submit polled (its new owner
      // reads it from the last commit); only the ones still here can be sought.
      if (consumer.assignment().contains(tp)) {
        consumer.seek(tp, records.records(tp).get(0).offset());
      }
    }
  }

  private void commit() {
    commit(null);
  }

  /** Commits {@code offsets}, or every position when null. */
  private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    try {
      if (offsets == null) {
        consumer.commitSync();
      } else {
        consumer.commitSync(offsets);
      }
    } catch (CommitFailedException | RebalanceInProgressException e) {
      // The group moved on without this worker (it was stopped, paused or slower than
      // max.poll.interval.ms) or is moving now. The next poll rejoins; whoever owns the partitions
      // then gets these items again and finds their jobs by name, so nothing runs twice.
      metrics.commitRefused();
      log.warn(
          "worker {}: the group refused the commit ({}); the items may be redelivered and their"
              + " jobs adopted",
          config.workerId(),
          e.toString());
    }
  }

  /**
   * A wakeup may have cut the round's commit short: what was handled is committed now, so no other
   * worker redoes it (redoing would be harmless, by get-or-create, but slower).
   */
  private void commitOnShutdown() {
    try {
      producer.flush();
      consumer.commitSync(Duration.ofSeconds(10));
    } catch (RuntimeException e) {
      log.warn(
          "worker {}: last commit on shutdown failed ({}); the items will be redelivered",
          config.workerId(),
          e.toString());
    }
  }

  /** Leaves work on the topic while the backend cannot take it, so no attempt is burned. */
  private void pauseWhileBackendRefusesWork() {
    boolean accepting = backend.acceptingWork();
    if (!accepting && consumer.paused().size() < consumer.assignment().size()) {
      consumer.pause(consumer.assignment());
      log.warn(
          "worker {}: the {} backend is not accepting work; consumption paused",
          config.workerId(),
          backend.name());
      metrics.paused(true);
    } else if (accepting && !consumer.paused().isEmpty()) {
      consumer.resume(consumer.paused());
      log.info(
          "worker {}: the {} backend accepts work again; consumption resumed",
          config.workerId(),
          backend.name());
      metrics.paused(false);
    }
  }

  private void safeTick() {
    try {
      watcher.tick();
    } catch (RuntimeException e) {
      log.error("watcher round failed on worker {}; next round continues", config.workerId(), e);
    }
  }

  /** Handles one record as a batch of its own: its status is sent and its job watched. */
  void handle(ConsumerRecord<String, byte[]> record) {
    handleOne(record);
    reportBatch();
  }

  /**
   * Sends the batch's statuses as one record, then hands its jobs to the watcher (after: so no
   * watcher round reports a job's later status ahead of its SUBMITTED).
   */
  private void reportBatch() {
    if (!batchStatuses.isEmpty()) {
      batchSends.add(send(List.copyOf(batchStatuses)));
      batchStatuses.clear();
    }
    batchWatches.forEach(Runnable::run);
    batchWatches.clear();
  }

  private void handleOne(ConsumerRecord<String, byte[]> record) {
    WorkItem read;
    try {
      read = Json.read(record.value(), WorkItem.class);
    } catch (UnreadableMessageException | IllegalArgumentException e) {
      deadLetter(record, "unreadable work item: " + e.getMessage(), e);
      return;
    }
    WorkItem item;
    try {
      item = read.validate();
    } catch (IllegalArgumentException e) {
      deadLetter(record, "refused work item: " + e.getMessage(), e);
      refused(read, e.getMessage());
      return;
    }
    JobRef ref = JobRef.of(item);
    try {
      switch (item.kind()) {
        case SUBMIT -> submit(item, ref);
        case ADOPT -> adopt(item, ref);
        case CANCEL -> backend.cancel(ref);
      }
    } catch (RuntimeException e) {
      // Nothing is lost: the tracker sees an INFRA failure and retries the partition.
      log.error("{} work item {} failed unexpectedly", ref, item.kind(), e);
      emit(
          StatusEvents.failedToSubmit(
              ref,
              config.workerId(),
              item.job().nodes(),
              FailureClass.INFRA,
              "worker error: " + e.getClass().getSimpleName(),
              null,
              clock.instant()));
    }
  }

  /**
   * A SUBMIT this worker refuses ends its attempt FAILED (USER, with the reason), so the partition
   * does not hold its slot, nodes and reservation in ADMITTED for ever; the item itself is on the
   * dead-letter topic. Items without the ids to report on are left to the tracker's liveness.
   */
  private void refused(WorkItem item, String reason) {
    if (item.kind() != WorkItem.Kind.SUBMIT || item.runId() == null || item.partitionId() == null) {
      return;
    }
    emit(
        StatusEvents.failedToSubmit(
            JobRef.of(item),
            config.workerId(),
            item.job() == null ? 0 : item.job().nodes(),
            FailureClass.USER,
            "work item refused by worker " + config.workerId() + ": " + reason,
            null,
            clock.instant()));
  }

  private void submit(WorkItem item, JobRef ref) {
    if (watcher.isWatching(ref.jobName())) {
      log.info("{} work item redelivered; job {} is already watched here", ref, ref.jobName());
      watcher.reportAgain(ref.jobName());
      return;
    }
    int nodes = item.job().nodes();
    if (item.expiredAt(clock.instant())) {
      // This worker was stopped or slow: the tracker may already have found no job for this
      // attempt and started the next one, so creating it now could run it unbudgeted beside its
      // successor. Watch it as an ADOPT does: a job someone created is followed to its end, and
      // a job nobody created is reported lost.
      log.warn(
          "{} SUBMIT of {} reached this worker after its deadline {}; not creating it, only"
              + " watching for it",
          ref,
          ref.jobName(),
          item.notAfter());
      metrics.submitted("expired");
      batchWatches.add(() -> watcher.adopt(ref, nodes, null));
      return;
    }
    SubmitResult result;
    try {
      // A submit may upload a code folder or an input first: it runs while this thread polls.
      result = submits.call(() -> backend.submit(JobRequest.of(item)));
    } catch (BackendException e) {
      log.warn("{} submission of {} failed: {}", ref, ref.jobName(), e.getMessage());
      metrics.submitted("failed");
      emit(
          StatusEvents.failedToSubmit(
              ref,
              config.workerId(),
              nodes,
              e.failureClass() == null ? FailureClass.INFRA : e.failureClass(),
              e.getMessage(),
              e.retryAfter(),
              clock.instant()));
      return;
    }
    if (result.created()) {
      metrics.submitted("created");
      emit(
          StatusEvents.submitted(
              ref,
              config.workerId(),
              nodes,
              result.observation(),
              result.submission(),
              logUrlBase,
              clock.instant()));
      batchWatches.add(() -> watcher.watch(ref, nodes, JobPhase.SUBMITTED));
    } else {
      metrics.submitted("adopted");
      log.info("{} job {} already existed; watching it, not starting another", ref, ref.jobName());
      batchWatches.add(() -> watcher.adopt(ref, nodes, result.submission()));
    }
  }

  private void adopt(WorkItem item, JobRef ref) {
    log.info("{} adopting job {}", ref, ref.jobName());
    batchWatches.add(() -> watcher.adopt(ref, item.job().nodes(), null));
  }

  /**
   * Reports a status from the poll thread: it goes out with the batch's others, and the batch's
   * offsets wait for its acknowledgement.
   */
  private void emit(JobStatusEvent event) {
    batchStatuses.add(event);
  }

  private void deadLetter(ConsumerRecord<String, byte[]> record, String reason, Exception e) {
    batchSends.add(
        producer.send(
            deadLetters.record(record, reason, e, clock.instant()),
            (md, ex) -> acknowledged(ex, "dead letter of work item " + record.key())));
    metrics.deadLettered();
  }

  private void acknowledged(Exception failure, String what) {
    acknowledged(failure, what, 1);
  }

  /** Counts {@code records} (the statuses a batch carried) as acknowledged, or not. */
  private void acknowledged(Exception failure, String what, int records) {
    if (failure == null) {
      unacknowledgedSends.set(0);
    } else {
      unacknowledgedSends.addAndGet(records);
      log.error("cannot send the {}: {}", what, failure.getMessage());
    }
  }

  /**
   * Sends statuses as one record, keyed by this worker. The watcher's own reports need no
   * acknowledgement here: a lost one is repeated by the next change or heartbeat, or missed
   * heartbeats offer the job for adoption.
   */
  private Future<RecordMetadata> send(List<JobStatusEvent> events) {
    JobStatusBatch batch = JobStatusBatch.of(config.workerId(), events, clock.instant());
    Future<RecordMetadata> sent =
        producer.send(
            new ProducerRecord<>(topics.status(), config.workerId(), Json.toBytes(batch)),
            (md, ex) ->
                acknowledged(
                    ex,
                    events.size() == 1
                        ? "status of job " + events.get(0).jobName()
                        : events.size() + " statuses",
                    events.size()));
    events.forEach(metrics::statusSent);
    metrics.statusRecordSent(events.size());
    return sent;
  }

  /** Sets how long a batch may take before it is cut (tests: zero cuts after every item). */
  void batchTime(Duration batchTime) {
    this.batchTime = batchTime;
  }

  /** Polls made while a slow submit ran (see {@link PollingWhileBusy}). */
  long pollsWhileSubmitting() {
    return submits.pollsWhileBusy();
  }

  /** Waits until the loop has ended and its consumer left the group. */
  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Names this worker's HTTP address ({@code http://10.0.0.5:9090}) in the evidence of the local
   * jobs it creates from now on, so the console can fetch their log tail from it.
   */
  public void advertiseLogs(String httpBase) {
    this.logUrlBase = httpBase == null ? null : httpBase.replaceAll("/+$", "");
  }

  /** Stops taking work; running jobs are left to the backend (and to adoption). */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      consumer.wakeup();
    }
  }
}
