package io.partitrain.worker.backend.simulated;

import io.partitrain.assets.CodeSnapshot;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.contracts.SubmittedJob;
import io.partitrain.shared.plan.JobTemplate;
import io.partitrain.shared.serde.JobSpecHash;
import io.partitrain.worker.backend.BackendException;
import io.partitrain.worker.backend.JobBackend;
import io.partitrain.worker.backend.JobObservation;
import io.partitrain.worker.backend.JobRef;
import io.partitrain.worker.backend.JobRequest;
import io.partitrain.worker.backend.SubmitResult;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * In-memory jobs whose progress is read off an injected {@link Clock}: nothing runs, nothing
 * sleeps. One instance stands for one shared "cloud": give the same instance to several workers and
 * get-or-create behaves as it does against a real service.
 *
 * <p>A job runs for a duration drawn from the profile, but never longer than its {@code
 * limits.timeout}: at the limit it fails as {@link FailureClass#TIMEOUT}.
 *
 * <p>It also watches the invariant a backend can see: never two unfinished jobs for the same
 * partition of the same run. Violations are recorded, not thrown, so a test can report them all.
 */
public final class SimulatedBackend implements JobBackend {

  private final Clock clock;
  private final SimulationProfile profile;
  private final Map<String, SimJob> jobs = new ConcurrentHashMap<>();

  /** The latest job of each run/partition, for the one-unfinished-job check in O(1). */
  private final Map<String, SimJob> latestByPartition = new ConcurrentHashMap<>();

  /**
   * Every creation, in order. Not a copy-on-write list: each add copied the whole list, so a
   * million-partition bench spent its time (and its heap) copying the first half million.
   */
  private final Queue<JobRef> creations = new ConcurrentLinkedQueue<>();

  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final AtomicInteger submitCalls = new AtomicInteger();
  private final Map<String, String> codeHashes = new ConcurrentHashMap<>();
  private final Set<String> brokenPartitions = ConcurrentHashMap.newKeySet();

  public SimulatedBackend(Clock clock, SimulationProfile profile) {
    this.clock = clock;
    this.profile = profile;
  }

  @Override
  public String name() {
    return "simulated";
  }

  @Override
  public SubmitResult submit(JobRequest request) {
    submitCalls.incrementAndGet();
    boolean[] created = {false};
    SimJob job =
        jobs.computeIfAbsent(
            request.jobName(),
            name -> {
              created[0] = true;
              SimJob fresh = newJob(request);
              SimJob previous =
                  latestByPartition.put(
                      request.ref().runId() + "/" + request.ref().partitionId(), fresh);
              if (previous != null && !previous.observe(clock.instant()).isTerminal()) {
                violations.add(
                    "job "
                        + name
                        + " created while "
                        + previous.ref.jobName()
                        + " of the same partition was not finished");
              }
              creations.add(request.ref());
              return fresh;
            });
    if (!created[0] && !job.specHash.equals(JobSpecHash.of(request.spec()))) {
      throw BackendException.rejected(
          "job "
              + request.jobName()
              + " exists with another definition (spec hash "
              + job.specHash
              + " there, "
              + JobSpecHash.of(request.spec())
              + " here); not adopted",
          FailureClass.CONFLICT,
          null);
    }
    return new SubmitResult(
        job.observe(clock.instant()), created[0], created[0] ? submission(request) : null);
  }

  /**
   * All a simulation holds of a job it did not report: that it exists, under this name (it keeps no
   * definitions, so a million simulated jobs cost no more memory than before).
   */
  @Override
  public java.util.Optional<SubmittedJob> evidenceOf(JobRef ref) {
    return jobs.containsKey(ref.jobName())
        ? java.util.Optional.of(
            new SubmittedJob(
                null, name(), "simulated://" + ref.jobName(), null, null, Map.of(), Map.of(), null))
        : java.util.Optional.empty();
  }

  /**
   * The evidence of a simulated job: inputs and outputs as the job names them (nothing is
   * resolved), and the code's content hash when the code is a local folder, hashed once per folder
   * (a simulation does not change its code).
   */
  private SubmittedJob submission(JobRequest request) {
    JobSpec spec = request.spec();
    String code = spec.code();
    String codeHash =
        code != null && JobTemplate.isLocalPath(code) && Files.exists(Path.of(code))
            ? codeHashes.computeIfAbsent(code, SimulatedBackend::hashOrNone)
            : null;
    Map<String, String> inputs = new LinkedHashMap<>();
    spec.inputs()
        .forEach((k, in) -> inputs.put(k, in.isLiteral() ? String.valueOf(in.value()) : in.path()));
    Map<String, String> outputs = new LinkedHashMap<>();
    spec.outputs()
        .forEach(
            (k, out) ->
                outputs.put(
                    k,
                    out.path() == null
                        ? "simulated://" + request.jobName() + "/" + k
                        : out.path()));
    return new SubmittedJob(
        null, name(), "simulated://" + request.jobName(), code, codeHash, inputs, outputs, null);
  }

  private static String hashOrNone(String folder) {
    try {
      return CodeSnapshot.of("code", Path.of(folder)).hash();
    } catch (RuntimeException e) {
      return null; // evidence never fails a submission; computeIfAbsent keeps nothing for null
    }
  }

  private SimJob newJob(JobRequest request) {
    SplittableRandom r =
        new SplittableRandom(profile.seed() ^ request.jobName().hashCode() * 0x9E3779B97F4A7C15L);
    double u = r.nextDouble();
    FailureClass failure =
        brokenPartitions.contains(request.ref().partitionId())
            ? FailureClass.USER
            : u < profile.userFailureRate()
                ? FailureClass.USER
                : u < profile.userFailureRate() + profile.infraFailureRate()
                    ? FailureClass.INFRA
                    : null;
    long span = profile.maxDuration().toMillis() - profile.minDuration().toMillis();
    Duration duration = profile.minDuration().plusMillis(span == 0 ? 0 : r.nextLong(span + 1));
    Instant submitted = clock.instant();
    Instant start = submitted.plus(profile.queueLatency());
    Duration timeout = request.spec().limits().timeout();
    if (timeout != null && duration.compareTo(timeout) > 0) {
      // Killed at its limit, as Azure ML and the local backend do: billable time never exceeds it.
      duration = timeout;
      failure = FailureClass.TIMEOUT;
    }
    SimJob job =
        new SimJob(
            request.ref(),
            request.spec().nodes(),
            JobSpecHash.of(request.spec()),
            submitted,
            start,
            start.plus(duration),
            failure);
    job.studioUrl = studioBase == null ? null : studioBase + request.jobName();
    return job;
  }

  @Override
  public Optional<JobObservation> observe(JobRef job) {
    SimJob j = jobs.get(job.jobName());
    return j == null ? Optional.empty() : Optional.of(j.observe(clock.instant()));
  }

  @Override
  public void cancel(JobRef job) {
    SimJob j = jobs.get(job.jobName());
    if (j != null && !j.observe(clock.instant()).isTerminal()) {
      j.canceledAt = clock.instant();
    }
  }

  /** Does nothing: several workers may share one simulated "cloud", as they share Azure ML. */
  @Override
  public void close() {}

  private volatile String studioBase;

  /**
   * Marks partitions whose data is "broken": their jobs fail as USER until {@link #repair}. Mirrors
   * the local demo's broken stores.
   */
  public void breakPartitions(Set<String> partitionIds) {
    brokenPartitions.addAll(partitionIds);
  }

  public void repair(String partitionId) {
    brokenPartitions.remove(partitionId);
  }

  /**
   * Jobs created from now on report a Studio page, {@code base} + their name, as Azure ML jobs
   * report theirs: for tests of what shows the link.
   */
  public void linkToStudio(String base) {
    studioBase = base;
  }

  /** Names of the jobs created, in creation order. */
  public List<String> creations() {
    return creations.stream().map(JobRef::jobName).toList();
  }

  /**
   * What the backend was asked to create, in creation order, as (run, partition, attempt) from the
   * request itself rather than from its name: a second job for one attempt shows here as a repeated
   * triple even if it came under another name.
   */
  public List<JobRef> createdJobs() {
    return List.copyOf(creations);
  }

  /**
   * The backend's own bill: for every job of {@code runId} that started by {@code now}, its nodes
   * times its running time (from its start to its end or cancellation, or to {@code now}). This is
   * the ground truth a FinOps report is checked against, computed without any of Partitrain's
   * events.
   */
  public List<BilledJob> billedJobs(String runId, Instant now) {
    return jobs.values().stream()
        .filter(j -> j.ref.runId().equals(runId) && j.ranBy(now))
        .map(j -> new BilledJob(j.ref, j.nodes, Duration.between(j.startAt, j.stoppedAt(now))))
        .toList();
  }

  /** One job as the simulated cloud bills it. */
  public record BilledJob(JobRef ref, int nodes, Duration running) {

    /** {@code nodes × running hours × pricePerNodeHour}. */
    public BigDecimal cost(BigDecimal pricePerNodeHour) {
      return pricePerNodeHour
          .multiply(BigDecimal.valueOf(nodes))
          .multiply(BigDecimal.valueOf(running.toNanos()))
          .divide(BigDecimal.valueOf(3_600_000_000_000L), MathContext.DECIMAL64);
    }
  }

  /** Every breach of "one unfinished job per partition" seen so far. */
  public List<String> violations() {
    return List.copyOf(violations);
  }

  public int submitCalls() {
    return submitCalls.get();
  }

  /** Nodes held at {@code at} by jobs that are queued or running then. */
  public int nodesInFlightAt(Instant at) {
    return jobs.values().stream()
        .filter(j -> !j.submittedAt.isAfter(at) && !j.observe(at).isTerminal())
        .mapToInt(j -> j.nodes)
        .sum();
  }

  /**
   * The most nodes unfinished jobs held at any instant so far. The count only rises when a job is
   * submitted, so the maximum is reached at some submission instant.
   */
  public int maxNodesInFlight() {
    return jobs.values().stream().mapToInt(j -> nodesInFlightAt(j.submittedAt)).max().orElse(0);
  }

  private static final class SimJob {
    final JobRef ref;
    final int nodes;
    final String specHash;
    final Instant submittedAt;
    final Instant startAt;
    final Instant endAt;
    final FailureClass failure;
    String studioUrl; // set before the job is published (computeIfAbsent)
    volatile Instant canceledAt;

    SimJob(
        JobRef ref,
        int nodes,
        String specHash,
        Instant submittedAt,
        Instant startAt,
        Instant endAt,
        FailureClass failure) {
      this.ref = ref;
      this.nodes = nodes;
      this.specHash = specHash;
      this.submittedAt = submittedAt;
      this.startAt = startAt;
      this.endAt = endAt;
      this.failure = failure;
    }

    /** Whether the job had started by {@code now}; one canceled before its start never ran. */
    boolean ranBy(Instant now) {
      Instant canceled = canceledAt;
      return !startAt.isAfter(now) && (canceled == null || canceled.isAfter(startAt));
    }

    /** When the job stopped holding its nodes, as seen at {@code now}. */
    Instant stoppedAt(Instant now) {
      Instant canceled = canceledAt;
      Instant end = canceled != null && canceled.isBefore(endAt) ? canceled : endAt;
      return end.isBefore(now) ? end : now;
    }

    JobObservation observe(Instant now) {
      Instant canceled = canceledAt;
      if (canceled != null && !canceled.isAfter(now) && canceled.isBefore(endAt)) {
        return obs(
            JobPhase.CANCELED,
            "Canceled",
            FailureClass.CANCELED,
            "canceled on request",
            canceled.isAfter(startAt) ? startAt : null,
            canceled);
      }
      if (now.isBefore(startAt)) {
        return obs(JobPhase.QUEUED, "Queued", null, null, null, null);
      }
      if (now.isBefore(endAt)) {
        return obs(JobPhase.RUNNING, "Running", null, null, startAt, null);
      }
      if (failure == null) {
        return simulated(JobPhase.SUCCEEDED, "Completed")
            .startedAt(startAt)
            .finishedAt(endAt)
            .metrics(Map.of("mape", 0.05 + (Math.abs(ref.jobName().hashCode()) % 100) / 1000.0))
            .build();
      }
      String message =
          failure == FailureClass.USER
              ? "simulated training error (exit code 1)"
              : failure == FailureClass.TIMEOUT
                  ? "simulated job killed at its limits.timeout"
                  : "simulated node preemption";
      return obs(JobPhase.FAILED, "Failed", failure, message, startAt, endAt);
    }

    private JobObservation obs(
        JobPhase phase,
        String status,
        FailureClass fc,
        String message,
        Instant started,
        Instant finished) {
      return simulated(phase, status)
          .failureClass(fc)
          .message(message)
          .startedAt(started)
          .finishedAt(finished)
          .build();
    }

    /** What every simulated observation carries: its log, page and id. */
    private JobObservation.Builder simulated(JobPhase phase, String status) {
      return JobObservation.of(ref.jobName(), phase)
          .backendStatus(status)
          .logPath("sim://" + ref.jobName() + "/user_logs/std_log.txt")
          .studioUrl(studioUrl)
          .backendId("sim:" + ref.jobName());
    }
  }
}
