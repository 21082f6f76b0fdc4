package io.partitrain.worker.backend.local;

import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.plan.SecretRefs;
import io.partitrain.shared.serde.Json;
import io.partitrain.worker.backend.JobRef;
import io.partitrain.worker.backend.JobRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs this backend instance owns: queued here until one of {@code local.slots} frees, then
 * launched under their {@link JobWrapper} and watched until they end, when their end is recorded
 * ({@link JobEnds}). Owning a job means being named in its {@code owner} file ({@link
 * JobOwnership}); the {@code launched} marker is claimed right before the process starts, so a job
 * another worker took over meanwhile is only watched, never started twice.
 *
 * <p>It also kills: on cancel, at the timeout where coreutils {@code timeout} is missing, and for
 * an injected "node loss" ({@code local.injectedInfraFailureRate}). Closing leaves running jobs
 * running and queued jobs queued, for another worker to adopt.
 */
final class JobSupervisor implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(JobSupervisor.class);

  /** How long an injected "node loss" lets the process run before killing it. */
  static final Duration INJECTED_FAILURE_DELAY = Duration.ofMillis(300);

  private final LocalBackendConfig config;
  private final Clock clock;
  private final Function<String, String> workerEnvironment;
  private final JobOwnership ownership;
  private final ExecutorService slots;
  private final Map<String, OwnedJob> owned = new ConcurrentHashMap<>();
  private volatile boolean closing;

  JobSupervisor(
      LocalBackendConfig config,
      Clock clock,
      Function<String, String> workerEnvironment,
      JobOwnership ownership) {
    this.config = config;
    this.clock = clock;
    this.workerEnvironment = workerEnvironment;
    this.ownership = ownership;
    AtomicInteger n = new AtomicInteger();
    this.slots =
        Executors.newFixedThreadPool(
            config.slots(),
            r -> {
              Thread t = new Thread(r, "local-slot-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Names this backend instance as the job's owner; a failure is the job's setup failing. */
  void own(Path dir) {
    try {
      ownership.own(dir);
    } catch (IOException e) {
      throw new JobSetupException(
          FailureClass.INFRA, "cannot write the owner of " + dir + ": " + e.getMessage());
    }
  }

  /**
   * Takes a job laid out and owned here into this instance's care: from now on a cancel reaches it
   * here, and its end is recorded here once {@link #start} ran it.
   */
  OwnedJob accept(JobRequest request) {
    OwnedJob job = new OwnedJob(request);
    owned.put(request.jobName(), job);
    return job;
  }

  /** Queues an accepted job; it starts when a slot frees. */
  void start(OwnedJob job, Path dir, String command) {
    slots.submit(() -> run(job, dir, command));
  }

  /**
   * Queues an abandoned job here; {@link JobOwnership#claimLaunch} keeps two adopters from both
   * starting it.
   */
  void takeOver(JobRef ref, Path dir) {
    try {
      JobSpec spec =
          Json.mapper().readValue(dir.resolve(JobFolderFiles.SPEC_FILE).toFile(), JobSpec.class);
      String command = Files.readString(dir.resolve(JobFolderFiles.COMMAND_FILE));
      OwnedJob job = new OwnedJob(new JobRequest(ref, spec, Map.of()));
      if (owned.putIfAbsent(ref.jobName(), job) != null) {
        return;
      }
      own(dir);
      log.info(
          "{} job {} was queued by a worker that is gone; starting it here", ref, ref.jobName());
      slots.submit(() -> run(job, dir, command));
    } catch (IOException | RuntimeException e) {
      owned.remove(ref.jobName());
      log.warn("{} cannot take over queued job {}: {}", ref, ref.jobName(), e.getMessage());
    }
  }

  /** Whether this instance queued or runs the job (it records the job's end). */
  boolean owns(String jobName) {
    return owned.containsKey(jobName);
  }

  /** Whether this instance is closing: it starts nothing more and takes nothing over. */
  boolean closing() {
    return closing;
  }

  /**
   * Cancels a job of this instance: kills its process, or records it canceled when it has none yet.
   *
   * @return false when the job is not this instance's
   */
  boolean cancel(String jobName, Path dir) {
    OwnedJob job = owned.get(jobName);
    if (job == null) {
      return false;
    }
    job.kill(KillReason.CANCELED);
    if (job.process == null) {
      JobFolderFiles.writeState(dir, JobEnds.canceledBeforeStart(clock.instant()));
    }
    return true;
  }

  private void run(OwnedJob job, Path dir, String command) {
    JobRef ref = job.request.ref();
    if (job.killReason != null) {
      finish(job, dir, null, null);
      return;
    }
    if (!JobOwnership.claimLaunch(dir)) {
      log.info("{} job {} was launched by another worker; watching it", ref, ref.jobName());
      owned.remove(ref.jobName());
      return;
    }
    Duration timeout = job.request.spec().limits().timeout();
    ProcessBuilder pb =
        new ProcessBuilder(JobWrapper.argv(dir, command, timeout))
            .directory(dir.resolve("code").toFile())
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(dir.resolve(JobFolderFiles.LOG_FILE).toFile()));
    Map<String, String> env = pb.environment();
    try {
      Map<String, String> jobEnv =
          JobEnvironment.of(job.request, workerEnvironment, env.get("PATH"));
      env.clear();
      env.putAll(jobEnv);
    } catch (SecretRefs.MissingSecretException e) {
      failLaunch(dir, ref, FailureClass.USER, e.getMessage());
      return;
    }
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      failLaunch(
          dir, ref, FailureClass.INFRA, "could not launch the job's process: " + e.getMessage());
      return;
    }
    job.process = process;
    JobFolderFiles.writeState(dir, LocalJobState.queued().running(process.pid(), clock.instant()));
    log.info("{} started job {} (pid {})", ref, ref.jobName(), process.pid());
    try {
      if (injectFailure(ref.jobName())) {
        Duration wait =
            timeout == null || INJECTED_FAILURE_DELAY.compareTo(timeout) < 0
                ? INJECTED_FAILURE_DELAY
                : timeout;
        if (!exitsWithin(process, wait)) {
          job.kill(KillReason.INJECTED);
        }
      }
      if (timeout != null && !JobWrapper.HAS_TIMEOUT && !exitsWithin(process, timeout)) {
        job.kill(KillReason.TIMEOUT);
      }
      int exit = process.waitFor();
      finish(job, dir, exit, timeout);
    } catch (InterruptedException e) {
      if (closing) {
        // Graceful shutdown: the job keeps running; whoever adopts it records its end.
        log.info(
            "{} leaving job {} (pid {}) running for adoption", ref, ref.jobName(), process.pid());
      } else {
        job.kill(KillReason.SHUTDOWN);
        finish(job, dir, null, null);
      }
      Thread.currentThread().interrupt();
    }
  }

  private void failLaunch(Path dir, JobRef ref, FailureClass failureClass, String message) {
    JobFolderFiles.writeState(dir, JobEnds.notStarted(failureClass, message, clock.instant()));
    owned.remove(ref.jobName());
  }

  private static boolean exitsWithin(Process p, Duration d) throws InterruptedException {
    try {
      p.onExit().get(d.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return true;
    }
  }

  private void finish(OwnedJob job, Path dir, Integer exit, Duration timeout) {
    LocalJobState before = JobFolderFiles.readState(dir).orElse(LocalJobState.queued());
    // The wrapper's own end time when it wrote one, not when this worker noticed: a worker that was
    // stopped or starved while its job ended would otherwise bill the job its pause (ChaosIT, seed
    // 20261131: 0.93 billed against a 0.50 cap after a 52 s SIGSTOP).
    Instant now =
        JobWrapper.readExitCode(dir)
            .map(JobWrapper.ExitRecord::endedAt)
            .filter(ended -> before.startedAt() == null || !ended.isBefore(before.startedAt()))
            .orElseGet(clock::instant);
    LocalJobState end = JobEnds.afterRun(before, job.killReason, exit, timeout, now, dir);
    JobFolderFiles.writeState(dir, end);
    owned.remove(job.request.jobName());
    log.info(
        "{} job {} ended: {}{}",
        job.request.ref(),
        job.request.jobName(),
        end.backendStatus(),
        end.message() == null ? "" : " (" + end.message() + ")");
  }

  private boolean injectFailure(String jobName) {
    if (config.injectedInfraFailureRate() <= 0) {
      return false;
    }
    long h = config.seed() * 0x9E3779B97F4A7C15L ^ jobName.hashCode();
    double u = (new java.util.SplittableRandom(h).nextDouble());
    return u < config.injectedInfraFailureRate();
  }

  /**
   * Stops: running jobs keep running, and jobs not started yet stay queued in their folders, given
   * up to whoever observes them next.
   */
  @Override
  public void close() {
    closing = true;
    ownership.close();
    slots.shutdownNow();
    try {
      slots.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A job this instance queued or runs, and why it killed it, if it did. */
  static final class OwnedJob {
    final JobRequest request;
    volatile Process process;
    volatile KillReason killReason;

    OwnedJob(JobRequest request) {
      this.request = request;
    }

    synchronized void kill(KillReason reason) {
      if (killReason == null) {
        killReason = reason;
      }
      Process p = process;
      if (p != null && p.isAlive()) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }
  }
}
