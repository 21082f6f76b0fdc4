package io.partitrain.worker;

import io.partitrain.shared.contracts.JobStatusBatch;
import io.partitrain.shared.contracts.JobStatusEvent;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.kafka.DeadLetters;
import io.partitrain.shared.serde.Json;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a batch of work items sends, and whether the broker took it: the batch's statuses go out as
 * one {@link JobStatusBatch} record keyed by the worker (so all its reports land in one partition,
 * in the order sent), its unreadable items go to the dead-letter topic, and its jobs are handed to
 * the watcher only after its statuses were sent, so no watcher round reports a job's later status
 * ahead of its SUBMITTED. The poll thread touches the batch's lists; {@link #send} is also the
 * watcher's way out.
 */
final class BatchOutbox {

  private static final Logger log = LoggerFactory.getLogger(BatchOutbox.class);

  private final String workerId;
  private final Topics topics;
  private final Producer<String, byte[]> producer;
  private final DeadLetters deadLetters;
  private final Clock clock;
  private final WorkerMetrics metrics;

  /** Sends of the batch being handled, each awaited before its offsets are committed. */
  private final List<Future<RecordMetadata>> sends = new ArrayList<>();

  /** Statuses of the batch being handled, sent as one record at its end. */
  private final List<JobStatusEvent> statuses = new ArrayList<>();

  /** Jobs of the batch to hand to the watcher once the batch's statuses are sent. */
  private final List<Runnable> watches = new ArrayList<>();

  /** Records in a row the broker did not take (the watcher's included). */
  private final AtomicInteger unacknowledgedInARow = new AtomicInteger();

  BatchOutbox(
      String workerId,
      Topics topics,
      Producer<String, byte[]> producer,
      Clock clock,
      WorkerMetrics metrics) {
    this.workerId = workerId;
    this.topics = topics;
    this.producer = producer;
    this.deadLetters = new DeadLetters(producer, topics.deadLetters(), "worker " + workerId);
    this.clock = clock;
    this.metrics = metrics;
  }

  /** Starts a batch: the acknowledgements awaited are this batch's only. */
  void startBatch() {
    sends.clear();
  }

  /** A status of this batch: it goes out with the batch's others. */
  void status(JobStatusEvent event) {
    statuses.add(event);
  }

  /** Hands a job to the watcher once this batch's statuses are sent. */
  void watchAfterReport(Runnable handOver) {
    watches.add(handOver);
  }

  void deadLetter(ConsumerRecord<String, byte[]> record, String reason, Exception e) {
    sends.add(
        producer.send(
            deadLetters.record(record, reason, e, clock.instant()),
            (md, ex) -> acknowledged(ex, "dead letter of work item " + record.key(), 1)));
    metrics.deadLettered();
  }

  /** Sends the batch's statuses as one record, then hands its jobs to the watcher. */
  void report() {
    if (!statuses.isEmpty()) {
      sends.add(send(List.copyOf(statuses)));
      statuses.clear();
    }
    watches.forEach(Runnable::run);
    watches.clear();
  }

  /**
   * The first send of the batch that failed, as one line; null when the broker took them all. Call
   * it after a flush.
   */
  String firstFailedSend() {
    for (Future<RecordMetadata> send : sends) {
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

  /** Records in a row the broker would not take, each after the producer's own retries. */
  int unacknowledgedInARow() {
    return unacknowledgedInARow.get();
  }

  /**
   * Sends statuses as one record, keyed by this worker. The watcher's own reports need no
   * acknowledgement: a lost one is repeated by the next change or heartbeat, or missed heartbeats
   * offer the job for adoption.
   */
  Future<RecordMetadata> send(List<JobStatusEvent> events) {
    JobStatusBatch batch = JobStatusBatch.of(workerId, events, clock.instant());
    Future<RecordMetadata> sent =
        producer.send(
            new ProducerRecord<>(topics.status(), workerId, Json.toBytes(batch)),
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

  /** Counts {@code records} (the statuses a record carried) as acknowledged, or not. */
  private void acknowledged(Exception failure, String what, int records) {
    if (failure == null) {
      unacknowledgedInARow.set(0);
    } else {
      unacknowledgedInARow.addAndGet(records);
      log.error("cannot send the {}: {}", what, failure.getMessage());
    }
  }
}
