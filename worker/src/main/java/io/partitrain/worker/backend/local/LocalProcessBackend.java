package io.partitrain.worker.backend.local;

import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobNames;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.contracts.SubmittedJob;
import io.partitrain.shared.serde.JobSpecHash;
import io.partitrain.worker.backend.BackendException;
import io.partitrain.worker.backend.JobBackend;
import io.partitrain.worker.backend.JobObservation;
import io.partitrain.worker.backend.JobRef;
import io.partitrain.worker.backend.JobRequest;
import io.partitrain.worker.backend.SubmitResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each job's {@code command} as a real {@code bash} process on this machine, the way Azure ML
 * runs it on a node: in a folder of its own holding a copy of the {@code code} folder, with {@code
 * ${{inputs.x}}} and {@code ${{outputs.x}}} replaced by local paths, stdout and stderr in {@code
 * user_logs/std_log.txt}, and {@code limits.timeout} enforced by a kill.
 *
 * <p>The job folder is the job's identity: it is created atomically under the job's name, so a
 * second submission of the same name (a redelivered work item, another worker) finds it and never
 * starts a second process. The job's state lives in {@code state.json} beside it, so any worker on
 * the machine can watch it.
 *
 * <p>Jobs outlive their worker: the command runs under a small wrapper ({@link JobWrapper}) that
 * enforces {@code limits.timeout} and writes the exit code and the end time to {@code exit_code} in
 * the job folder. When the worker shuts down ({@link #close()}) or is killed, its jobs keep
 * running, still under their timeout; a worker that adopts one reads the exit code when the process
 * ends and records the end.
 *
 * <p>Jobs still waiting for a slot are not lost with their worker either: the folder's {@code
 * owner} file names the backend instance that queued the job, and once that instance is closed, its
 * process is gone or it stopped renewing its lease (stopped, frozen), a worker that observes the
 * job launches it itself ({@link JobOwnership}). The {@code launched} marker, created atomically
 * right before the process starts, makes sure only one of them does. A worker that died between
 * creating {@code launched} and recording the process leaves a job that is found by its wrapper's
 * command line.
 *
 * <p>The biggest limitation: a job whose wrapper was killed too (a reboot), or whose process never
 * started because its worker died first, is reported lost (INFRA) and retried. Without coreutils
 * {@code timeout} (macOS), the worker that started a job enforces its timeout.
 *
 * <p>This class is the {@link JobBackend} face and the submission's claim on a job name; laying a
 * job out is {@link JobLayout}, running it {@link JobSupervisor}, recording its end {@link
 * JobEnds}, and reading and completing what a folder says {@link LocalJobObserver}.
 */
public final class LocalProcessBackend implements JobBackend {

  private static final Logger log = LoggerFactory.getLogger(LocalProcessBackend.class);

  /** How long a submission finding a brand-new folder waits for its creator's job.json. */
  static final Duration LAYOUT_GRACE = Duration.ofSeconds(2);

  private final LocalBackendConfig config;
  private final Clock clock;
  private final JobSupervisor supervisor;
  private final LocalJobObserver observer;

  public LocalProcessBackend(LocalBackendConfig config, Clock clock) {
    this(config, clock, System::getenv);
  }

  /**
   * @param workerEnvironment the worker's environment variables, where {@code ${{secrets.NAME}}} is
   *     looked up ({@code PARTITRAIN_SECRET_NAME}) and the few variables a job inherits
   */
  public LocalProcessBackend(
      LocalBackendConfig config, Clock clock, Function<String, String> workerEnvironment) {
    this.config = config;
    this.clock = clock;
    try {
      Files.createDirectories(config.jobsRoot());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the local jobs folder " + config.jobsRoot(), e);
    }
    JobOwnership ownership = new JobOwnership(config.jobsRoot(), config.ownerLease(), clock);
    this.supervisor = new JobSupervisor(config, clock, workerEnvironment, ownership);
    this.observer = new LocalJobObserver(clock, ownership, supervisor);
    JobFolders.removeAbandonedStaging(config.jobsRoot(), clock.instant());
  }

  @Override
  public String name() {
    return "local";
  }

  /** The folder of a job; the name was validated against {@link JobNames#RULE}, so it is safe. */
  public Path jobDir(String jobName) {
    if (!JobNames.isValid(jobName)) {
      throw BackendException.rejected(
          "job name '" + jobName + "' does not match " + JobNames.RULE, FailureClass.INFRA, null);
    }
    return config.jobsRoot().resolve(jobName);
  }

  @Override
  public SubmitResult submit(JobRequest request) {
    Path dir = jobDir(request.jobName());
    if (Files.exists(dir)) {
      return adoptIfSameDefinition(request, dir);
    }
    // Laid out complete beside the jobs, then renamed into place: see JobFolders.
    Path staged;
    try {
      staged = JobFolders.stage(config.jobsRoot(), request.jobName());
    } catch (IOException e) {
      throw BackendException.retriable("cannot stage job folder " + dir + ": " + e.getMessage(), e);
    }
    String command;
    try {
      JobFolderFiles.writeSpec(staged, request.spec());
      command = JobLayout.prepare(staged, dir, request.spec());
      JobFolderFiles.writeFile(staged.resolve(JobFolderFiles.COMMAND_FILE), command);
      supervisor.own(staged);
      JobFolderFiles.writeState(staged, LocalJobState.queued());
    } catch (JobSetupException e) {
      command = null;
      JobFolderFiles.writeState(
          staged, JobEnds.notStarted(e.failureClass, e.getMessage(), clock.instant()));
    }
    try {
      if (!JobFolders.publish(staged, dir)) {
        return adoptIfSameDefinition(request, dir);
      }
    } catch (IOException e) {
      throw BackendException.retriable(
          "cannot move the staged job folder to " + dir + ": " + e.getMessage(), e);
    }
    if (command == null) {
      return new SubmitResult(observer.read(request.ref(), dir), true, null);
    }
    JobSupervisor.OwnedJob job = supervisor.accept(request);
    SubmittedJob submission = JobLayout.submission(request.spec(), dir, command);
    supervisor.start(job, dir, command);
    return new SubmitResult(observer.read(request.ref(), dir), true, submission);
  }

  /**
   * A job folder of this name exists: adopt it only when it holds the same definition. A folder
   * with another definition belongs to another job that carries the name (a run id reused after the
   * stack's state was lost); adopting it would report its old results as new.
   */
  private SubmitResult adoptIfSameDefinition(JobRequest request, Path dir) {
    Optional<JobSpec> found = readSpecOfConcurrentSubmission(dir);
    if (found.isEmpty() && !Files.exists(dir.resolve(JobFolderFiles.STATE_FILE))) {
      throw BackendException.retriable(
          request.ref() + " job folder " + dir + " is being laid out by another submission", null);
    }
    String wanted = JobSpecHash.of(request.spec());
    String there = found.map(JobSpecHash::of).orElse("unreadable");
    if (!wanted.equals(there)) {
      String startedThere = found.map(f -> f.tags().get(JobSpec.RUN_STARTED_TAG)).orElse(null);
      throw BackendException.rejected(
          "job "
              + request.jobName()
              + " already exists ("
              + dir
              + ") with another definition (spec hash "
              + there
              + " there, "
              + wanted
              + " here"
              + (startedThere == null ? "" : "; it belongs to the run started at " + startedThere)
              + "); not adopted: start the run under a new run id, or remove that folder",
          FailureClass.CONFLICT,
          null);
    }
    log.info("{} job {} exists with the same definition; adopting it", request.ref(), dir);
    return new SubmitResult(
        observer.read(request.ref(), dir), false, evidenceOf(request.ref()).orElse(null));
  }

  /** The job folder's definition and command, as its creator laid them out. */
  @Override
  public Optional<SubmittedJob> evidenceOf(JobRef ref) {
    Path dir = jobDir(ref.jobName());
    Optional<JobSpec> spec = JobFolderFiles.specOf(dir);
    Path commandFile = dir.resolve(JobFolderFiles.COMMAND_FILE);
    if (spec.isEmpty() || !Files.isRegularFile(commandFile)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JobLayout.submission(spec.get(), dir, Files.readString(commandFile)));
    } catch (IOException | RuntimeException e) {
      log.warn("{} cannot read the evidence of job folder {}: {}", ref, dir, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Reads job.json, waiting up to {@link #LAYOUT_GRACE} for it when the folder is brand new: a
   * concurrent submission creates the folder and writes job.json right after, within milliseconds.
   */
  private static Optional<JobSpec> readSpecOfConcurrentSubmission(Path dir) {
    long deadline = System.nanoTime() + LAYOUT_GRACE.toNanos();
    Optional<JobSpec> found = JobFolderFiles.specOf(dir);
    while (found.isEmpty()
        && !Files.exists(dir.resolve(JobFolderFiles.STATE_FILE))
        && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
      found = JobFolderFiles.specOf(dir);
    }
    return found;
  }

  @Override
  public Optional<JobObservation> observe(JobRef job) {
    Path dir = jobDir(job.jobName());
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    return Optional.of(observer.read(job, dir));
  }

  /**
   * Cancels the job wherever it was started: a job of this worker is killed here; a job another
   * worker (or a worker that is gone) started is marked with {@code cancel_requested}, so whoever
   * records its end records CANCELED, and its process tree is killed by pid. A job not started yet
   * is claimed (the {@code launched} marker) so that nobody starts it.
   */
  @Override
  public void cancel(JobRef ref) {
    Path dir = jobDir(ref.jobName());
    if (supervisor.cancel(ref.jobName(), dir)) {
      return;
    }
    LocalJobState s = JobFolderFiles.readState(dir).orElse(null);
    if (s == null || s.phase().isTerminal()) {
      return;
    }
    JobFolderFiles.writeFile(dir.resolve(JobFolderFiles.CANCEL_FILE), clock.instant().toString());
    if (s.phase() == JobPhase.QUEUED && JobOwnership.claimLaunch(dir)) {
      JobFolderFiles.writeState(dir, JobEnds.canceledBeforeStart(clock.instant()));
    } else if (s.pid() != null) {
      ProcessHandle.of(s.pid())
          .filter(ph -> isSameProcess(ph, s.startedAt()))
          .ifPresent(
              ph -> {
                ph.descendants().forEach(ProcessHandle::destroyForcibly);
                ph.destroyForcibly();
              });
      log.info(
          "{} canceled job {} started by another worker (pid {})", ref, ref.jobName(), s.pid());
    }
  }

  /** Guards against a reused pid: the process must have started when the job did. */
  private static boolean isSameProcess(ProcessHandle ph, Instant jobStartedAt) {
    return ph.info()
        .startInstant()
        .map(
            started ->
                jobStartedAt == null
                    || Duration.between(started, jobStartedAt)
                            .abs()
                            .compareTo(LocalJobObserver.LOST_GRACE)
                        < 0)
        .orElse(true);
  }

  /**
   * Stops watching: running jobs keep running, and jobs not started yet stay queued in their
   * folders; another worker that observes them (after adoption) records the ends of the first and
   * starts the second, so a stopped worker costs no attempt.
   */
  @Override
  public void close() {
    supervisor.close();
  }
}
