package io.partitrain.worker.backend.azureml;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.core.http.policy.BearerTokenAuthenticationPolicy;
import com.azure.core.http.policy.RequestIdPolicy;
import com.azure.core.http.policy.UserAgentPolicy;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.JobSpecHash;
import io.partitrain.worker.backend.BackendException;
import io.partitrain.worker.backend.JobBackend;
import io.partitrain.worker.backend.JobObservation;
import io.partitrain.worker.backend.JobRef;
import io.partitrain.worker.backend.JobRequest;
import io.partitrain.worker.backend.SubmitResult;
import io.partitrain.worker.backend.azureml.internal.ArmAssetResolver;
import io.partitrain.worker.backend.azureml.internal.ArmCallException;
import io.partitrain.worker.backend.azureml.internal.ArmResponse;
import io.partitrain.worker.backend.azureml.internal.ArmTransport;
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
 *       {@code nextLink}) instead of one GET per job; jobs the list misses get a GET.
 *   <li><b>cancel</b> is ARM's long-running POST (202 + Location); {@link #cancelAndWait} polls the
 *       Location honoring Retry-After.
 * </ul>
 *
 * <p>Biggest advantage: everything ARM rate-limits goes through one token bucket per ARM bucket and
 * one circuit breaker, and the breaker state is visible ({@link #acceptingWork()}), so a worker
 * stops taking partitions while ARM is down instead of burning their attempts. Biggest limitation:
 * "canceled by us" and the status history live in this process; a job adopted after a restart, or
 * canceled by another replica, is classified from what this process saw.
 */
public final class AzureMlBackend implements JobBackend {

  public static final String NAME = "azureml";
  private static final Logger LOG = LoggerFactory.getLogger(AzureMlBackend.class);

  private final AzureMlConfig config;
  private final ArmPaths paths;
  private final ArmTransport transport;
  private final JobBodyTranslator translator;
  private final AzureMlRequestRenderer renderer;
  private final Clock clock;
  private final Retry getOrCreateRetry;
  private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();
  private final Set<String> ensured = ConcurrentHashMap.newKeySet();
  private final List<Consumer<Boolean>> acceptingListeners = new CopyOnWriteArrayList<>();
  private final ExecutorService prober;
  private final Counter created;
  private final Counter adopted;
  private volatile boolean lastAccepting = true;

  private AzureMlBackend(Builder b, HttpPipeline pipeline) {
    this.config = b.config;
    this.clock = b.clock;
    this.paths = new ArmPaths(config);
    this.transport = new ArmTransport(pipeline, config, b.meters, b.nanoTime);
    this.translator = new JobBodyTranslator(paths, new ArmAssetResolver(transport, paths));
    this.renderer = new AzureMlRequestRenderer(config);
    this.getOrCreateRetry =
        Retry.of(
            "azureml-get-or-create",
            RetryConfig.custom()
                .maxAttempts(config.transientMaxAttempts())
                .retryOnException(
                    e ->
                        e instanceof ArmCallException a
                            && a.kind() == ArmCallException.Kind.TRANSIENT)
                .intervalFunction(
                    IntervalFunction.ofExponentialRandomBackoff(
                        config.transientInitialBackoff(), 2.0, 0.5, config.transientMaxBackoff()))
                .build());
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

  // ---------------------------------------------------------------- submit

  @Override
  public SubmitResult submit(JobRequest request) {
    JobRef ref = request.ref();
    try {
      SubmitResult result =
          Retry.decorateSupplier(getOrCreateRetry, () -> getOrCreateOnce(request)).get();
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
    ArmResponse answer = transport.executeWithoutTransientRetry(put);
    if (answer.status() == 201 || answer.status() == 200) {
      Tracked job = track(ref);
      job.canceledByUs = false;
      return new SubmitResult(observation(job, answer.body()), answer.status() == 201);
    }
    if (answer.status() >= 400
        && answer.status() < 500
        && answer.status() != 401
        && answer.status() != 403) {
      // 409, or a 400 for a name taken meanwhile (a concurrent submit by another worker): the job
      // that exists now is adopted if it is ours, never created a second time.
      ArmResponse again = transport.execute(get(ref.jobName()));
      if (again.status() == 200) {
        return new SubmitResult(adopt(request, again.body()), false);
      }
    }
    throw refused(ref, "PUT", answer);
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
   * One paged list per run ({@code GET .../jobs?tag=partitrain.run.RUN}, following {@code
   * nextLink}), then a GET for each job the list did not return (a list index lags creation).
   */
  @Override
  public Map<String, JobObservation> observeAll(Collection<JobRef> jobs) {
    Map<String, JobObservation> out = new LinkedHashMap<>();
    Map<String, List<JobRef>> byRun = new LinkedHashMap<>();
    for (JobRef j : jobs) {
      byRun.computeIfAbsent(j.runId(), k -> new ArrayList<>()).add(j);
    }
    for (Map.Entry<String, List<JobRef>> run : byRun.entrySet()) {
      Map<String, JsonNode> listed;
      try {
        listed = listRun(run.getKey());
      } catch (RuntimeException e) {
        LOG.warn(
            "[run={}] listing jobs failed ({}); falling back to one GET per job",
            run.getKey(),
            e.getMessage());
        listed = Map.of();
      }
      for (JobRef ref : run.getValue()) {
        JsonNode job = listed.get(ref.jobName());
        if (job != null) {
          out.put(ref.jobName(), observation(track(ref), job));
        } else {
          observe(ref).ifPresent(o -> out.put(ref.jobName(), o));
        }
      }
    }
    return out;
  }

  /** All jobs of a run, by name, following nextLink. */
  Map<String, JsonNode> listRun(String runId) {
    Map<String, JsonNode> byName = new LinkedHashMap<>();
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
    return byName;
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
    Instant now = clock.instant();
    synchronized (t) {
      t.armId = job.hasNonNull("id") ? job.get("id").asText() : paths.jobId(t.ref.jobName());
      String studio = job.at("/properties/services/Studio/endpoint").asText(null);
      t.studioUrl = studio != null ? studio : paths.studioUrl(t.ref.jobName());
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
      FailureClass fc = failureClass(t, status);
      String message =
          status.phase().isTerminal() && status != AzureMlStatus.COMPLETED
              ? "Azure ML status " + wire + (fc == null ? "" : " (" + fc + ")")
              : null;
      return new JobObservation(
          t.ref.jobName(),
          status.phase(),
          wire,
          fc,
          message,
          t.startedAt,
          status.phase().isTerminal() ? t.finishedAt : null,
          null,
          t.studioUrl,
          t.armId,
          Map.of());
    }
  }

  /**
   * INFRA for a job that failed before it ever ran, went NotResponding, or was canceled without our
   * asking; USER for a job that failed while running; CANCELED when we asked.
   */
  static FailureClass failureClass(Tracked t, AzureMlStatus status) {
    return switch (status) {
      case FAILED -> t.ran ? FailureClass.USER : FailureClass.INFRA;
      case NOT_RESPONDING -> FailureClass.INFRA;
      case CANCELED, CANCEL_REQUESTED ->
          t.canceledByUs ? FailureClass.CANCELED : FailureClass.INFRA;
      default -> null;
    };
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
      return new AzureMlBackend(this, pipeline);
    }
  }
}
