package io.partitrain.worker.backend.azureml;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.core.http.policy.BearerTokenAuthenticationPolicy;
import com.azure.core.http.policy.RequestIdPolicy;
import com.azure.core.http.policy.UserAgentPolicy;
import com.azure.storage.blob.models.BlobStorageException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.partitrain.shared.contracts.ComputeCapacity;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobPhase;
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
import io.partitrain.worker.backend.azureml.internal.ArmAssetResolver;
import io.partitrain.worker.backend.azureml.internal.ArmCallException;
import io.partitrain.worker.backend.azureml.internal.ArmResponse;
import io.partitrain.worker.backend.azureml.internal.ArmTransport;
import io.partitrain.worker.backend.azureml.internal.BlobAccess;
import io.partitrain.worker.backend.azureml.internal.CodeAssets;
import io.partitrain.worker.backend.azureml.internal.Datastores;
import io.partitrain.worker.backend.azureml.internal.RunHistory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
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
  private final RunHistory runHistory;
  private final Datastores datastores;
  private final Clock clock;
  private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();
  private final Set<String> ensured = ConcurrentHashMap.newKeySet();
  private final Map<String, String> codeHashes = new ConcurrentHashMap<>();
  private final List<Consumer<Boolean>> acceptingListeners = new CopyOnWriteArrayList<>();
  private final ExecutorService prober;
  private final Counter created;
  private final Counter adopted;
  private volatile boolean lastAccepting = true;

  private AzureMlBackend(Builder b, HttpPipeline pipeline, BlobAccess blobs) {
    this.config = b.config;
    this.clock = b.clock;
    this.paths = new ArmPaths(config);
    this.transport = new ArmTransport(pipeline, config, b.meters, b.nanoTime);
    this.translator =
        new JobBodyTranslator(
            paths,
            new ArmAssetResolver(transport, paths),
            new CodeAssets(transport, paths, clock, b.uploaderId, blobs));
    this.renderer = new AzureMlRequestRenderer(config);
    this.runHistory = new RunHistory(transport, paths);
    this.datastores = new Datastores(transport, paths, blobs);
    this.prober =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "azureml-breaker-probe");
              t.setDaemon(true);
              return t;
            });
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
    transport
        .breaker()
        .getEventPublisher()
        .onStateTransition(e -> onBreakerTransition(e.getStateTransition()));
  }

  /** A builder for the backend of one workspace. */
  public static Builder builder(AzureMlConfig config) {
    return new Builder(config);
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
      throw toBackendException(ref, "submit", e);
    }
  }

  private SubmitResult getOrCreateOnce(JobRequest request) {
    JobRef ref = request.ref();
    ArmResponse existing = transport.execute(get(ref.jobName()));
    if (existing.status() == 200) {
      return new SubmitResult(adopt(request, existing.body()), false);
    }
    if (existing.status() != 404) {
      throw refused(ref, "GET", existing);
    }
    JobBodyTranslator.Translation t = translator.translate(request);
    for (ArmRequest prerequisite : t.prerequisites()) {
      ensure(ref, prerequisite);
    }
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
      Tracked job = track(ref);
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
    throw refused(ref, "PUT", answer);
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
      return codeHashes.computeIfAbsent(
          ref.runId() + "\u0000" + code, k -> CodeSnapshot.of("code", Path.of(code)).hash());
    } catch (RuntimeException e) {
      LOG.warn(
          "{} cannot hash code folder {} for the job's evidence: {}", ref, code, e.getMessage());
      return null;
    }
  }

  private JobObservation adopt(JobRequest request, JsonNode job) {
    requireTaggedAs(request.ref(), job);
    String wanted = JobSpecHash.of(request.spec());
    String there = tags(job).get(JobTags.SPEC);
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
    Map<String, String> tags = tags(job);
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

  private void ensure(JobRef ref, ArmRequest prerequisite) {
    if (ensured.contains(prerequisite.url())) {
      return;
    }
    ArmResponse r = transport.execute(prerequisite);
    if (!r.isSuccess() && r.status() != 409) {
      throw refused(ref, prerequisite.method(), r);
    }
    ensured.add(prerequisite.url());
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
        throw refused(job, "GET", r);
      }
      return Optional.of(observation(track(job), r.body()));
    } catch (RuntimeException e) {
      throw toBackendException(job, "observe", e);
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
        listRun(run.getKey(), listed);
      } catch (RuntimeException e) {
        listFailure = toBackendException(run.getValue().get(0), "list", e).getMessage();
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
          out.put(ref.jobName(), notObserved(ref, listFailure));
        } else {
          try {
            observe(ref).ifPresent(o -> out.put(ref.jobName(), o));
          } catch (BackendException e) {
            out.put(ref.jobName(), notObserved(ref, e.getMessage()));
          }
        }
      }
    }
    return out;
  }

  /** A job whose call failed this round: keep watching, and say why in the heartbeat. */
  private JobObservation notObserved(JobRef ref, String why) {
    Tracked t = track(ref);
    synchronized (t) {
      return new JobObservation(
          ref.jobName(),
          JobPhase.UNKNOWN,
          t.lastWire,
          null,
          "not observed this round: " + why,
          t.startedAt,
          null,
          null,
          t.studioUrl,
          t.armId,
          Map.of());
    }
  }

  /** All jobs of a run, by name, following nextLink. */
  Map<String, JsonNode> listRun(String runId) {
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    listRun(runId, byName);
    return byName;
  }

  /** Adds the run's jobs page by page; what was read stays in {@code byName} if a page fails. */
  private void listRun(String runId, Map<String, JsonNode> byName) {
    String url = paths.listByTagUrl(JobTags.runKey(runId));
    int pages = 0;
    while (url != null) {
      ArmResponse page = transport.execute(new ArmRequest("job.list", "GET", url, null));
      if (page.status() != 200) {
        throw new ArmCallException(
            ArmCallException.Kind.REFUSED,
            page.status(),
            "[run="
                + runId
                + "] listing jobs answered "
                + page.status()
                + " "
                + ArmTransport.armError(page.body()),
            null,
            null);
      }
      for (JsonNode job : page.body().path("value")) {
        if (runId.equals(tags(job).get(JobTags.RUN))) {
          byName.put(job.path("name").asText(), job);
        }
      }
      JsonNode next = page.body().get("nextLink");
      url = next == null || next.isNull() || next.asText().isBlank() ? null : next.asText();
      if (++pages > 10_000) {
        throw new ArmCallException(
            ArmCallException.Kind.REFUSED,
            0,
            "[run=" + runId + "] listing jobs did not end after 10000 pages",
            null,
            null);
      }
    }
  }

  // ---------------------------------------------------------------- cancel

  @Override
  public void cancel(JobRef job) {
    cancelRequest(job);
  }

  /** Cancels and waits until ARM's long-running operation ends, honoring Retry-After. */
  public void cancelAndWait(JobRef job, Duration maxWait) {
    String location = cancelRequest(job);
    if (location == null) {
      return;
    }
    Instant deadline = clock.instant().plus(maxWait);
    try {
      while (clock.instant().isBefore(deadline)) {
        ArmResponse poll =
            transport.execute(new ArmRequest("job.cancel.poll", "GET", location, null));
        if (poll.status() != 202) {
          return;
        }
        Duration wait = retryAfterOf(poll);
        LockSupport.parkNanos(
            Math.min(wait.toNanos(), Duration.between(clock.instant(), deadline).toNanos()));
      }
      throw BackendException.retriable(
          job + " cancel of " + job.jobName() + " did not finish within " + maxWait, null);
    } catch (BackendException e) {
      throw e;
    } catch (RuntimeException e) {
      throw toBackendException(job, "cancel", e);
    }
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
      throw toBackendException(new JobRef(runId, "*", 1, "*"), "cancel run", e);
    }
    for (Map.Entry<String, JsonNode> e : jobs.entrySet()) {
      if (AzureMlStatus.parse(e.getValue().at("/properties/status").asText(null))
          .phase()
          .isTerminal()) {
        continue;
      }
      Map<String, String> tags = tags(e.getValue());
      int attempt = parseAttempt(tags.get(JobTags.ATTEMPT));
      cancel(new JobRef(runId, tags.getOrDefault(JobTags.PARTITION, "?"), attempt, e.getKey()));
      canceled.add(e.getKey());
    }
    LOG.info("[run={}] asked Azure ML to cancel {} in-flight jobs", runId, canceled.size());
    return canceled;
  }

  private String cancelRequest(JobRef job) {
    Tracked t = track(job);
    t.canceledByUs = true;
    try {
      ArmResponse r =
          transport.execute(
              new ArmRequest("job.cancel", "POST", paths.cancelUrl(job.jobName()), null));
      if (r.status() == 202 || r.status() == 200) {
        LOG.info("{} cancel of {} accepted ({})", job, job.jobName(), r.status());
        String location = r.header("location");
        if (location != null) {
          transport.requireArmUrl(location);
        }
        return r.status() == 202 ? location : null;
      }
      if (r.status() == 404 || r.status() == 409 || r.status() == 400) {
        LOG.info(
            "{} cancel of {}: nothing to cancel ({} {})",
            job,
            job.jobName(),
            r.status(),
            ArmTransport.armError(r.body()));
        return null;
      }
      throw refused(job, "POST cancel", r);
    } catch (RuntimeException e) {
      throw toBackendException(job, "cancel", e);
    }
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
    acceptingListeners.add(Objects.requireNonNull(listener));
  }

  private void onBreakerTransition(CircuitBreaker.StateTransition transition) {
    LOG.warn("ARM circuit breaker {}", transition);
    boolean now = transport.acceptingWork();
    if (transition.getToState() == CircuitBreaker.State.HALF_OPEN) {
      prober.execute(this::probe);
    }
    if (now != lastAccepting) {
      lastAccepting = now;
      LOG.warn(now ? "ARM answers again: taking new work" : "ARM keeps failing: pausing new work");
      for (Consumer<Boolean> l : acceptingListeners) {
        l.accept(now);
      }
    }
  }

  /** Cheap reads through the breaker while half-open: their success closes it. */
  private void probe() {
    for (int i = 0; i < config.breakerHalfOpenCalls(); i++) {
      if (transport.breaker().getState() != CircuitBreaker.State.HALF_OPEN) {
        return;
      }
      try {
        transport.executeOnce(
            new ArmRequest("probe", "GET", paths.listByTagUrl("partitrain.probe"), null));
      } catch (RuntimeException e) {
        LOG.debug("ARM probe failed: {}", e.getMessage());
      }
    }
  }

  // ---------------------------------------------------------------- compute and quota

  /**
   * Compares a node cap with the compute target: its {@code maxNodeCount} and VM size, and the
   * subscription's vCPU quota for the VM family in its region. Run before a run starts; a cap that
   * does not fit is a warning (or, if the operator says so, a refusal).
   *
   * @throws BackendException when the compute does not exist (USER) or ARM cannot answer
   */
  public ComputeCheck checkCompute(String computeName, int nodeCap) {
    ComputeCheck check = ComputeCheck.of(computeCapacity(computeName), nodeCap);
    check.problems().forEach(problem -> LOG.warn("compute check: {}", problem));
    return check;
  }

  /**
   * What a compute target can hold: the cluster's VM size and {@code maxNodeCount}, and the free
   * vCPU quota of its VM family in its region. A compute that is not AmlCompute (Kubernetes,
   * serverless) comes back without them: it has nothing to compare.
   *
   * @throws BackendException USER when the compute does not exist; else as any ARM call
   */
  public ComputeCapacity computeCapacity(String computeName) {
    JobRef ref = new JobRef("(check)", computeName, 1, computeName);
    try {
      ArmResponse c =
          transport.execute(
              new ArmRequest("compute.get", "GET", paths.computeUrl(computeName), null));
      if (c.status() == 404) {
        throw BackendException.rejected(
            "compute "
                + computeName
                + " does not exist in workspace "
                + config.workspace()
                + " (az ml compute list)",
            FailureClass.USER,
            null);
      }
      if (c.status() != 200) {
        throw refused(ref, "GET compute", c);
      }
      JsonNode p = c.body().path("properties");
      String type = p.path("computeType").asText(null);
      if (!"AmlCompute".equals(type)) {
        LOG.info(
            "compute {} is {}, not AmlCompute: no node count or quota to compare",
            computeName,
            type);
        return new ComputeCapacity(computeName, type, null, -1, -1, null, -1, -1, clock.instant());
      }
      String vmSize = p.at("/properties/vmSize").asText(null);
      int maxNodes = p.at("/properties/scaleSettings/maxNodeCount").asInt(-1);
      String location = c.body().path("location").asText(null);
      String family = null;
      int vcpus = -1;
      long limit = -1;
      long used = -1;
      if (location != null && vmSize != null) {
        ArmResponse sizes =
            transport.execute(
                new ArmRequest("compute.vmSizes", "GET", paths.vmSizesUrl(location), null));
        for (JsonNode s : listed(sizes)) {
          if (vmSize.equalsIgnoreCase(s.path("name").asText())) {
            family = s.path("family").asText(null);
            vcpus = s.path("vCPUs").asInt(-1);
          }
        }
        if (family != null) {
          ArmResponse usages =
              transport.execute(
                  new ArmRequest("compute.usages", "GET", paths.usagesUrl(location), null));
          for (JsonNode u : listed(usages)) {
            if (family.equalsIgnoreCase(u.at("/name/value").asText())) {
              limit = u.path("limit").asLong(-1);
              used = u.path("currentValue").asLong(-1);
            }
          }
        }
      }
      return new ComputeCapacity(
          computeName, type, vmSize, maxNodes, vcpus, family, limit, used, clock.instant());
    } catch (RuntimeException e) {
      throw toBackendException(ref, "compute check", e);
    }
  }

  /** A list answer's items; none when the call did not answer 200 (the check then says less). */
  private static Iterable<JsonNode> listed(ArmResponse r) {
    return r.status() == 200 && r.body() != null ? r.body().path("value") : List.of();
  }

  // ---------------------------------------------------------------- logs

  /**
   * The job's {@code user_logs/std_log.txt} in the workspace's artifact storage; it has ended once
   * ARM shows the job terminal (or no longer has it).
   */
  public JobLog log(String jobName) {
    try {
      Datastores.Store store = datastores.named(Datastores.ARTIFACT_STORE);
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
      throw toBackendException(new JobRef("?", "?", 1, jobName), "log", e);
    }
  }

  // ---------------------------------------------------------------- evidence

  /** The evidence this process has of a job, if it has seen it. */
  public Optional<JobEvidence> evidence(JobRef job) {
    Tracked t = tracked.get(job.jobName());
    if (t == null) {
      return Optional.empty();
    }
    synchronized (t) {
      return Optional.of(new JobEvidence(job.jobName(), t.armId, t.studioUrl, t.history));
    }
  }

  @Override
  public void close() {
    prober.shutdownNow();
  }

  // ---------------------------------------------------------------- internals

  private ArmRequest get(String jobName) {
    return new ArmRequest("job.get", "GET", paths.jobUrl(jobName), null);
  }

  private Tracked track(JobRef ref) {
    return tracked.computeIfAbsent(ref.jobName(), k -> new Tracked(ref));
  }

  private JobObservation observation(Tracked t, JsonNode job) {
    String wire = job.at("/properties/status").asText(null);
    AzureMlStatus status = AzureMlStatus.parse(wire);
    RunHistory.Details details = status.phase().isTerminal() ? terminalDetails(t) : null;
    Instant now = clock.instant();
    synchronized (t) {
      t.armId = job.hasNonNull("id") ? job.get("id").asText() : paths.jobId(t.ref.jobName());
      String studio = job.at("/properties/services/Studio/endpoint").asText(null);
      t.studioUrl = studio != null ? studio : paths.studioUrl(t.ref.jobName());
      t.timeout = timeoutOf(job);
      if (wire != null && !wire.equals(t.lastWire)) {
        t.history.add(new JobEvidence.StatusChange(wire, now));
        t.lastWire = wire;
      }
      if (status.meansCodeRan()) {
        t.ran = true;
      }
      if (status.startsBillableTime() && t.startedAt == null) {
        t.startedAt = now;
      }
      if (status.phase() == JobPhase.UNKNOWN && t.loggedUnknown.add(String.valueOf(wire))) {
        LOG.info(
            "{} job {} shows status '{}' ({}); watching on",
            t.ref,
            t.ref.jobName(),
            wire,
            status == AzureMlStatus.UNRECOGNIZED
                ? "a value this version does not know"
                : "no change");
      }
      if (status.phase().isTerminal() && t.finishedAt == null) {
        t.finishedAt = now;
      }
      Instant started =
          details != null && details.startTime() != null ? details.startTime() : t.startedAt;
      Instant finished =
          details != null && details.endTime() != null ? details.endTime() : t.finishedAt;
      FailureClass fc = failureClass(t, status, details, started, finished);
      return new JobObservation(
          t.ref.jobName(),
          status.phase(),
          wire,
          fc,
          status.phase().isTerminal() && status != AzureMlStatus.COMPLETED
              ? failureMessage(wire, fc, details)
              : null,
          started,
          status.phase().isTerminal() ? finished : null,
          logUri(t.ref.jobName()),
          t.studioUrl,
          t.armId,
          Map.of());
    }
  }

  /** Where the job's log is: the artifact store's datastore URI ({@code job logs} reads it). */
  static String logUri(String jobName) {
    return "azureml://datastores/"
        + Datastores.ARTIFACT_STORE
        + "/paths/"
        + AzureMlJobLog.blobName(jobName);
  }

  /** The run-history record of a terminal job, read once per job. */
  private RunHistory.Details terminalDetails(Tracked t) {
    if (!t.detailsRead) {
      t.details = runHistory.details(t.ref.jobName()).orElse(null);
      t.detailsRead = true;
    }
    return t.details;
  }

  private static String failureMessage(String wire, FailureClass fc, RunHistory.Details d) {
    String base = "Azure ML status " + wire + (fc == null ? "" : " (" + fc + ")");
    if (d == null || d.errorCode() == null) {
      return base;
    }
    String msg = d.errorMessage() == null ? "" : ": " + d.errorMessage();
    if (msg.length() > 300) {
      msg = msg.substring(0, 300) + "...";
    }
    return base + ", error " + d.errorCode() + msg;
  }

  private static Duration timeoutOf(JsonNode job) {
    String iso = job.at("/properties/limits/timeout").asText(null);
    try {
      return iso == null ? null : Duration.parse(iso);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * The failure class of a terminal job, from the service's own record where it has one:
   *
   * <ul>
   *   <li>canceled because this process asked: CANCELED;
   *   <li>failed or canceled after running for its whole {@code limits.timeout} (the service
   *       cancels a job at its timeout): TIMEOUT;
   *   <li>failed with error code {@code UserError}: USER; {@code SystemError} / {@code
   *       ServiceError}: INFRA;
   *   <li>otherwise failed after it ran (seen Running here, or a start time in the run history):
   *       USER; failed before it ran, NotResponding, or canceled by someone else: INFRA.
   * </ul>
   */
  static FailureClass failureClass(
      Tracked t, AzureMlStatus status, RunHistory.Details d, Instant started, Instant finished) {
    boolean ran = t.ran || (d != null && d.startTime() != null);
    return switch (status) {
      case FAILED -> {
        if (ranForItsTimeout(t.timeout, ran, started, finished)) {
          yield FailureClass.TIMEOUT;
        }
        String code = d == null ? null : d.errorCode();
        if ("UserError".equalsIgnoreCase(code)) {
          yield FailureClass.USER;
        }
        if ("SystemError".equalsIgnoreCase(code) || "ServiceError".equalsIgnoreCase(code)) {
          yield FailureClass.INFRA;
        }
        yield ran ? FailureClass.USER : FailureClass.INFRA;
      }
      case NOT_RESPONDING -> FailureClass.INFRA;
      case CANCELED, CANCEL_REQUESTED -> {
        if (t.canceledByUs) {
          yield FailureClass.CANCELED;
        }
        yield ranForItsTimeout(t.timeout, ran, started, finished)
            ? FailureClass.TIMEOUT
            : FailureClass.INFRA;
      }
      default -> null;
    };
  }

  /** Ran at least its timeout (less 1% for clock skew between the service's stamps). */
  private static boolean ranForItsTimeout(
      Duration timeout, boolean ran, Instant started, Instant finished) {
    if (timeout == null || !ran || started == null || finished == null) {
      return false;
    }
    Duration ranFor = Duration.between(started, finished);
    return ranFor.compareTo(timeout.minus(timeout.dividedBy(100))) >= 0;
  }

  private static Map<String, String> tags(JsonNode job) {
    Map<String, String> tags = new LinkedHashMap<>();
    job.at("/properties/tags")
        .fields()
        .forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
    return tags;
  }

  private static int parseAttempt(String s) {
    try {
      return Math.max(1, Integer.parseInt(s));
    } catch (RuntimeException e) {
      return 1;
    }
  }

  private Duration retryAfterOf(ArmResponse r) {
    return ArmTransport.retryAfter(r.headers(), config.throttleMaxWait());
  }

  private ArmCallException refused(JobRef ref, String what, ArmResponse r) {
    return new ArmCallException(
        ArmCallException.Kind.REFUSED,
        r.status(),
        ref
            + " ARM "
            + what
            + " "
            + ref.jobName()
            + " answered "
            + r.status()
            + " "
            + ArmTransport.armError(r.body()),
        null,
        null);
  }

  private BackendException toBackendException(JobRef ref, String what, RuntimeException e) {
    if (e instanceof BackendException b) {
      return b;
    }
    if (e instanceof CallNotPermittedException) {
      return BackendException.retriable(
          ref
              + " "
              + what
              + " not tried: the ARM circuit breaker is open "
              + "(ARM kept failing); work pauses until a probe succeeds",
          e);
    }
    if (e instanceof AzureMlTranslationException t) {
      return BackendException.rejected(ref + " " + t.getMessage(), FailureClass.USER, t);
    }
    if (e instanceof ArmCallException a) {
      String msg = a.getMessage().startsWith("[") ? a.getMessage() : ref + " " + a.getMessage();
      return switch (a.kind()) {
        case THROTTLED -> BackendException.throttled(msg, a.retryAfter());
        case TRANSIENT -> BackendException.retriable(msg, a);
        case REFUSED ->
            BackendException.rejected(
                msg,
                a.status() == 400 || a.status() == 409 ? FailureClass.USER : FailureClass.INFRA,
                a);
      };
    }
    if (e instanceof BlobStorageException b) {
      // Status and code only: the exception's own message may carry a SAS URL.
      return BackendException.retriable(
          ref
              + " "
              + what
              + " failed: blob storage answered "
              + b.getStatusCode()
              + " "
              + b.getErrorCode()
              + (b.getStatusCode() == 403
                  ? " (the worker's identity needs Storage Blob Data Contributor on the"
                      + " datastore's container, or the datastore's secret is wrong)"
                  : ""),
          null);
    }
    return BackendException.retriable(
        ref + " " + what + " failed: " + e.getClass().getSimpleName(), e);
  }

  /** What this process knows of one job beyond ARM's answer. */
  static final class Tracked {
    final JobRef ref;
    final List<JobEvidence.StatusChange> history = new ArrayList<>();
    final Set<String> loggedUnknown = ConcurrentHashMap.newKeySet();
    volatile boolean canceledByUs;
    String lastWire;
    boolean ran;
    Instant startedAt;
    Instant finishedAt;
    Duration timeout;
    volatile boolean detailsRead;
    volatile RunHistory.Details details;
    String armId;
    String studioUrl;

    Tracked(JobRef ref) {
      this.ref = ref;
    }
  }

  /** Builds an {@link AzureMlBackend}; everything but the config has a production default. */
  public static final class Builder {
    private final AzureMlConfig config;
    private TokenCredential credential;
    private HttpClient httpClient;
    private MeterRegistry meters = new SimpleMeterRegistry();
    private Clock clock = Clock.systemUTC();
    private LongSupplier nanoTime = System::nanoTime;
    private String blobEndpoint;
    private String uploaderId =
        "partitrain-" + ProcessHandle.current().pid() + "-" + java.util.UUID.randomUUID();

    private Builder(AzureMlConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /** Defaults to {@link AzureMlCredentials#create}. */
    public Builder credential(TokenCredential v) {
      credential = v;
      return this;
    }

    /** Defaults to a Netty client with the configured response timeout. */
    public Builder httpClient(HttpClient v) {
      httpClient = v;
      return this;
    }

    public Builder meterRegistry(MeterRegistry v) {
      meters = Objects.requireNonNull(v);
      return this;
    }

    public Builder clock(Clock v) {
      clock = Objects.requireNonNull(v);
      return this;
    }

    /**
     * The default datastore's blob endpoint, for a storage emulator (Azurite); default: the
     * datastore's own {@code https://ACCOUNT.blob.ENDPOINT}.
     */
    public Builder blobEndpoint(String v) {
      blobEndpoint = v;
      return this;
    }

    /**
     * Who this process is in an upload claim (default: pid and a random UUID, unique per process).
     */
    public Builder uploaderId(String v) {
      uploaderId = Objects.requireNonNull(v);
      return this;
    }

    /** The time source of the rate limiters. */
    public Builder nanoTime(LongSupplier v) {
      nanoTime = Objects.requireNonNull(v);
      return this;
    }

    public AzureMlBackend build() {
      TokenCredential cred = credential != null ? credential : AzureMlCredentials.create(config);
      HttpClient http =
          httpClient != null
              ? httpClient
              : new NettyAsyncHttpClientBuilder().responseTimeout(config.responseTimeout()).build();
      HttpPipeline pipeline =
          new HttpPipelineBuilder()
              .httpClient(http)
              .policies(
                  new UserAgentPolicy("partitrain-azureml"),
                  new RequestIdPolicy(),
                  new BearerTokenAuthenticationPolicy(cred, config.tokenScope()))
              .build();
      // Storage shares the identity (identity-based datastores) and, when one was given, the
      // client.
      return new AzureMlBackend(this, pipeline, new BlobAccess(cred, httpClient, blobEndpoint));
    }
  }
}
