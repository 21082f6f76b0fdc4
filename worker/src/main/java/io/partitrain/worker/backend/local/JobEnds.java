package io.partitrain.worker.backend.local;

import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobPhase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * How a local job's end is recorded: which phase and failure class an exit code, a kill, a cancel
 * request or a timeout means. The worker that ran the job and a worker that found the wrapper's
 * exit code after its owner was gone both decide here, so the same end reads the same whoever
 * records it.
 */
final class JobEnds {

  private JobEnds() {}

  /**
   * The end of a job this worker started and saw exit (or killed, for {@code reason}); {@code
   * timeout} is the job's {@code limits.timeout}, if any.
   */
  static LocalJobState afterRun(
      LocalJobState before,
      KillReason reason,
      Integer exit,
      Duration timeout,
      Instant at,
      Path dir) {
    if (reason == KillReason.CANCELED || JobFolderFiles.cancelRequested(dir)) {
      return canceled(before, exit, at);
    }
    if (reason == KillReason.TIMEOUT || isTimeoutExit(exit, timeout)) {
      return timedOut(before, exit, timeout, at);
    }
    if (reason == KillReason.INJECTED) {
      return failed(
          before,
          FailureClass.INFRA,
          "node lost (injected failure, local.injectedInfraFailureRate)",
          exit,
          at);
    }
    if (reason == KillReason.SHUTDOWN) {
      return failed(before, FailureClass.INFRA, "worker shut down while the job ran", exit, at);
    }
    return byExitCode(before, exit, at, dir);
  }

  /**
   * The end of a job started by a worker that is gone, from the exit code its wrapper left; the
   * timeout is read from the folder's job.json.
   */
  static LocalJobState afterWrapper(LocalJobState before, int exit, Instant at, Path dir) {
    if (JobFolderFiles.cancelRequested(dir)) {
      return canceled(before, exit, at);
    }
    if (exit == JobWrapper.TIMEOUT_EXIT && JobWrapper.HAS_TIMEOUT) {
      Duration timeout =
          JobFolderFiles.specOf(dir).map(spec -> spec.limits().timeout()).orElse(null);
      if (timeout != null) {
        return timedOut(before, exit, timeout, at);
      }
    }
    return byExitCode(before, exit, at, dir);
  }

  /** Zero succeeded (with the metrics the job wrote); above 128 a signal killed it; else USER. */
  private static LocalJobState byExitCode(
      LocalJobState before, Integer exit, Instant at, Path dir) {
    if (exit != null && exit == 0) {
      return before.ended(
          JobPhase.SUCCEEDED, "Completed", null, null, 0, at, JobFolderFiles.readMetrics(dir));
    }
    if (exit != null && exit > 128) {
      return failed(
          before, FailureClass.INFRA, "process killed by signal " + (exit - 128), exit, at);
    }
    return failed(
        before, FailureClass.USER, "the job's command exited with code " + exit, exit, at);
  }

  private static boolean isTimeoutExit(Integer exit, Duration timeout) {
    return JobWrapper.HAS_TIMEOUT
        && timeout != null
        && exit != null
        && exit == JobWrapper.TIMEOUT_EXIT;
  }

  private static LocalJobState timedOut(
      LocalJobState before, Integer exit, Duration timeout, Instant at) {
    return failed(
        before,
        FailureClass.TIMEOUT,
        "killed after limits.timeout of " + JobWrapper.timeoutSeconds(timeout) + "s",
        exit,
        at);
  }

  static LocalJobState canceled(LocalJobState before, Integer exit, Instant at) {
    return before.ended(
        JobPhase.CANCELED,
        "Canceled",
        FailureClass.CANCELED,
        "canceled on request",
        exit,
        at,
        Map.of());
  }

  static LocalJobState canceledBeforeStart(Instant at) {
    return LocalJobState.queued()
        .ended(
            JobPhase.CANCELED,
            "Canceled",
            FailureClass.CANCELED,
            "canceled before it started",
            null,
            at,
            Map.of());
  }

  /** A job that never got a process: its setup or its launch failed. */
  static LocalJobState notStarted(FailureClass failureClass, String message, Instant at) {
    return failed(LocalJobState.queued(), failureClass, message, null, at);
  }

  static LocalJobState failed(
      LocalJobState before, FailureClass failureClass, String message, Integer exit, Instant at) {
    return before.ended(JobPhase.FAILED, "Failed", failureClass, message, exit, at, Map.of());
  }
}
