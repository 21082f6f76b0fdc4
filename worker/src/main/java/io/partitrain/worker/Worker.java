package io.partitrain.worker;

import io.micrometer.core.instrument.MeterRegistry;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.worker.backend.JobBackend;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stateless executor's loop: consumes work items from the work topic (one consumer group for all
 * workers), has each done by its {@link WorkItemHandler} (a SUBMIT: get-or-create of its job
 * through the {@link JobBackend} by the deterministic name), sends the batch's statuses through its
 * {@link BatchOutbox}, commits, and leaves the jobs to its {@link JobWatcher}.
 *
 * <p>The order "create, report, commit" is what makes a crash harmless: a work item redelivered
 * after a crash finds its job already created and adopts it. A record that cannot be read goes to
 * the dead-letter topic and the loop goes on. Offsets are committed only once every status and
 * dead-letter record of the batch is acknowledged by the broker; when one is not, the batch is read
 * again. Statuses go out batched (see {@link BatchOutbox}): a batch's SUBMITTED statuses as one
 * record, sent before its jobs are handed to the watcher, and each watcher round as one record. A
 * partition the group takes away while a slow submit polls is left to its new owner from the item
 * after the one in flight ({@link #rebalanceListener}). A poll returns up to {@link
 * Workers#MAX_POLL_RECORDS} items, and a batch is cut after {@link #BATCH_TIME} (the rest is read
 * again by the next poll), so fast backends take hundreds of items a commit and slow ones (an Azure
 * ML submission takes about a second) are not held for long. A commit the group refuses (this
 * worker was stopped or too slow and its partitions moved on) is not an error: the new owner gets
 * the items and adopts their jobs by name. Anything else that ends the loop is a failure the
 * process must not outlive ({@link Workers}).
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
  private final JobWatcher watcher;
  private final WorkerMetrics metrics;
  private final BatchOutbox outbox;
  private final WorkItemHandler items;
  private final AtomicBoolean closed = new AtomicBoolean();

  private final CountDownLatch stopped = new CountDownLatch(1);
  private final ScheduledExecutorService ticker;
  private final PollingWhileBusy submits;

  /**
   * Partitions the group took from this worker since the batch began, as its rebalance listener was
   * told (a revoke, or a loss). The batch stops handling their items at once: their new owner reads
   * them again from the last commit, and handling them here too would submit them twice at the same
   * time. Filled by the listener (on the poll thread, inside a poll of a slow submit, for a
   * KafkaConsumer; a test may call it from another), read by the batch.
   */
  private final Set<TopicPartition> revokedDuringBatch = ConcurrentHashMap.newKeySet();

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
    this.metrics = new WorkerMetrics(registry, backend.name());
    this.outbox = new BatchOutbox(config.workerId(), topics, producer, clock, metrics);
    this.watcher =
        JobWatcher.batching(
            backend, outbox::send, config.workerId(), config.heartbeatInterval(), clock);
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "watcher-" + config.workerId());
              t.setDaemon(true);
              return t;
            });
    this.submits =
        new PollingWhileBusy(consumer, "submit-" + config.workerId(), POLL_TIMEOUT, POLL_TIMEOUT);
    this.items =
        new WorkItemHandler(config.workerId(), backend, clock, watcher, submits, outbox, metrics);
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
   * Tells the batch in hand which partitions it must leave, then lets them go only after the submit
   * in flight ended (see {@link PollingWhileBusy#awaitInFlight}), so an item moved by a rebalance
   * is never submitted by two workers at once. A lost partition ({@code onPartitionsLost}, by
   * default a revoke) is left the same way.
   */
  ConsumerRebalanceListener rebalanceListener() {
    return new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
          revokedDuringBatch.addAll(partitions);
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
   * record it caused. Items of a partition the group takes away meanwhile are left to its new
   * owner.
   */
  void handleBatch(ConsumerRecords<String, byte[]> records) {
    // The records of this poll come after any rebalance it ran; only revokes from now on count.
    revokedDuringBatch.clear();
    outbox.startBatch();
    long started = System.nanoTime();
    long cutAt = started + batchTime.toNanos();
    Map<TopicPartition, OffsetAndMetadata> handled = new HashMap<>();
    boolean cut = false;
    int count = 0;
    partitions:
    for (TopicPartition tp : records.partitions()) {
      for (ConsumerRecord<String, byte[]> record : records.records(tp)) {
        if (revokedDuringBatch.contains(tp)) {
          log.info(
              "worker {}: {} was taken from this worker during this batch; leaving its items from"
                  + " offset {} to its next owner",
              config.workerId(),
              tp,
              record.offset());
          break;
        }
        if (!handled.isEmpty() && System.nanoTime() - cutAt > 0) {
          cut = true;
          break partitions;
        }
        items.handle(record);
        count++;
        handled.put(tp, new OffsetAndMetadata(record.offset() + 1));
      }
    }
    outbox.report();
    producer.flush();
    String unacknowledged = outbox.firstFailedSend();
    if (unacknowledged != null) {
      log.warn(
          "worker {}: a status or dead-letter record of this batch was not acknowledged ({});"
              + " its offsets stay uncommitted and the batch is read again",
          config.workerId(),
          unacknowledged);
      seekStillOwned(records, Map.of());
      return;
    }
    if (cut) {
      seekStillOwned(records, handled);
      metrics.batchCut();
      handled.keySet().removeAll(revokedDuringBatch);
      commit(handled);
    } else {
      // Every position is after what was handled (a partition taken away has none here any more).
      commit(null);
    }
    metrics.batchHandled(count, System.nanoTime() - started);
  }

  /**
   * The next poll starts, per partition, after the last item of {@code handled}, or at the batch's
   * first item (a batch read again, its items idempotent by get-or-create). A partition taken away
   * meanwhile is left alone: its new owner reads it from the last commit.
   */
  private void seekStillOwned(
      ConsumerRecords<String, byte[]> records, Map<TopicPartition, OffsetAndMetadata> handled) {
    for (TopicPartition tp : records.partitions()) {
      if (revokedDuringBatch.contains(tp)) {
        continue;
      }
      OffsetAndMetadata next = handled.get(tp);
      consumer.seek(tp, next != null ? next.offset() : records.records(tp).get(0).offset());
    }
  }

  private void giveUpIfTheProducerStaysBroken() {
    int failed = outbox.unacknowledgedInARow();
    if (failed >= MAX_UNACKNOWLEDGED_SENDS) {
      throw new KafkaException(
          failed + " records in a row were not acknowledged by the broker; the producer is broken");
    }
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
    items.handle(record);
    outbox.report();
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
    items.advertiseLogs(httpBase);
  }

  /** Stops taking work; running jobs are left to the backend (and to adoption). */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      consumer.wakeup();
    }
  }
}
