package io.partitrain.worker.backend.local;

import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.worker.backend.JobObservation;
import io.partitrain.worker.backend.JobRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads a job's state from its folder, and completes what a worker that is gone left undone: it
 * takes over a queued job whose owner will not start it, finds by its wrapper's command line a job
 * whose worker died while launching it, records the end of a job whose wrapper left its exit code,
 * and reports a job lost (INFRA) when nobody will ever record its end. Any worker on the machine
 * may do this for any job; the {@code launched} marker and atomic state writes keep two of them
 * from contradicting each other.
 */
final class LocalJobObserver {

  /**
   * How long a job started by another worker may show a dead process and no end before it counts as
   * lost. The owner records the end within milliseconds of the exit; the grace avoids reading the
   * state file in between.
   */
  static final Duration LOST_GRACE = Duration.ofSeconds(5);

  private final Clock clock;
  private final JobOwnership ownership;
  private final JobSupervisor supervisor;
  private final Map<String, Instant> deadSince = new ConcurrentHashMap<>();

  LocalJobObserver(Clock clock, JobOwnership ownership, JobSupervisor supervisor) {
    this.clock = clock;
    this.ownership = ownership;
    this.supervisor = supervisor;
  }

  JobObservation read(JobRef ref, Path dir) {
    String jobName = ref.jobName();
    LocalJobState s = JobFolderFiles.readState(dir).orElse(LocalJobState.queued());
    boolean ours = supervisor.owns(jobName);
    if (s.phase() == JobPhase.QUEUED && !ours && isAbandoned(dir)) {
      supervisor.takeOver(ref, dir);
    }
    boolean launchUnrecorded =
        s.phase() == JobPhase.QUEUED && !ours && launchedByAWorkerThatIsGone(dir);
    if (launchUnrecorded && JobWrapper.readExitCode(dir).isEmpty()) {
      // Its worker died after the fork but before writing the process down: find the wrapper.
      Optional<ProcessHandle> wrapper = JobWrapper.wrapperOf(dir);
      if (wrapper.isPresent()) {
        Instant started = wrapper.get().info().startInstant().orElse(clock.instant());
        s = LocalJobState.queued().running(wrapper.get().pid(), started);
        JobFolderFiles.writeState(dir, s);
        launchUnrecorded = false;
      }
    }
    Optional<JobWrapper.ExitRecord> exit =
        (s.phase() == JobPhase.RUNNING && !ours) || launchUnrecorded
            ? JobWrapper.readExitCode(dir)
            : Optional.empty();
    if (exit.isPresent()) {
      // Started by a worker that is gone; the wrapper left the exit code: record the end.
      s = endOf(s, exit.get(), dir);
      JobFolderFiles.writeState(dir, s);
      deadSince.remove(jobName);
    } else if (launchUnrecorded ? lostSince(jobName) : isOrphaned(jobName, s)) {
      // Started by a worker that is gone: nobody will record how it ended.
      s =
          JobFolderFiles.cancelRequested(dir)
              ? JobEnds.canceled(s, null, clock.instant())
              : JobEnds.failed(
                  s,
                  FailureClass.INFRA,
                  launchUnrecorded
                      ? "the job's worker died while launching it and no process of it runs"
                      : "the job's process is gone and its worker did not record an end",
                  null,
                  clock.instant());
      JobFolderFiles.writeState(dir, s);
    }
    Path log = dir.resolve(JobFolderFiles.LOG_FILE);
    return JobObservation.of(jobName, s.phase())
        .backendStatus(s.backendStatus())
        .failureClass(s.failureClass())
        .message(s.message())
        .startedAt(s.startedAt())
        .finishedAt(s.finishedAt())
        // Only a log that exists: a job that never launched has none to point at.
        .logPath(Files.isRegularFile(log) ? log.toString() : null)
        .backendId(dir.toString())
        .metrics(s.metrics())
        .build();
  }

  /**
   * The wrapper's own end time, not when this worker noticed: that is what the job was billed for.
   */
  private LocalJobState endOf(LocalJobState before, JobWrapper.ExitRecord record, Path dir) {
    Instant at = record.endedAt() != null ? record.endedAt() : clock.instant();
    return JobEnds.afterWrapper(before, record.code(), at, dir);
  }

  /**
   * A queued job its owner will not start: not launched, and the instance that queued it is closed,
   * its process is gone, or it stopped renewing its lease (a worker stopped, killed or frozen with
   * jobs waiting for a slot). See {@link JobOwnership}.
   */
  private boolean isAbandoned(Path dir) {
    return !supervisor.closing()
        && !JobOwnership.launched(dir)
        && ownership.ownerOf(dir) != JobOwnership.Owner.ALIVE;
  }

  /**
   * Launched, but the process was never recorded, and the worker that launched it is gone: it died
   * between claiming the launch and writing the process into the state. Its wrapper may have run
   * (its exit code is read), or the process never started (lost after {@link #LOST_GRACE}).
   */
  private boolean launchedByAWorkerThatIsGone(Path dir) {
    return JobOwnership.launched(dir) && ownership.ownerOf(dir) == JobOwnership.Owner.GONE;
  }

  /** Whether a job seen lost has been seen so for longer than {@link #LOST_GRACE}. */
  private boolean lostSince(String jobName) {
    Instant first = deadSince.computeIfAbsent(jobName, k -> clock.instant());
    return !clock.instant().isBefore(first.plus(LOST_GRACE));
  }

  /** A running job of another worker whose process has been gone for longer than the grace. */
  private boolean isOrphaned(String jobName, LocalJobState s) {
    boolean dead =
        s.phase() == JobPhase.RUNNING
            && !supervisor.owns(jobName)
            && s.pid() != null
            && ProcessHandle.of(s.pid()).map(ph -> !ph.isAlive()).orElse(true);
    if (!dead) {
      deadSince.remove(jobName);
      return false;
    }
    return lostSince(jobName);
  }
}
