package io.partitrain.worker;

import io.micrometer.core.instrument.MeterRegistry;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobPhase;
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
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
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
 * the dead-letter topic and the loop goes on.
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
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final ScheduledExecutorService ticker;
  private final PollingWhileBusy submits;

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
        new JobWatcher(backend, this::emit, config.workerId(), config.heartbeatInterval(), clock);
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

  @Override
  public void run() {
    long pollMs = config.pollInterval().toMillis();
    ticker.scheduleWithFixedDelay(this::safeTick, pollMs, pollMs, TimeUnit.MILLISECONDS);
    try {
      consumer.subscribe(List.of(topics.work()));
      while (!closed.get()) {
        pauseWhileBackendRefusesWork();
        ConsumerRecords<String, byte[]> records = consumer.poll(POLL_TIMEOUT);
        for (ConsumerRecord<String, byte[]> record : records) {
          handle(record);
        }
        if (!records.isEmpty()) {
          producer.flush();
          consumer.commitSync();
        }
      }
    } catch (WakeupException e) {
      if (!closed.get()) {
        throw e;
      }
      commitOnShutdown();
    } finally {
      ticker.shutdownNow();
      consumer.close();
      stopped.countDown();
      log.info("worker {} stopped", config.workerId());
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

  void handle(ConsumerRecord<String, byte[]> record) {
    WorkItem read;
    try {
      read = Json.read(record.value(), WorkItem.class);
    } catch (UnreadableMessageException | IllegalArgumentException e) {
      deadLetters.send(record, "unreadable work item: " + e.getMessage(), e, clock.instant());
      metrics.deadLettered();
      return;
    }
    WorkItem item;
    try {
      item = read.validate();
    } catch (IllegalArgumentException e) {
      deadLetters.send(record, "refused work item: " + e.getMessage(), e, clock.instant());
      metrics.deadLettered();
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
      return;
    }
    int nodes = item.job().nodes();
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
              ref, config.workerId(), nodes, result.observation(), clock.instant()));
      watcher.watch(ref, nodes, JobPhase.SUBMITTED);
    } else {
      metrics.submitted("adopted");
      log.info("{} job {} already existed; watching it, not starting another", ref, ref.jobName());
      watcher.watch(ref, nodes, null);
    }
  }

  private void adopt(WorkItem item, JobRef ref) {
    log.info("{} adopting job {}", ref, ref.jobName());
    watcher.watch(ref, item.job().nodes(), null);
  }

  private void emit(JobStatusEvent event) {
    producer.send(
        new ProducerRecord<>(topics.status(), event.key(), Json.toBytes(event)),
        (md, ex) -> {
          if (ex != null) {
            log.error("cannot send status of job {}: {}", event.jobName(), ex.getMessage());
          }
        });
    metrics.statusSent(event);
  }

  /** Polls made while a slow submit ran (see {@link PollingWhileBusy}). */
  long pollsWhileSubmitting() {
    return submits.pollsWhileBusy();
  }

  /** Waits until the loop has ended and its consumer left the group. */
  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Stops taking work; running jobs are left to the backend (and to adoption). */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      consumer.wakeup();
    }
  }
}
