package io.partitrain.worker.backend.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.assets.CodeSnapshot;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobNames;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.contracts.SubmittedJob;
import io.partitrain.shared.plan.JobTemplate;
import io.partitrain.shared.plan.Placeholders;
import io.partitrain.shared.plan.SecretRefs;
import io.partitrain.shared.serde.JobSpecHash;
import io.partitrain.shared.serde.Json;
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
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
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
 * <p>Jobs outlive their worker: the command runs under a small wrapper (in a session of its own
 * where {@code setsid} exists) that enforces {@code limits.timeout} with coreutils {@code timeout}
 * and writes the exit code and the end time to {@code exit_code} in the job folder. When the worker
 * shuts down ({@link #close()}) or is killed, its jobs keep running, still under their timeout; a
 * worker that adopts one reads the exit code when the process ends and records the end.
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
 */
public final class LocalProcessBackend implements JobBackend {

  private static final Logger log = LoggerFactory.getLogger(LocalProcessBackend.class);

  /**
   * How long a job started by another worker may show a dead process and no end before it counts as
   * lost. The owner records the end within milliseconds of the exit; the grace avoids reading the
   * state file in between.
   */
  static final Duration LOST_GRACE = Duration.ofSeconds(5);

  /** How long an injected "node loss" lets the process run before killing it. */
  static final Duration INJECTED_FAILURE_DELAY = Duration.ofMillis(300);

  /** How long a submission finding a brand-new folder waits for its creator's job.json. */
  static final Duration LAYOUT_GRACE = Duration.ofSeconds(2);

  private static final String STATE_FILE = "state.json";
  private static final String SPEC_FILE = "job.json";
  private static final String LOG_FILE = "user_logs/std_log.txt";
  private static final String EXIT_FILE = "exit_code";
  private static final String COMMAND_FILE = "command.sh";
  private static final String CANCEL_FILE = "cancel_requested";

  /** The exit status of coreutils {@code timeout} when it stopped the command at its limit. */
  static final int TIMEOUT_EXIT = 124;

  /**
   * Runs $1 with bash (under {@code timeout} when $3 holds a limit in seconds), then writes its
   * exit code and the end time in epoch milliseconds to the file $2 (atomically), and exits with
   * the code. {@code -k} sends SIGKILL to a command that ignores SIGTERM for 10 s.
   */
  private static final String WRAPPER =
      "if [ -n \"$3\" ]; then timeout -k 10 \"$3\" bash -c \"$1\"; else bash -c \"$1\"; fi;"
          + " code=$?; echo \"$code $(date +%s%3N)\" > \"$2.tmp\" && mv \"$2.tmp\" \"$2\"; exit $code";

  private static final boolean HAS_SETSID = Files.isExecutable(Path.of("/usr/bin/setsid"));
  private static final boolean HAS_TIMEOUT = Files.isExecutable(Path.of("/usr/bin/timeout"));

  /**
   * The worker's variables a job process inherits: a shell's basics. Everything else (Kafka
   * settings and credentials, cloud tokens) stays with the worker.
   */
  public static final List<String> INHERITED_ENVIRONMENT =
      List.of("HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TZ", "TMPDIR", "TERM", "SHELL");

  private final LocalBackendConfig config;
  private final Clock clock;
  private final Function<String, String> workerEnvironment;
  private final ExecutorService slots;
  private final Map<String, OwnedJob> owned = new ConcurrentHashMap<>();
  private final Map<String, Instant> deadSince = new ConcurrentHashMap<>();
  private final JobOwnership ownership;
  private volatile boolean closing;

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
    this.workerEnvironment = workerEnvironment;
    AtomicInteger n = new AtomicInteger();
    this.slots =
        Executors.newFixedThreadPool(
            config.slots(),
            r -> {
              Thread t = new Thread(r, "local-slot-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    try {
      Files.createDirectories(config.jobsRoot());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the local jobs folder " + config.jobsRoot(), e);
    }
    this.ownership = new JobOwnership(config.jobsRoot(), config.ownerLease(), clock);
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
      writeSpec(staged, request.spec());
      command = prepare(staged, dir, request);
      writeFile(staged.resolve(COMMAND_FILE), command);
      own(staged);
      writeState(staged, LocalJobState.queued());
    } catch (JobSetupException e) {
      command = null;
      writeState(
          staged,
          LocalJobState.queued()
              .ended(
                  JobPhase.FAILED,
                  "Failed",
                  e.failureClass,
                  e.getMessage(),
                  null,
                  clock.instant(),
                  Map.of()));
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
      return new SubmitResult(readObservation(request.ref(), dir), true, null);
    }
    OwnedJob job = new OwnedJob(request);
    owned.put(request.jobName(), job);
    SubmittedJob submission = submission(request.spec(), dir, command);
    String laidOut = command;
    slots.submit(() -> run(job, dir, laidOut));
    return new SubmitResult(readObservation(request.ref(), dir), true, submission);
  }

  /**
   * The job's evidence as laid out: the content hash of the code copied into the job folder
   * (azure-ai-ml's algorithm, so the same folder hashes the same as on Azure ML), the inputs and
   * outputs as the command received them, and the resolved command line (it holds paths, never a
   * secret: secrets reach the process through its environment only).
   */
  private static SubmittedJob submission(JobSpec spec, Path dir, String command) {
    Path codeDir = dir.resolve("code");
    String codeHash = null;
    try {
      codeHash = spec.code() == null ? null : CodeSnapshot.of("code", codeDir).hash();
    } catch (RuntimeException e) {
      // Evidence never stops a job: the hash is left out and the reason logged.
      log.warn("cannot hash the code of job folder {}: {}", dir, e.getMessage());
    }
    Map<String, String> inputs = new LinkedHashMap<>();
    spec.inputs()
        .forEach(
            (name, in) ->
                inputs.put(
                    name,
                    in.isLiteral()
                        ? String.valueOf(in.value())
                        : JobTemplate.isLocalPath(in.path())
                            ? Path.of(in.path()).toAbsolutePath().normalize().toString()
                            : in.path()));
    Map<String, String> outputs = new LinkedHashMap<>();
    for (String name : spec.outputs().keySet()) {
      outputs.put(name, dir.resolve("outputs").resolve(name).toAbsolutePath().toString());
    }
    com.fasterxml.jackson.databind.node.ObjectNode request = Json.mapper().createObjectNode();
    request.put("command", command);
    request.put("workingDirectory", codeDir.toAbsolutePath().toString());
    return new SubmittedJob(
        null,
        "local",
        dir.toAbsolutePath().toString(),
        spec.code() == null ? null : Path.of(spec.code()).toAbsolutePath().normalize().toString(),
        codeHash,
        inputs,
        outputs,
        request);
  }

  /**
   * A job folder of this name exists: adopt it only when it holds the same definition. A folder
   * with another definition belongs to another job that carries the name (a run id reused after the
   * stack's state was lost); adopting it would report its old results as new.
   */
  private SubmitResult adoptIfSameDefinition(JobRequest request, Path dir) {
    Optional<JobSpec> found = readSpecOfConcurrentSubmission(dir);
    if (found.isEmpty() && !Files.exists(dir.resolve(STATE_FILE))) {
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
        readObservation(request.ref(), dir), false, evidenceOf(request.ref()).orElse(null));
  }

  /** The job folder's definition and command, as its creator laid them out. */
  @Override
  public Optional<SubmittedJob> evidenceOf(JobRef ref) {
    Path dir = jobDir(ref.jobName());
    Optional<JobSpec> spec = specOf(dir);
    if (spec.isEmpty() || !Files.isRegularFile(dir.resolve(COMMAND_FILE))) {
      return Optional.empty();
    }
    try {
      return Optional.of(submission(spec.get(), dir, Files.readString(dir.resolve(COMMAND_FILE))));
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
    Optional<JobSpec> found = specOf(dir);
    while (found.isEmpty()
        && !Files.exists(dir.resolve(STATE_FILE))
        && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
      found = specOf(dir);
    }
    return found;
  }

  /** Writes job.json atomically, so a concurrent submission never reads half a definition. */
  private static void writeSpec(Path dir, JobSpec spec) {
    try {
      Path tmp = dir.resolve(SPEC_FILE + ".tmp");
      Files.writeString(tmp, Json.toPrettyString(spec));
      Files.move(tmp, dir.resolve(SPEC_FILE), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new JobSetupException(
          FailureClass.INFRA, "cannot write " + SPEC_FILE + ": " + e.getMessage());
    }
  }

  /**
   * Lays out the job folder in {@code staged} and returns the command with inputs and outputs
   * resolved to where they will be once it is renamed to {@code dir}.
   */
  private String prepare(Path staged, Path dir, JobRequest request) {
    JobSpec spec = request.spec();
    try {
      Files.createDirectories(staged.resolve("user_logs"));
      Path codeDir = staged.resolve("code");
      if (spec.code() != null) {
        if (!JobTemplate.isLocalPath(spec.code())) {
          throw new JobSetupException(
              FailureClass.USER,
              "code '"
                  + spec.code()
                  + "' is not a local folder; the local backend runs local code only");
        }
        Path source = Path.of(spec.code());
        if (!Files.isDirectory(source)) {
          throw new JobSetupException(
              FailureClass.USER, "code folder " + source + " does not exist");
        }
        JobFolders.copyTree(source, codeDir);
      } else {
        Files.createDirectories(codeDir);
      }
      Map<String, String> outputs = new HashMap<>();
      for (String name : spec.outputs().keySet()) {
        Files.createDirectories(staged.resolve("outputs").resolve(name));
        outputs.put(name, dir.resolve("outputs").resolve(name).toString());
      }
      return resolveCommand(spec, outputs);
    } catch (IOException e) {
      throw new JobSetupException(
          FailureClass.INFRA, "cannot lay out job folder: " + e.getMessage());
    }
  }

  static String resolveCommand(JobSpec spec, Map<String, String> outputs) {
    return Placeholders.substitute(
        spec.command(),
        expr -> {
          if (expr.startsWith(Placeholders.INPUT_PREFIX)) {
            String name = expr.substring(Placeholders.INPUT_PREFIX.length());
            JobSpec.JobInput in = spec.inputs().get(name);
            if (in == null) {
              throw new JobSetupException(
                  FailureClass.USER,
                  "command uses input '" + name + "', which the job does not declare");
            }
            if (in.isLiteral()) {
              return shellQuote(String.valueOf(in.value()));
            }
            if (JobTemplate.isLocalPath(in.path()) && !Files.exists(Path.of(in.path()))) {
              throw new JobSetupException(
                  FailureClass.USER, "input '" + name + "' path " + in.path() + " does not exist");
            }
            return shellQuote(in.path());
          }
          if (expr.startsWith(Placeholders.OUTPUT_PREFIX)) {
            String name = expr.substring(Placeholders.OUTPUT_PREFIX.length());
            String path = outputs.get(name);
            if (path == null) {
              throw new JobSetupException(
                  FailureClass.USER,
                  "command uses output '" + name + "', which the job does not declare");
            }
            return shellQuote(path);
          }
          return null;
        });
  }

  /**
   * The job's whole process environment: what the worker's environment allows through ({@link
   * #INHERITED_ENVIRONMENT}; the worker's own settings and credentials are not passed on), the
   * job's {@code environment_variables} with {@code ${{secrets.NAME}}} resolved from the worker's
   * {@code PARTITRAIN_SECRET_NAME}, and Partitrain's own variables. The resolved values exist here
   * and in the child process only: job.json keeps the reference.
   */
  private Map<String, String> jobEnvironment(JobRequest request, String workerPath) {
    Map<String, String> env = new HashMap<>();
    for (String name : INHERITED_ENVIRONMENT) {
      String v = workerEnvironment.apply(name);
      if (v != null) {
        env.put(name, v);
      }
    }
    request
        .spec()
        .environmentVariables()
        .forEach((k, v) -> env.put(k, SecretRefs.resolve(v, workerEnvironment)));
    JobRef ref = request.ref();
    env.put("PARTITRAIN_RUN_ID", ref.runId());
    env.put("PARTITRAIN_PARTITION_ID", ref.partitionId());
    env.put("PARTITRAIN_ATTEMPT", String.valueOf(ref.attempt()));
    env.put("PARTITRAIN_JOB_NAME", ref.jobName());
    // The job finds the same JDK as the worker first, so `java Train.java` works anywhere.
    env.put(
        "PATH",
        Path.of(System.getProperty("java.home"), "bin")
            + ":"
            + (workerPath == null ? "/usr/bin:/bin" : workerPath));
    return env;
  }

  private void failLaunch(Path dir, JobRef ref, FailureClass failureClass, String message) {
    writeState(
        dir,
        LocalJobState.queued()
            .ended(
                JobPhase.FAILED, "Failed", failureClass, message, null, clock.instant(), Map.of()));
    owned.remove(ref.jobName());
  }

  /** Single-quotes a value for bash, so paths and literal inputs are never interpreted. */
  static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
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
    List<String> argv = new ArrayList<>();
    if (HAS_SETSID) {
      argv.add("/usr/bin/setsid");
    }
    argv.addAll(
        List.of(
            "bash",
            "-c",
            WRAPPER,
            "partitrain-job",
            command,
            dir.resolve(EXIT_FILE).toString(),
            timeout != null && HAS_TIMEOUT ? String.valueOf(timeoutSeconds(timeout)) : ""));
    ProcessBuilder pb =
        new ProcessBuilder(argv)
            .directory(dir.resolve("code").toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(LOG_FILE).toFile()));
    Map<String, String> env = pb.environment();
    try {
      Map<String, String> jobEnv = jobEnvironment(job.request, env.get("PATH"));
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
    writeState(dir, LocalJobState.queued().running(process.pid(), clock.instant()));
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
      if (timeout != null && !HAS_TIMEOUT && !exitsWithin(process, timeout)) {
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

  private static long timeoutSeconds(Duration timeout) {
    return Math.max(1, (timeout.toMillis() + 999) / 1000);
  }

  private static boolean isTimeoutExit(Integer exit, Duration timeout) {
    return HAS_TIMEOUT && timeout != null && exit != null && exit == TIMEOUT_EXIT;
  }

  private static LocalJobState timedOut(
      LocalJobState before, Integer exit, Duration timeout, Instant at) {
    return before.ended(
        JobPhase.FAILED,
        "Failed",
        FailureClass.TIMEOUT,
        "killed after limits.timeout of " + timeoutSeconds(timeout) + "s",
        exit,
        at,
        Map.of());
  }

  /** Names this backend instance as the job's owner; a failure is the job's setup failing. */
  private void own(Path dir) {
    try {
      ownership.own(dir);
    } catch (IOException e) {
      throw new JobSetupException(
          FailureClass.INFRA, "cannot write the owner of " + dir + ": " + e.getMessage());
    }
  }

  /** Writes a job folder file atomically; a failure is the job's setup failing (INFRA). */
  private static void writeFile(Path file, String text) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + Thread.currentThread().getId());
    try {
      Files.writeString(tmp, text);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new JobSetupException(
          FailureClass.INFRA, "cannot write " + file + ": " + e.getMessage());
    }
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
    LocalJobState before = readState(dir).orElse(LocalJobState.queued());
    // The wrapper's own end time when it wrote one, not when this worker noticed: a worker that was
    // stopped or starved while its job ended would otherwise bill the job its pause (ChaosIT, seed
    // 20261131: 0.93 billed against a 0.50 cap after a 52 s SIGSTOP).
    Instant now =
        readExitCode(dir)
            .map(ExitRecord::endedAt)
            .filter(ended -> before.startedAt() == null || !ended.isBefore(before.startedAt()))
            .orElseGet(clock::instant);
    KillReason reason = job.killReason;
    LocalJobState end;
    if (reason == KillReason.CANCELED || cancelRequested(dir)) {
      end = canceled(before, exit, now);
    } else if (reason == KillReason.TIMEOUT || isTimeoutExit(exit, timeout)) {
      end = timedOut(before, exit, timeout, now);
    } else if (reason == KillReason.INJECTED) {
      end =
          before.ended(
              JobPhase.FAILED,
              "Failed",
              FailureClass.INFRA,
              "node lost (injected failure, local.injectedInfraFailureRate)",
              exit,
              now,
              Map.of());
    } else if (reason == KillReason.SHUTDOWN) {
      end =
          before.ended(
              JobPhase.FAILED,
              "Failed",
              FailureClass.INFRA,
              "worker shut down while the job ran",
              exit,
              now,
              Map.of());
    } else if (exit != null && exit == 0) {
      end = before.ended(JobPhase.SUCCEEDED, "Completed", null, null, 0, now, readMetrics(dir));
    } else if (exit != null && exit > 128) {
      end =
          before.ended(
              JobPhase.FAILED,
              "Failed",
              FailureClass.INFRA,
              "process killed by signal " + (exit - 128),
              exit,
              now,
              Map.of());
    } else {
      end =
          before.ended(
              JobPhase.FAILED,
              "Failed",
              FailureClass.USER,
              "the job's command exited with code " + exit,
              exit,
              now,
              Map.of());
    }
    writeState(dir, end);
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

  private Map<String, Double> readMetrics(Path dir) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    Path outputs = dir.resolve("outputs");
    if (!Files.isDirectory(outputs)) {
      return metrics;
    }
    try (Stream<Path> files = Files.list(outputs)) {
      for (Path f :
          (Iterable<Path>)
              files.map(o -> o.resolve("metrics.json")).filter(Files::isRegularFile)::iterator) {
        JsonNode node = Json.mapper().readTree(f.toFile());
        node.fields()
            .forEachRemaining(
                e -> {
                  if (e.getValue().isNumber()) {
                    metrics.put(e.getKey(), e.getValue().asDouble());
                  }
                });
      }
    } catch (IOException e) {
      log.warn("cannot read metrics of {}: {}", dir.getFileName(), e.getMessage());
    }
    return metrics;
  }

  @Override
  public Optional<JobObservation> observe(JobRef job) {
    Path dir = jobDir(job.jobName());
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    return Optional.of(readObservation(job, dir));
  }

  private JobObservation readObservation(JobRef ref, Path dir) {
    String jobName = ref.jobName();
    LocalJobState s = readState(dir).orElse(LocalJobState.queued());
    boolean ours = owned.containsKey(jobName);
    if (s.phase() == JobPhase.QUEUED && !ours && isAbandoned(dir)) {
      takeOver(ref, dir);
    }
    boolean launchUnrecorded =
        s.phase() == JobPhase.QUEUED && !ours && launchedByAWorkerThatIsGone(dir);
    if (launchUnrecorded && readExitCode(dir).isEmpty()) {
      // Its worker died after the fork but before writing the process down: find the wrapper.
      Optional<ProcessHandle> wrapper = wrapperOf(dir);
      if (wrapper.isPresent()) {
        Instant started = wrapper.get().info().startInstant().orElse(clock.instant());
        s = LocalJobState.queued().running(wrapper.get().pid(), started);
        writeState(dir, s);
        launchUnrecorded = false;
      }
    }
    Optional<ExitRecord> exit =
        (s.phase() == JobPhase.RUNNING && !ours) || launchUnrecorded
            ? readExitCode(dir)
            : Optional.empty();
    if (exit.isPresent()) {
      // Started by a worker that is gone; the wrapper left the exit code: record the end.
      s = endOf(s, exit.get(), dir);
      writeState(dir, s);
      deadSince.remove(jobName);
    } else if (launchUnrecorded ? lostSince(jobName) : isOrphaned(jobName, s)) {
      // Started by a worker that is gone: nobody will record how it ended.
      s =
          cancelRequested(dir)
              ? canceled(s, null, clock.instant())
              : s.ended(
                  JobPhase.FAILED,
                  "Failed",
                  FailureClass.INFRA,
                  launchUnrecorded
                      ? "the job's worker died while launching it and no process of it runs"
                      : "the job's process is gone and its worker did not record an end",
                  null,
                  clock.instant(),
                  Map.of());
      writeState(dir, s);
    }
    return JobObservation.of(jobName, s.phase())
        .backendStatus(s.backendStatus())
        .failureClass(s.failureClass())
        .message(s.message())
        .startedAt(s.startedAt())
        .finishedAt(s.finishedAt())
        // Only a log that exists: a job that never launched has none to point at.
        .logPath(
            Files.isRegularFile(dir.resolve(LOG_FILE)) ? dir.resolve(LOG_FILE).toString() : null)
        .backendId(dir.toString())
        .metrics(s.metrics())
        .build();
  }

  /**
   * A queued job its owner will not start: not launched, and the instance that queued it is closed,
   * its process is gone, or it stopped renewing its lease (a worker stopped, killed or frozen with
   * jobs waiting for a slot). See {@link JobOwnership}.
   */
  private boolean isAbandoned(Path dir) {
    return !closing
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

  /** The job's wrapper process, found by the exit file it was started to write. */
  private static Optional<ProcessHandle> wrapperOf(Path dir) {
    String exitFile = dir.resolve(EXIT_FILE).toString();
    return ProcessHandle.allProcesses()
        .filter(ProcessHandle::isAlive)
        .filter(ph -> ph.info().arguments().map(a -> List.of(a).contains(exitFile)).orElse(false))
        .findFirst();
  }

  /** Whether a job seen lost has been seen so for longer than {@link #LOST_GRACE}. */
  private boolean lostSince(String jobName) {
    Instant first = deadSince.computeIfAbsent(jobName, k -> clock.instant());
    return !clock.instant().isBefore(first.plus(LOST_GRACE));
  }

  /**
   * Queues an abandoned job here; {@link JobOwnership#claimLaunch} keeps two adopters from both
   * starting it.
   */
  private void takeOver(JobRef ref, Path dir) {
    try {
      JobSpec spec = Json.mapper().readValue(dir.resolve(SPEC_FILE).toFile(), JobSpec.class);
      String command = Files.readString(dir.resolve(COMMAND_FILE));
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

  /** What the wrapper wrote: the exit code and, from newer wrappers, when the command ended. */
  private record ExitRecord(int code, Instant endedAt) {}

  private static Optional<ExitRecord> readExitCode(Path dir) {
    try {
      Path f = dir.resolve(EXIT_FILE);
      if (!Files.isRegularFile(f)) {
        return Optional.empty();
      }
      String[] parts = Files.readString(f).trim().split(" ");
      Instant ended = parts.length > 1 ? Instant.ofEpochMilli(Long.parseLong(parts[1])) : null;
      return Optional.of(new ExitRecord(Integer.parseInt(parts[0]), ended));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private LocalJobState endOf(LocalJobState before, ExitRecord record, Path dir) {
    // The wrapper's own end time, not when this worker noticed: that is what the job was billed
    // for.
    Instant now = record.endedAt() != null ? record.endedAt() : clock.instant();
    int exit = record.code();
    if (cancelRequested(dir)) {
      return canceled(before, exit, now);
    }
    if (exit == TIMEOUT_EXIT && HAS_TIMEOUT) {
      Duration timeout = specOf(dir).map(spec -> spec.limits().timeout()).orElse(null);
      if (timeout != null) {
        return timedOut(before, exit, timeout, now);
      }
    }
    if (exit == 0) {
      return before.ended(JobPhase.SUCCEEDED, "Completed", null, null, 0, now, readMetrics(dir));
    }
    if (exit > 128) {
      return before.ended(
          JobPhase.FAILED,
          "Failed",
          FailureClass.INFRA,
          "process killed by signal " + (exit - 128),
          exit,
          now,
          Map.of());
    }
    return before.ended(
        JobPhase.FAILED,
        "Failed",
        FailureClass.USER,
        "the job's command exited with code " + exit,
        exit,
        now,
        Map.of());
  }

  private static Optional<JobSpec> specOf(Path dir) {
    try {
      return Optional.of(Json.mapper().readValue(dir.resolve(SPEC_FILE).toFile(), JobSpec.class));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** A running job of another worker whose process has been gone for longer than the grace. */
  private boolean isOrphaned(String jobName, LocalJobState s) {
    boolean dead =
        s.phase() == JobPhase.RUNNING
            && !owned.containsKey(jobName)
            && s.pid() != null
            && ProcessHandle.of(s.pid()).map(ph -> !ph.isAlive()).orElse(true);
    if (!dead) {
      deadSince.remove(jobName);
      return false;
    }
    return lostSince(jobName);
  }

  private static Optional<LocalJobState> readState(Path dir) {
    Path f = dir.resolve(STATE_FILE);
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.mapper().readValue(f.toFile(), LocalJobState.class));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static void writeState(Path dir, LocalJobState state) {
    Path tmp = dir.resolve(STATE_FILE + ".tmp-" + Thread.currentThread().getId());
    try {
      Files.write(tmp, Json.toBytes(state));
      Files.move(
          tmp,
          dir.resolve(STATE_FILE),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(STATE_FILE), e);
    }
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
    OwnedJob job = owned.get(ref.jobName());
    if (job != null) {
      job.kill(KillReason.CANCELED);
      if (job.process == null) {
        writeState(dir, canceledBeforeStart());
      }
      return;
    }
    LocalJobState s = readState(dir).orElse(null);
    if (s == null || s.phase().isTerminal()) {
      return;
    }
    writeFile(dir.resolve(CANCEL_FILE), clock.instant().toString());
    if (s.phase() == JobPhase.QUEUED && JobOwnership.claimLaunch(dir)) {
      writeState(dir, canceledBeforeStart());
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

  private LocalJobState canceledBeforeStart() {
    return LocalJobState.queued()
        .ended(
            JobPhase.CANCELED,
            "Canceled",
            FailureClass.CANCELED,
            "canceled before it started",
            null,
            clock.instant(),
            Map.of());
  }

  /** Guards against a reused pid: the process must have started when the job did. */
  private static boolean isSameProcess(ProcessHandle ph, Instant jobStartedAt) {
    return ph.info()
        .startInstant()
        .map(
            started ->
                jobStartedAt == null
                    || Duration.between(started, jobStartedAt).abs().compareTo(LOST_GRACE) < 0)
        .orElse(true);
  }

  private static boolean cancelRequested(Path dir) {
    return Files.exists(dir.resolve(CANCEL_FILE));
  }

  private LocalJobState canceled(LocalJobState before, Integer exit, Instant at) {
    return before.ended(
        JobPhase.CANCELED,
        "Canceled",
        FailureClass.CANCELED,
        "canceled on request",
        exit,
        at,
        Map.of());
  }

  /**
   * Stops watching: running jobs keep running, and jobs not started yet stay queued in their
   * folders; another worker that observes them (after adoption) records the ends of the first and
   * starts the second, so a stopped worker costs no attempt.
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

  private enum KillReason {
    CANCELED,
    TIMEOUT,
    INJECTED,
    SHUTDOWN
  }

  private static final class OwnedJob {
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

  /** A job that cannot even start (missing code folder, undeclared input). */
  private static final class JobSetupException extends RuntimeException {
    final FailureClass failureClass;

    JobSetupException(FailureClass failureClass, String message) {
      super(message);
      this.failureClass = failureClass;
    }
  }
}
