package io.partitrain.worker.backend.azureml;

import com.azure.core.http.HttpPipeline;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.partitrain.assets.ArmCallException;
import io.partitrain.assets.ArmRequest;
import io.partitrain.assets.ArmResponse;
import io.partitrain.assets.AzureMlTranslationException;
import io.partitrain.assets.BlobAccess;
import io.partitrain.assets.Datastores;
import io.partitrain.assets.WorkspaceAssets;
import io.partitrain.shared.contracts.ComputeCapacity;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.contracts.SubmittedJob;
import io.partitrain.shared.plan.JobTemplate;
import io.partitrain.shared.serde.JobSpecHash;
import io.partitrain.worker.backend.BackendException;
import io.partitrain.worker.backend.JobBackend;
import io.partitrain.worker.backend.JobLog;
import io.partitrain.worker.backend.JobObservation;
import io.partitrain.worker.backend.JobRef;
import io.partitrain.worker.backend.JobRequest;
import io.partitrain.worker.backend.SubmitResult;
import io.partitrain.worker.backend.azureml.internal.ArmTransport;
import io.partitrain.worker.backend.azureml.internal.RunHistory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production backend: each partition attempt is an Azure Machine Learning command job, created,
 * watched and canceled through the Azure Resource Manager REST API (api-version in {@link
 * AzureMlConfig}), with azure-core's HttpPipeline and an azure-identity credential.
 *
 * <ul>
 *   <li><b>submit</b> is get-or-create by the deterministic name: GET, PUT on 404; a 409 or an
 *       existing job tagged with this run, partition and attempt is adopted, never duplicated. A
 *       PUT whose answer was lost is not re-sent blindly: the whole get-or-create is retried, so
 *       the GET finds the job ARM did create.
 *   <li><b>observeAll</b> lists a run's jobs by tag (one paged list per run per poll, following
 *       {@code nextLink}) instead of one GET per job; jobs the list misses get a GET. The worker
 *       asks at most once per {@code azureml.pollInterval} ({@link #watchInterval()}). A call that
 *       fails costs only the jobs it covered: they are reported "not observed this round" (phase
 *       UNKNOWN, so the watcher keeps watching and heartbeats say so), the rest of the round
 *       stands.
 *   <li><b>terminal jobs</b> are judged from the workspace's run history ({@link RunHistory}): the
 *       service's start and end times bill the job, its error code and whether it ran give the
 *       failure class, and a job that ran for its whole {@code limits.timeout} is TIMEOUT. An
 *       adopted job is judged like one this process watched from the start.
 *   <li><b>cancel</b> is ARM's long-running POST (202 + Location); {@link #cancelAndWait} polls the
 *       Location honoring Retry-After.
 * </ul>
 *
 * <p>Biggest advantage: everything ARM rate-limits goes through one token bucket per ARM bucket and
 * one circuit breaker, and the breaker state is visible ({@link #acceptingWork()}), so a worker
 * stops taking partitions while ARM is down instead of burning their attempts. Biggest limitation:
 * "canceled by us" and the status history live in this process; a job canceled through another
 * replica looks canceled by someone else (INFRA), and when the run history cannot be read a job is
 * classified from what this process saw.
 */
public final class AzureMlBackend implements JobBackend {

  public static final String NAME = "azureml";
  private static final Logger LOG = LoggerFactory.getLogger(AzureMlBackend.class);

  private final AzureMlConfig config;
  private final ArmPaths paths;
  private final ArmTransport transport;
  private final JobBodyTranslator translator;
  private final AzureMlRequestRenderer renderer;
  private final WorkspaceAssets assets;
  private final Clock clock;
  private final JobObservations observations;
  private final RunJobsList runJobs;
  private final ComputeCapacityReader computes;
  private final BreakerSignal breaker;
  private final JobCancellation cancellation;
  private final Counter created;
  private final Counter adopted;

  AzureMlBackend(AzureMlBackendBuilder b, HttpPipeline pipeline, BlobAccess blobs) {
    this.config = b.config;
    this.clock = b.clock;
    this.paths = new ArmPaths(config);
    this.transport = new ArmTransport(pipeline, config, b.meters, b.nanoTime);
    this.assets = new WorkspaceAssets(transport, paths.assets(), blobs, clock, b.uploaderId);
    this.translator = new JobBodyTranslator(paths, assets.resolver(), assets.uploads());
    this.renderer = new AzureMlRequestRenderer(config);
    this.observations = new JobObservations(paths, new RunHistory(transport, paths), clock);
    this.runJobs = new RunJobsList(transport, paths);
    this.computes = new ComputeCapacityReader(transport, paths, config, clock);
    this.cancellation = new JobCancellation(transport, paths, clock, config.throttleMaxWait());
    this.breaker = new BreakerSignal(transport, paths, config.breakerHalfOpenCalls());
    this.created =
        Counter.builder("partitrain.azureml.submissions")
            .tag("result", "created")
            .description("Jobs created by submit")
            .register(b.meters);
    this.adopted =
        Counter.builder("partitrain.azureml.submissions")
            .tag("result", "adopted")
            .description("Jobs submit found existing and adopted")
            .register(b.meters);
  }

  /** A builder for the backend of one workspace. */
  public static AzureMlBackendBuilder builder(AzureMlConfig config) {
    return new AzureMlBackendBuilder(config);
  }

  @Override
  public String name() {
    return NAME;
  }

  public AzureMlConfig config() {
    return config;
  }

  /** {@code azureml.pollInterval}: every worker lists a run's jobs at most this often. */
  @Override
  public Duration watchInterval() {
    return config.pollInterval();
  }

  // ---------------------------------------------------------------- submit

  @Override
  public SubmitResult submit(JobRequest request) {
    JobRef ref = request.ref();
    try {
      SubmitResult result = getOrCreateOnce(request);
      (result.created() ? created : adopted).increment();
      LOG.info(
          "{} job {} {} ({})",
          ref,
          ref.jobName(),
          result.created() ? "created" : "adopted",
          result.observation().backendStatus());
      return result;
    } catch (AzureMlTranslationException e) {
      throw BackendException.rejected(ref + " " + e.getMessage(), FailureClass.USER, e);
    } catch (RuntimeException e) {
      throw ArmFailures.toBackendException(ref, "submit", e);
    }
  }

  private SubmitResult getOrCreateOnce(JobRequest request) {
    JobRef ref = request.ref();
    ArmResponse existing = transport.execute(get(ref.jobName()));
    if (existing.status() == 200) {
      return new SubmitResult(adopt(request, existing.body()), false);
    }
    if (existing.status() != 404) {
      throw ArmFailures.refused(ref, "GET", existing);
    }
    JobBodyTranslator.Translation t = translator.translate(request);
    t.prerequisites().forEach(assets::registerOnce);
    ArmRequest put = renderer.jobPut(ref.jobName(), t);
    ArmResponse answer;
    try {
      answer = transport.executeWithoutTransientRetry(put);
    } catch (ArmCallException e) {
      // The PUT's answer was lost (5xx, reset, timeout): ARM may have applied it. Not resent
      // blindly; a GET (retried by the transport) tells, and a job that exists now is adopted.
      // Otherwise the attempt fails as INFRA and the tracker decides (docs/retries.md).
      if (e.kind() != ArmCallException.Kind.TRANSIENT) {
        throw e;
      }
      ArmResponse found = transport.execute(get(ref.jobName()));
      if (found.status() == 200) {
        return new SubmitResult(adopt(request, found.body()), false);
      }
      throw e;
    }
    if (answer.status() == 201 || answer.status() == 200) {
      TrackedJob job = track(ref);
      job.canceledByUs = false;
      return new SubmitResult(
          observation(job, answer.body()),
          answer.status() == 201,
          SubmissionEvidence.of(
              put, answer.body(), paths.jobId(ref.jobName()), codeHash(ref, request.spec())));
    }
    if (answer.status() >= 400
        && answer.status() < 500
        && answer.status() != 401
        && answer.status() != 403) {
      // 409, or a 400 for a name taken meanwhile (a concurrent submit by another worker): the job
      // that exists now is adopted if it is ours, never created a second time.
      ArmResponse again = transport.execute(get(ref.jobName()));
      if (again.status() == 200) {
        return new SubmitResult(
            adopt(request, again.body()),
            false,
            SubmissionEvidence.found(again.body(), paths.jobId(ref.jobName())));
      }
    }
    throw ArmFailures.refused(ref, "PUT", answer);
  }

  /**
   * The content hash of the job's local code folder, for its evidence; hashed once per run and
   * folder, as the code is uploaded once per run and folder. Null for a registered code asset.
   */
  private String codeHash(JobRef ref, JobSpec spec) {
    String code = spec.code();
    if (code == null || !JobTemplate.isLocalPath(code)) {
      return null;
    }
    try {
      return assets.contentHash(ref.runId(), Path.of(code));
    } catch (RuntimeException e) {
      LOG.warn(
          "{} cannot hash code folder {} for the job's evidence: {}", ref, code, e.getMessage());
      return null;
    }
  }

  private JobObservation adopt(JobRequest request, JsonNode job) {
    requireTaggedAs(request.ref(), job);
    String wanted = JobSpecHash.of(request.spec());
    String there = JobTags.of(job).get(JobTags.SPEC);
    if (!wanted.equals(there)) {
      // Same name, another definition (a run id reused after the state was lost): never adopted.
      throw BackendException.rejected(
          request.ref()
              + " a job named "
              + request.ref().jobName()
              + " exists in workspace "
              + config.workspace()
              + " with another definition ("
              + JobTags.SPEC
              + " "
              + (there == null ? "absent" : there)
              + " there, "
              + wanted
              + " here); not adopted: start the run under a new run id",
          FailureClass.CONFLICT,
          null);
    }
    return observation(track(request.ref()), job);
  }

  private void requireTaggedAs(JobRef ref, JsonNode job) {
    Map<String, String> tags = JobTags.of(job);
    if (!JobTags.belongTo(tags, ref)) {
      throw new ArmCallException(
          ArmCallException.Kind.REFUSED,
          409,
          "a job named "
              + ref.jobName()
              + " exists in workspace "
              + config.workspace()
              + " but is not tagged as this run, partition"
              + " and attempt (its tags: "
              + JobTags.RUN
              + "="
              + tags.get(JobTags.RUN)
              + ", "
              + JobTags.PARTITION
              + "="
              + tags.get(JobTags.PARTITION)
              + "); refusing to adopt it",
          null,
          null);
    }
  }

  // ---------------------------------------------------------------- observe

  @Override
  public Optional<JobObservation> observe(JobRef job) {
    try {
      ArmResponse r = transport.execute(get(job.jobName()));
      if (r.status() == 404) {
        return Optional.empty();
      }
      if (r.status() != 200) {
        throw ArmFailures.refused(job, "GET", r);
      }
      return Optional.of(observation(track(job), r.body()));
    } catch (RuntimeException e) {
      throw ArmFailures.toBackendException(job, "observe", e);
    }
  }

  /**
   * The job resource as the service holds it (the body its creator sent, as the service kept it).
   */
  @Override
  public Optional<SubmittedJob> evidenceOf(JobRef job) {
    try {
      ArmResponse r = transport.execute(get(job.jobName()));
      return r.status() == 200
          ? Optional.of(SubmissionEvidence.found(r.body(), paths.jobId(job.jobName())))
          : Optional.empty();
    } catch (RuntimeException e) {
      LOG.warn("{} cannot read job {} for its evidence: {}", job, job.jobName(), e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * One paged list per run ({@code GET .../jobs?tag=partitrain.run.RUN}, following {@code
   * nextLink}), then a GET for each job the list did not return (a list index lags creation). A
   * failed call costs only the jobs it covered: they come back "not observed this round" and the
   * rest of the round stands. A failed list is not replaced by one GET per job (that would be a
   * burst of reads just when ARM is struggling); the next round lists again.
   */
  @Override
  public Map<String, JobObservation> observeAll(Collection<JobRef> jobs) {
    Map<String, JobObservation> out = new LinkedHashMap<>();
    Map<String, List<JobRef>> byRun = new LinkedHashMap<>();
    for (JobRef j : jobs) {
      byRun.computeIfAbsent(j.runId(), k -> new ArrayList<>()).add(j);
    }
    for (Map.Entry<String, List<JobRef>> run : byRun.entrySet()) {
      Map<String, JsonNode> listed = new LinkedHashMap<>();
      String listFailure = null;
      try {
        runJobs.addTo(run.getKey(), listed);
      } catch (RuntimeException e) {
        listFailure = ArmFailures.toBackendException(run.getValue().get(0), "list", e).getMessage();
        LOG.warn(
            "[run={}] listing jobs failed after {} jobs ({}); the others wait for the next round",
            run.getKey(),
            listed.size(),
            listFailure);
      }
      for (JobRef ref : run.getValue()) {
        JsonNode job = listed.get(ref.jobName());
        if (job != null) {
          out.put(ref.jobName(), observation(track(ref), job));
        } else if (listFailure != null) {
          out.put(ref.jobName(), observations.notObserved(ref, listFailure));
        } else {
          try {
            observe(ref).ifPresent(o -> out.put(ref.jobName(), o));
          } catch (BackendException e) {
            out.put(ref.jobName(), observations.notObserved(ref, e.getMessage()));
          }
        }
      }
    }
    return out;
  }

  /** All jobs of a run, by name, following nextLink. */
  Map<String, JsonNode> listRun(String runId) {
    return runJobs.list(runId);
  }

  // ---------------------------------------------------------------- cancel

  @Override
  public void cancel(JobRef job) {
    track(job).canceledByUs = true;
    cancellation.cancel(job);
  }

  /** Cancels and waits until ARM's long-running operation ends, honoring Retry-After. */
  public void cancelAndWait(JobRef job, Duration maxWait) {
    track(job).canceledByUs = true;
    cancellation.cancelAndWait(job, maxWait);
  }

  /**
   * Cancels every job of the run that is not terminal yet.
   *
   * @return the names of the jobs asked to cancel
   */
  public List<String> cancelRun(String runId) {
    List<String> canceled = new ArrayList<>();
    Map<String, JsonNode> jobs;
    try {
      jobs = listRun(runId);
    } catch (RuntimeException e) {
      throw ArmFailures.toBackendException(new JobRef(runId, "*", 1, "*"), "cancel run", e);
    }
    for (Map.Entry<String, JsonNode> e : jobs.entrySet()) {
      if (AzureMlStatus.parse(e.getValue().at("/properties/status").asText(null))
          .phase()
          .isTerminal()) {
        continue;
      }
      Map<String, String> tags = JobTags.of(e.getValue());
      int attempt = parseAttempt(tags.get(JobTags.ATTEMPT));
      cancel(new JobRef(runId, tags.getOrDefault(JobTags.PARTITION, "?"), attempt, e.getKey()));
      canceled.add(e.getKey());
    }
    LOG.info("[run={}] asked Azure ML to cancel {} in-flight jobs", runId, canceled.size());
    return canceled;
  }

  // ---------------------------------------------------------------- circuit breaker

  /**
   * Whether the worker should take new work now: false while ARM keeps failing (the circuit breaker
   * is open or half-open), true again once probe calls succeed.
   */
  @Override
  public boolean acceptingWork() {
    return transport.acceptingWork();
  }

  /** Called with the new value each time {@link #acceptingWork()} changes. */
  public void onAcceptingWorkChanged(Consumer<Boolean> listener) {
    breaker.onChange(listener);
  }

  // ---------------------------------------------------------------- compute and quota

  /**
   * Compares a node cap with the compute target ({@link ComputeCapacityReader#check}).
   *
   * @throws BackendException when the compute does not exist (USER) or ARM cannot answer
   */
  public ComputeCheck checkCompute(String computeName, int nodeCap) {
    return computes.check(computeName, nodeCap);
  }

  /** What a compute target can hold ({@link ComputeCapacityReader#read}). */
  public ComputeCapacity computeCapacity(String computeName) {
    return computes.read(computeName);
  }

  // ---------------------------------------------------------------- logs

  /**
   * The job's {@code user_logs/std_log.txt} in the workspace's artifact storage; it has ended once
   * ARM shows the job terminal (or no longer has it).
   */
  public JobLog log(String jobName) {
    try {
      Datastores.Store store = assets.datastores().named(Datastores.ARTIFACT_STORE);
      return new AzureMlJobLog(
          store.container().getBlobClient(AzureMlJobLog.blobName(jobName)),
          () -> {
            ArmResponse r = transport.execute(get(jobName));
            return r.status() == 404
                || (r.status() == 200
                    && AzureMlStatus.parse(r.body().at("/properties/status").asText(null))
                        .phase()
                        .isTerminal());
          });
    } catch (RuntimeException e) {
      throw ArmFailures.toBackendException(new JobRef("?", "?", 1, jobName), "log", e);
    }
  }

  // ---------------------------------------------------------------- evidence

  /** The evidence this process has of a job, if it has seen it. */
  public Optional<JobEvidence> evidence(JobRef job) {
    return observations.evidence(job);
  }

  @Override
  public void close() {
    breaker.close();
  }

  // ---------------------------------------------------------------- internals

  private TrackedJob track(JobRef ref) {
    return observations.track(ref);
  }

  private JobObservation observation(TrackedJob t, JsonNode job) {
    return observations.of(t, job);
  }

  private ArmRequest get(String jobName) {
    return new ArmRequest("job.get", "GET", paths.jobUrl(jobName), null);
  }

  private static int parseAttempt(String s) {
    try {
      return Math.max(1, Integer.parseInt(s));
    } catch (RuntimeException e) {
      return 1;
    }
  }
}
