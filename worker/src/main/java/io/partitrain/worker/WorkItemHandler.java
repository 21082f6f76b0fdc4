package io.partitrain.worker;

import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.WorkItem;
import io.partitrain.shared.serde.Json;
import io.partitrain.shared.serde.UnreadableMessageException;
import io.partitrain.worker.backend.BackendException;
import io.partitrain.worker.backend.JobBackend;
import io.partitrain.worker.backend.JobRef;
import io.partitrain.worker.backend.JobRequest;
import io.partitrain.worker.backend.SubmitResult;
import java.time.Clock;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Does what one work item asks: SUBMIT creates its job through the backend if it does not exist yet
 * (get-or-create by the deterministic name) and reports SUBMITTED, ADOPT watches a job another
 * worker started, CANCEL cancels one. An item that cannot be read or is refused goes to the
 * dead-letter topic. Every status goes out through the batch's {@link BatchOutbox}; the worker
 * never retries here: a failed submission is reported FAILED with its class and Retry-After, and
 * the tracker decides about the next attempt.
 */
final class WorkItemHandler {

  private static final Logger log = LoggerFactory.getLogger(WorkItemHandler.class);

  private final String workerId;
  private final JobBackend backend;
  private final Clock clock;
  private final JobWatcher watcher;
  private final PollingWhileBusy submits;
  private final BatchOutbox outbox;
  private final WorkerMetrics metrics;

  /** Where this worker's HTTP port serves job logs; null: it does not. */
  private volatile String logUrlBase;

  WorkItemHandler(
      String workerId,
      JobBackend backend,
      Clock clock,
      JobWatcher watcher,
      PollingWhileBusy submits,
      BatchOutbox outbox,
      WorkerMetrics metrics) {
    this.workerId = workerId;
    this.backend = backend;
    this.clock = clock;
    this.watcher = watcher;
    this.submits = submits;
    this.outbox = outbox;
    this.metrics = metrics;
  }

  /** Names the HTTP address in the evidence of the local jobs created from now on. */
  void advertiseLogs(String httpBase) {
    this.logUrlBase = httpBase == null ? null : httpBase.replaceAll("/+$", "");
  }

  void handle(ConsumerRecord<String, byte[]> record) {
    WorkItem read;
    try {
      read = Json.read(record.value(), WorkItem.class);
    } catch (UnreadableMessageException | IllegalArgumentException e) {
      outbox.deadLetter(record, "unreadable work item: " + e.getMessage(), e);
      return;
    }
    WorkItem item;
    try {
      item = read.validate();
    } catch (IllegalArgumentException e) {
      outbox.deadLetter(record, "refused work item: " + e.getMessage(), e);
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
      outbox.status(
          StatusEvents.failedToSubmit(
              ref,
              workerId,
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
    outbox.status(
        StatusEvents.failedToSubmit(
            JobRef.of(item),
            workerId,
            item.job() == null ? 0 : item.job().nodes(),
            FailureClass.USER,
            "work item refused by worker " + workerId + ": " + reason,
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
      outbox.watchAfterReport(() -> watcher.adopt(ref, nodes, null));
      return;
    }
    SubmitResult result;
    try {
      // A submit may upload a code folder or an input first: it runs while this thread polls.
      result = submits.call(() -> backend.submit(JobRequest.of(item)));
    } catch (BackendException e) {
      log.warn("{} submission of {} failed: {}", ref, ref.jobName(), e.getMessage());
      metrics.submitted("failed");
      outbox.status(
          StatusEvents.failedToSubmit(
              ref,
              workerId,
              nodes,
              e.failureClass() == null ? FailureClass.INFRA : e.failureClass(),
              e.getMessage(),
              e.retryAfter(),
              clock.instant()));
      return;
    }
    if (result.created()) {
      metrics.submitted("created");
      outbox.status(
          StatusEvents.submitted(
              ref,
              workerId,
              nodes,
              result.observation(),
              result.submission(),
              logUrlBase,
              clock.instant()));
      outbox.watchAfterReport(() -> watcher.watch(ref, nodes, JobPhase.SUBMITTED));
    } else {
      metrics.submitted("adopted");
      log.info("{} job {} already existed; watching it, not starting another", ref, ref.jobName());
      outbox.watchAfterReport(() -> watcher.adopt(ref, nodes, result.submission()));
    }
  }

  private void adopt(WorkItem item, JobRef ref) {
    log.info("{} adopting job {}", ref, ref.jobName());
    outbox.watchAfterReport(() -> watcher.adopt(ref, item.job().nodes(), null));
  }
}
