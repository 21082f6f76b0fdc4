package io.partitrain.worker;

import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.JobStatusEvent;
import io.partitrain.shared.contracts.SubmittedJob;
import io.partitrain.worker.backend.BackendException;
import io.partitrain.worker.backend.JobBackend;
import io.partitrain.worker.backend.JobObservation;
import io.partitrain.worker.backend.JobRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the jobs a worker submitted or adopted until each is terminal: one backend call per tick
 * for all of them ({@link JobBackend#observeAll}), a status event for every change, and a heartbeat
 * per unfinished job every heartbeat interval.
 *
 * <p>{@link #tick()} does one round; the worker calls it on a schedule, tests call it directly. The
 * backend is asked at most once per {@link JobBackend#watchInterval()} (Azure ML: {@code
 * azureml.pollInterval}, so N workers stay inside ARM's read bucket); ticks in between only send
 * the heartbeats that are due, with the last answer, so a long backend interval never makes a job
 * look silent to the orchestrator.
 *
 * <p>What one round reports goes to its sink at once, as one list ({@link #batching}): the worker
 * writes it as one {@link io.partitrain.shared.contracts.JobStatusBatch}, so a round over hundreds
 * of jobs is one record on the status topic, not one per status and heartbeat (issue 12).
 */
public final class JobWatcher {

  private static final Logger log = LoggerFactory.getLogger(JobWatcher.class);

  /** Rounds a job may be missing from the backend before it is reported lost. */
  static final int MISSING_ROUNDS_BEFORE_LOST = 3;

  private final JobBackend backend;
  private final Consumer<List<JobStatusEvent>> sink;
  private final String workerId;
  private final Duration heartbeatInterval;
  private final Clock clock;
  private final Map<String, Watched> watched = new ConcurrentHashMap<>();
  private volatile Instant lastBackendRound;

  /** A watcher that hands each status and heartbeat to {@code sink} on its own. */
  public JobWatcher(
      JobBackend backend,
      Consumer<JobStatusEvent> sink,
      String workerId,
      Duration heartbeatInterval,
      Clock clock) {
    this(backend, workerId, heartbeatInterval, clock, round -> round.forEach(sink));
  }

  /** A watcher that hands what each round reports to {@code roundSink} as one list. */
  public static JobWatcher batching(
      JobBackend backend,
      Consumer<List<JobStatusEvent>> roundSink,
      String workerId,
      Duration heartbeatInterval,
      Clock clock) {
    return new JobWatcher(backend, workerId, heartbeatInterval, clock, roundSink);
  }

  private JobWatcher(
      JobBackend backend,
      String workerId,
      Duration heartbeatInterval,
      Clock clock,
      Consumer<List<JobStatusEvent>> sink) {
    this.backend = backend;
    this.sink = sink;
    this.workerId = workerId;
    this.heartbeatInterval = heartbeatInterval;
    this.clock = clock;
  }

  /**
   * Starts watching a job.
   *
   * @param reported the phase already reported for it (SUBMITTED after a submission)
   */
  public void watch(JobRef ref, int nodes, JobPhase reported) {
    watched.putIfAbsent(ref.jobName(), new Watched(ref, nodes, reported, clock.instant(), false));
  }

  /**
   * Starts watching a job this worker did not report creating (an ADOPT, or a SUBMIT that found the
   * job existing): its first status carries the job's evidence as the backend holds it, signed as
   * found by this worker, so a job whose creator stopped before reporting SUBMITTED still has its
   * evidence on record. Readers keep the first evidence of an attempt, so the creator's own report,
   * when there was one, stands.
   *
   * @param found the evidence the backend already gave (a submit that found the job), or null: it
   *     is asked for on the first report
   */
  public void adopt(JobRef ref, int nodes, SubmittedJob found) {
    Watched w = new Watched(ref, nodes, null, clock.instant(), true);
    w.evidence = found;
    watched.putIfAbsent(ref.jobName(), w);
  }

  public int watching() {
    return watched.size();
  }

  public boolean isWatching(String jobName) {
    return watched.containsKey(jobName);
  }

  /** One round: observe every watched job, report changes and heartbeats, all at once. */
  public void tick() {
    if (watched.isEmpty()) {
      return;
    }
    List<JobStatusEvent> round = new ArrayList<>();
    try {
      observe(round);
    } finally {
      if (!round.isEmpty()) {
        sink.accept(round);
      }
    }
  }

  private void observe(List<JobStatusEvent> round) {
    Instant start = clock.instant();
    if (lastBackendRound != null
        && start.isBefore(lastBackendRound.plus(backend.watchInterval()))) {
      heartbeatsFromLastAnswers(start, round);
      return;
    }
    lastBackendRound = start;
    List<JobRef> refs = watched.values().stream().map(w -> w.ref).toList();
    Map<String, JobObservation> seen;
    try {
      seen = backend.observeAll(refs);
    } catch (BackendException e) {
      log.warn(
          "cannot observe {} jobs on {} backend: {}", refs.size(), backend.name(), e.getMessage());
      // The backend is unreachable, not the jobs: this worker still watches them, so it keeps
      // saying so. Without heartbeats a short outage would offer every job for adoption, to workers
      // that cannot reach the backend either.
      heartbeatsFromLastAnswers(start, round);
      return;
    }
    Instant now = clock.instant();
    for (Watched w : watched.values()) {
      JobObservation o = seen.get(w.ref.jobName());
      if (o == null) {
        onMissing(w, now, round);
      } else {
        w.missing = 0;
        onObserved(w, o, now, round);
      }
    }
  }

  private void heartbeatsFromLastAnswers(Instant now, List<JobStatusEvent> round) {
    for (Watched w : watched.values()) {
      if (!now.isBefore(w.lastSent.plus(heartbeatInterval))) {
        JobObservation last = w.last != null ? w.last : notObservedYet(w);
        round.add(
            StatusEvents.of(w.ref, workerId, w.nodes, last, JobStatusEvent.Kind.HEARTBEAT, now)
                .build());
        w.lastSent = now;
      }
    }
  }

  /** What a heartbeat says of a job the backend has not answered about yet: the phase reported. */
  private static JobObservation notObservedYet(Watched w) {
    return JobObservation.of(w.ref.jobName(), w.reported == null ? JobPhase.UNKNOWN : w.reported)
        .build();
  }

  /**
   * The next observation of the job is reported even if its phase did not change: its work item
   * came again because an earlier report may not have reached the tracker.
   */
  public void reportAgain(String jobName) {
    Watched w = watched.get(jobName);
    if (w != null) {
      w.reported = null;
    }
  }

  private void onObserved(Watched w, JobObservation o, Instant now, List<JobStatusEvent> round) {
    w.last = o;
    if (o.phase() == JobPhase.UNKNOWN) {
      if (!w.unknownLogged) {
        log.info(
            "{} job {} is in backend status '{}'; still watching",
            w.ref,
            w.ref.jobName(),
            o.backendStatus());
        w.unknownLogged = true;
      }
    } else if (o.phase() != w.reported) {
      JobStatusEvent.Builder status =
          StatusEvents.of(w.ref, workerId, w.nodes, o, JobStatusEvent.Kind.STATUS, now);
      if (w.evidencePending) {
        status.submission(foundEvidence(w));
        w.evidencePending = false;
      }
      round.add(status.build());
      w.reported = o.phase();
      w.lastSent = now;
    }
    if (o.isTerminal()) {
      watched.remove(w.ref.jobName());
      return;
    }
    if (!now.isBefore(w.lastSent.plus(heartbeatInterval))) {
      round.add(
          StatusEvents.of(w.ref, workerId, w.nodes, o, JobStatusEvent.Kind.HEARTBEAT, now).build());
      w.lastSent = now;
    }
  }

  /**
   * The adopted job's evidence, signed as found by this worker; null when the backend cannot say.
   */
  private SubmittedJob foundEvidence(Watched w) {
    SubmittedJob e = w.evidence;
    if (e == null) {
      try {
        e = backend.evidenceOf(w.ref).orElse(null);
      } catch (RuntimeException ex) {
        log.warn(
            "{} cannot read the evidence of job {}: {}", w.ref, w.ref.jobName(), ex.getMessage());
      }
    }
    return e == null ? null : e.foundBy(workerId);
  }

  private void onMissing(Watched w, Instant now, List<JobStatusEvent> round) {
    if (++w.missing < MISSING_ROUNDS_BEFORE_LOST) {
      return;
    }
    log.warn(
        "{} job {} is missing from the {} backend; reporting it lost",
        w.ref,
        w.ref.jobName(),
        backend.name());
    round.add(
        StatusEvents.failedToSubmit(
            w.ref,
            workerId,
            w.nodes,
            FailureClass.INFRA,
            "job disappeared from the " + backend.name() + " backend",
            null,
            now));
    watched.remove(w.ref.jobName());
  }

  private static final class Watched {
    final JobRef ref;
    final int nodes;
    volatile JobPhase reported;
    volatile Instant lastSent;
    volatile JobObservation last;
    int missing;
    boolean unknownLogged;
    volatile boolean evidencePending;
    volatile SubmittedJob evidence;

    Watched(JobRef ref, int nodes, JobPhase reported, Instant lastSent, boolean evidencePending) {
      this.ref = ref;
      this.nodes = nodes;
      this.reported = reported;
      this.lastSent = lastSent;
      this.evidencePending = evidencePending;
    }
  }
}
