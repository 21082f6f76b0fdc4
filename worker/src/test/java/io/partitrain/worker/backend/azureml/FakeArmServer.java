package io.partitrain.worker.backend.azureml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake of the ARM Jobs API of one workspace, over HTTPS with a certificate made at test start.
 *
 * <p>It serves Jobs PUT/GET/list(tag, nextLink paging)/cancel (202 + Location + Retry-After, then
 * an operation to poll), {@code @latest} lookups and environment-version PUT/GET (the PUT body
 * checked against {@code EnvironmentVersionResource} of the more-assets excerpt). Every PUT body is
 * checked against the OpenAPI excerpt and refused with 400 when it breaks a rule; answers have the
 * shape of the official examples. Jobs move through statuses on a {@link JobScript} in "ARM
 * seconds"; {@link #timeScale} ARM seconds pass per real second, and ARM's token buckets (429 +
 * Retry-After, plus {@code x-ms-retry-after-ms} in real milliseconds) run on the same scaled time.
 * Faults: a 5xx storm, lost answers (applied, then the connection dropped), slow answers.
 */
final class FakeArmServer implements AutoCloseable {

  static final String TOKEN = "fake-arm-token-7f3c9a-never-log-me";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WS_PATH =
      "/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/"
          + "Microsoft\\.MachineLearningServices/workspaces/([^/]+)";
  private static final Pattern JOBS = Pattern.compile("^" + WS_PATH + "/jobs$");
  private static final Pattern JOB = Pattern.compile("^" + WS_PATH + "/jobs/([^/]+)$");
  private static final Pattern CANCEL = Pattern.compile("^" + WS_PATH + "/jobs/([^/]+)/cancel$");
  private static final Pattern OPERATION =
      Pattern.compile("^" + WS_PATH + "/operationResults/cancel-([^/]+)$");
  private static final Pattern VERSIONS =
      Pattern.compile("^" + WS_PATH + "/(environments|data|codes|models)/([^/]+)/versions$");
  private static final Pattern VERSION =
      Pattern.compile(
          "^" + WS_PATH + "/(environments|data|codes|models)/([^/]+)/versions/([^/]+)$");
  private static final Pattern WORKSPACE = Pattern.compile("^" + WS_PATH + "$");
  private static final Pattern HISTORY =
      Pattern.compile("^/history/v1\\.0" + WS_PATH + "/runs/([^/]+)$");
  private static final Pattern PENDING_UPLOAD =
      Pattern.compile("^" + WS_PATH + "/codes/([^/]+)/versions/([^/]+)/startPendingUpload$");
  private static final Pattern DATASTORES = Pattern.compile("^" + WS_PATH + "/datastores$");
  private static final Pattern DATASTORE_SECRETS =
      Pattern.compile("^" + WS_PATH + "/datastores/([^/]+)/listSecrets$");
  private static final Pattern DATASTORE = Pattern.compile("^" + WS_PATH + "/datastores/([^/]+)$");
  private static final Pattern COMPUTE = Pattern.compile("^" + WS_PATH + "/computes/([^/]+)$");
  private static final Pattern LOCATION_LIST =
      Pattern.compile(
          "^/subscriptions/([^/]+)/providers/Microsoft\\.MachineLearningServices/locations/([^/]+)"
              + "/(vmSizes|usages)$");
  private static final Pattern NAME_RULE = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9\\-_]{0,254}$");

  /**
   * Statuses a job goes through, each for some ARM seconds, ending in a terminal one; {@code
   * errorCode} is what the run history says of a failed job (null: no error record).
   */
  record JobScript(List<Step> steps, String last, String errorCode) {
    JobScript(List<Step> steps, String last) {
      this(steps, last, null);
    }

    JobScript withError(String code) {
      return new JobScript(steps, last, code);
    }

    /** ARM seconds from creation to the first Running status; -1 if it never runs. */
    double runningAfter() {
      double t = 0;
      for (Step s : steps) {
        if (s.status().equals("Running")) {
          return t;
        }
        t += s.armSeconds();
      }
      return -1;
    }

    double totalSeconds() {
      return steps.stream().mapToDouble(Step::armSeconds).sum();
    }

    record Step(String status, double armSeconds) {}

    static JobScript of(String last, Object... statusAndSeconds) {
      List<Step> steps = new ArrayList<>();
      for (int i = 0; i < statusAndSeconds.length; i += 2) {
        steps.add(
            new Step(
                (String) statusAndSeconds[i], ((Number) statusAndSeconds[i + 1]).doubleValue()));
      }
      return new JobScript(steps, last);
    }

    static final JobScript COMPLETES =
        of(
            "Completed",
            "NotStarted",
            1,
            "Queued",
            2,
            "Preparing",
            1,
            "Running",
            5,
            "Finalizing",
            1);
    static final JobScript FAILS_WHILE_RUNNING =
        of("Failed", "NotStarted", 1, "Queued", 1, "Running", 3);
    static final JobScript FAILS_BEFORE_RUNNING = of("Failed", "NotStarted", 1, "Queued", 2);
    static final JobScript NOT_RESPONDING = of("NotResponding", "NotStarted", 1, "Running", 2);
    static final JobScript STUCK_UNKNOWN = of("Unknown", "NotStarted", 1);
    static final JobScript RUNS_LONG = of("Completed", "NotStarted", 1, "Running", 1e9);

    String statusAt(double elapsed) {
      double t = 0;
      for (Step s : steps) {
        t += s.armSeconds();
        if (elapsed < t) {
          return s.status();
        }
      }
      return last;
    }
  }

  /** ARM's per-subscription token bucket, on scaled time. */
  final class Bucket {
    final int burst;
    final double perArmSecond;
    double tokens;
    long last = armNanos();

    Bucket(int burst, double perArmSecond) {
      this.burst = burst;
      this.perArmSecond = perArmSecond;
      this.tokens = burst;
    }

    /** The wait in ARM nanos, or 0 when a token was taken. */
    synchronized long take() {
      long now = armNanos();
      tokens = Math.min(burst, tokens + (now - last) / 1e9 * perArmSecond);
      last = now;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return (long) Math.ceil((1 - tokens) / perArmSecond * 1e9);
    }

    synchronized long remaining() {
      return (long) Math.floor(tokens);
    }
  }

  final class FakeJob {
    final String name;
    final ObjectNode properties;
    final long createdAt = armNanos();
    final Instant createdInstant = Instant.now();
    final JobScript script;
    volatile long cancelAt = -1;
    volatile String statusAtCancel;

    /** The run-history record: the service's own start/end times (in ARM time) and error. */
    ObjectNode history() {
      ObjectNode h = JSON.createObjectNode();
      h.put("runId", name);
      String status = status();
      h.put("status", status);
      double runningAfter = script.runningAfter();
      double elapsed = (armNanos() - createdAt) / 1e9;
      double end =
          cancelAt >= 0 ? (cancelAt - createdAt) / 1e9 + cancelArmSeconds : script.totalSeconds();
      if (runningAfter >= 0 && elapsed >= runningAfter && runningAfter < end) {
        h.put("startTimeUtc", armTime(runningAfter).toString());
      }
      if (isTerminal(status)) {
        h.put("endTimeUtc", armTime(end).toString());
        if (script.errorCode() != null && !status.equals("Completed")) {
          ObjectNode err = h.putObject("error").putObject("error");
          err.put("code", script.errorCode());
          err.put("message", "injected " + script.errorCode());
        }
      }
      return h;
    }

    /** A time stamp in ARM time: the service's clock, where a job's seconds are ARM seconds. */
    private Instant armTime(double armSeconds) {
      return createdInstant.plusNanos((long) (armSeconds * 1e9));
    }

    FakeJob(String name, ObjectNode properties, JobScript script) {
      this.name = name;
      this.properties = properties;
      this.script = script;
    }

    /**
     * The status ARM answers. While the service writes logs, a finished job stays {@code
     * Finalizing} until its last log line is in the artifact store, as the real service uploads the
     * logs before the job turns terminal.
     */
    String status() {
      String s = rawStatus();
      return writeLogs && storage != null && isTerminal(s) && !logsEnded.contains(name)
          ? "Finalizing"
          : s;
    }

    /** The status the job's script says, whatever its logs. */
    String rawStatus() {
      long now = armNanos();
      if (cancelAt >= 0 && !isTerminal(statusAtCancel)) {
        return (now - cancelAt) / 1e9 < cancelArmSeconds ? "CancelRequested" : "Canceled";
      }
      return script.statusAt((now - createdAt) / 1e9);
    }
  }

  private final HttpsServer server;
  private final ExecutorService executor;
  private final OpenApiValidator openApi = OpenApiValidator.load();
  private final OpenApiValidator assetsApi = OpenApiValidator.loadAssets();
  private final OpenApiValidator moreAssetsApi = OpenApiValidator.loadMoreAssets();

  /** The workspace's storage: where startPendingUpload points uploads (null: not served). */
  volatile Azurite storage;

  /**
   * The container pending uploads go to (the workspace's default datastore's container): one per
   * fake, as each workspace has its own storage.
   */
  final String uploadContainer =
      "azureml-blobstore-" + java.util.UUID.randomUUID().toString().substring(0, 8);

  /** Code versions by {@code name:version}: the resource as ARM answers it. */
  final Map<String, ObjectNode> codeVersions = new ConcurrentHashMap<>();

  static final String ARTIFACT_STORE = "workspaceartifactstore";

  /** The artifact store's container ({@code azureml} in a real workspace; one per fake here). */
  final String artifactContainer =
      "azureml-" + java.util.UUID.randomUUID().toString().substring(0, 8);

  /**
   * While true (and {@link #storage} is set), the service writes each job's {@code
   * user_logs/std_log.txt} as it runs: a line per status change and one per ARM second while
   * Running, appended to an append blob, as Azure ML streams a job's log to the artifact store.
   */
  volatile boolean writeLogs;

  private final Map<String, Integer> logLines = new ConcurrentHashMap<>();

  /** Jobs whose last log line is written (a finished job is Finalizing until then). */
  private final Set<String> logsEnded = ConcurrentHashMap.newKeySet();

  private final java.util.concurrent.ScheduledExecutorService logWriter =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "fake-arm-logs");
            t.setDaemon(true);
            return t;
          });

  /** An AmlCompute cluster: its VM size and maximum node count. */
  record Cluster(String vmSize, int maxNodeCount) {}

  /** The workspace's clusters by name (others answer 404). */
  final Map<String, Cluster> clusters = new ConcurrentHashMap<>();

  /**
   * The {@code credentials.credentialsType} of the workspace's datastores: {@code AccountKey}
   * (listSecrets hands out Azurite's key), {@code Sas} (a container SAS token) or {@code None}
   * (identity-based: no secret to list, storage is reached with the caller's own identity).
   */
  volatile String datastoreCredentials = "AccountKey";

  /** vCPU quota per VM family in the region: {in use, limit}. */
  final Map<String, long[]> quota = new ConcurrentHashMap<>();

  /** Code version PUTs that created a version. */
  final AtomicInteger codeVersionCreates = new AtomicInteger();

  /** startPendingUpload calls, by pending upload id. */
  final Map<String, AtomicInteger> pendingUploads = new ConcurrentHashMap<>();

  private final long origin = System.nanoTime();
  private final String apiVersion;
  final double timeScale;
  final Map<String, FakeJob> jobs = new ConcurrentSkipListMap<>();

  /** The body of the first PUT of each job name, byte for byte as received (parsed). */
  final Map<String, JsonNode> putBodies = new ConcurrentSkipListMap<>();

  final Map<String, AtomicInteger> createsByName = new ConcurrentHashMap<>();
  final AtomicInteger putsOnExisting = new AtomicInteger();
  final AtomicInteger throttledAnswers = new AtomicInteger();
  final AtomicInteger faultAnswers = new AtomicInteger();
  final AtomicInteger lostAnswers = new AtomicInteger();
  final AtomicLong requests = new AtomicLong();
  final Map<String, AtomicInteger> requestsByKind = new ConcurrentHashMap<>();
  final List<String> bodyViolations = Collections.synchronizedList(new ArrayList<>());
  final List<Instant> createTimes = Collections.synchronizedList(new ArrayList<>());
  final Map<String, String> environments = new ConcurrentHashMap<>();
  final Map<String, String> latestVersions = new ConcurrentHashMap<>();
  final List<String> authorizationHeaders = Collections.synchronizedList(new ArrayList<>());
  private volatile Bucket writes;
  private volatile Bucket reads;
  volatile boolean throttling;
  volatile int pageSize = 100;
  volatile double cancelArmSeconds = 2;
  volatile Function<String, JobScript> scripts = name -> JobScript.COMPLETES;

  /** Jobs the list leaves out (a lagging index): they need a GET. */
  final java.util.Set<String> unlisted = ConcurrentHashMap.newKeySet();

  /** Jobs whose GET answers 500 (after the client's retries, still 500). */
  final java.util.Set<String> failingGets = ConcurrentHashMap.newKeySet();

  /** While true, every job list answers 500. */
  volatile boolean failLists;

  /** Times of every read (GET) served or refused, in ARM nanos: the read rate the clients ask. */
  final java.util.concurrent.ConcurrentLinkedQueue<Long> readTimes =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** While true, every call answers 503. */
  volatile boolean storm;

  /** Probability that an applied PUT's answer is lost (connection dropped). */
  volatile double loseAnswerProbability;

  /** Probability that any call answers 500 (before doing anything). */
  volatile double error500Probability;

  /** Delay added to every answer, in real time. */
  volatile Duration slowAnswers = Duration.ZERO;

  private FakeArmServer(double timeScale, String apiVersion) throws Exception {
    this.timeScale = timeScale;
    this.apiVersion = apiVersion;
    this.writes = new Bucket(200, 10);
    this.reads = new Bucket(250, 25);
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
    server.setHttpsConfigurator(
        new HttpsConfigurator(SelfSignedCertificate.shared().serverContext()));
    executor =
        Executors.newFixedThreadPool(
            48,
            r -> {
              Thread t = new Thread(r, "fake-arm");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    logWriter.scheduleWithFixedDelay(
        () -> {
          try {
            writeLogs();
          } catch (RuntimeException e) {
            System.err.println("fake ARM log writer: " + e);
          }
        },
        50,
        50,
        java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** A started server; {@code timeScale} ARM seconds pass per real second. */
  static FakeArmServer start(double timeScale) {
    try {
      return new FakeArmServer(timeScale, "2025-12-01");
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the fake ARM server", e);
    }
  }

  URI endpoint() {
    return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Turns ARM's subscription buckets on (writes and reads, in ARM time). */
  FakeArmServer throttle(
      int writeBurst, double writesPerArmSecond, int readBurst, double readsPerArmSecond) {
    this.writes = new Bucket(writeBurst, writesPerArmSecond);
    this.reads = new Bucket(readBurst, readsPerArmSecond);
    this.throttling = true;
    return this;
  }

  long armNanos() {
    return (long) ((System.nanoTime() - origin) * timeScale);
  }

  int creates() {
    return createsByName.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  int maxCreatesOfOneName() {
    return createsByName.values().stream().mapToInt(AtomicInteger::get).max().orElse(0);
  }

  String statusOf(String name) {
    FakeJob j = jobs.get(name);
    return j == null ? null : j.status();
  }

  /** Appends what each running job "printed" since the last round to its log blob. */
  private void writeLogs() {
    if (!writeLogs || storage == null) {
      return;
    }
    for (FakeJob j : jobs.values()) {
      String status = j.rawStatus();
      double elapsed = (armNanos() - j.createdAt) / 1e9;
      double ranFor = j.script.runningAfter() < 0 ? 0 : elapsed - j.script.runningAfter();
      if (ranFor < 0 || status.equals("NotStarted") || status.equals("Queued")) {
        if (isTerminal(status)) {
          logsEnded.add(j.name); // ended before it ran: no log to finish
        }
        continue;
      }
      int target =
          isTerminal(status)
              ? (int) Math.floor(j.script.totalSeconds() - Math.max(0, j.script.runningAfter())) + 1
              : (int) Math.floor(ranFor) + 1;
      int written = logLines.getOrDefault(j.name, 0);
      if (target <= written) {
        continue;
      }
      StringBuilder text = new StringBuilder();
      for (int i = written + 1; i <= target; i++) {
        text.append(
            i == target && isTerminal(status)
                ? "job " + j.name + " ended: " + status + "\n"
                : "step " + i + " of " + j.name + "\n");
      }
      var blob =
          storage
              .container(artifactContainer)
              .getBlobClient(AzureMlJobLog.blobName(j.name))
              .getAppendBlobClient();
      if (!blob.exists()) {
        blob.create();
      }
      byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
      blob.appendBlock(new java.io.ByteArrayInputStream(bytes), bytes.length);
      logLines.put(j.name, target);
      if (isTerminal(status)) {
        logsEnded.add(j.name);
      }
    }
  }

  @Override
  public void close() {
    logWriter.shutdownNow();
    server.stop(0);
    executor.shutdownNow();
  }

  // ------------------------------------------------------------------ dispatch

  private void handle(HttpExchange ex) throws IOException {
    requests.incrementAndGet();
    try (ex) {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      if (auth == null || !auth.equals("Bearer " + TOKEN)) {
        send(ex, 401, error("AuthenticationFailed", "missing or wrong bearer token"));
        return;
      }
      if (authorizationHeaders.size() < 5) {
        authorizationHeaders.add(auth);
      }
      if (!slowAnswers.isZero()) {
        LockSupport.parkNanos(slowAnswers.toNanos());
      }
      Map<String, String> query = query(ex.getRequestURI());
      boolean dataPlane = ex.getRequestURI().getPath().startsWith("/history/");
      if (!dataPlane && !apiVersion.equals(query.get("api-version"))) {
        send(ex, 400, error("InvalidApiVersionParameter", "api-version must be " + apiVersion));
        return;
      }
      String method = ex.getRequestMethod();
      boolean write = !method.equals("GET");
      if (!write) {
        readTimes.add(armNanos());
      }
      if (storm || ThreadLocalRandom.current().nextDouble() < error500Probability) {
        faultAnswers.incrementAndGet();
        send(ex, storm ? 503 : 500, error("ServiceUnavailable", "injected fault"));
        return;
      }
      if (throttling) {
        Bucket b = write ? writes : reads;
        long waitArm = b.take();
        if (waitArm > 0) {
          throttledAnswers.incrementAndGet();
          long realMs = (long) Math.ceil(waitArm / timeScale / 1e6);
          ex.getResponseHeaders()
              .set("Retry-After", String.valueOf((long) Math.ceil(waitArm / 1e9)));
          ex.getResponseHeaders().set("x-ms-retry-after-ms", String.valueOf(Math.max(1, realMs)));
          send(ex, 429, error("TooManyRequests", "The request is being throttled."));
          return;
        }
        ex.getResponseHeaders()
            .set(
                write
                    ? "x-ms-ratelimit-remaining-subscription-writes"
                    : "x-ms-ratelimit-remaining-subscription-reads",
                String.valueOf(b.remaining()));
      }
      route(ex, method, ex.getRequestURI().getPath(), query);
    } catch (LostAnswer e) {
      throw new IOException("injected: answer lost after the request was applied");
    } catch (RuntimeException e) {
      // the JDK server would drop the connection silently: say why
      System.err.println("fake ARM failed on " + ex.getRequestURI().getPath() + ": " + e);
      throw e;
    }
  }

  private static final class LostAnswer extends RuntimeException {
    LostAnswer() {
      super(null, null, false, false);
    }
  }

  private void route(HttpExchange ex, String method, String path, Map<String, String> query)
      throws IOException {
    Matcher m;
    if ((m = JOB.matcher(path)).matches() && method.equals("PUT")) {
      count("job.put");
      putJob(ex, m.group(4));
    } else if ((m = JOB.matcher(path)).matches() && method.equals("GET")) {
      count("job.get");
      if (failingGets.contains(m.group(4))) {
        send(ex, 500, error("InternalServerError", "injected failure of this job's GET"));
        return;
      }
      FakeJob j = jobs.get(m.group(4));
      send(
          ex, j == null ? 404 : 200, j == null ? error("UserError", "job not found") : resource(j));
    } else if ((m = JOBS.matcher(path)).matches() && method.equals("GET")) {
      count("job.list");
      if (failLists) {
        send(ex, 500, error("InternalServerError", "injected failure of the list"));
        return;
      }
      list(ex, query);
    } else if ((m = WORKSPACE.matcher(path)).matches() && method.equals("GET")) {
      count("workspace.get");
      send(ex, 200, workspace());
    } else if ((m = HISTORY.matcher(path)).matches() && method.equals("GET")) {
      count("history.get");
      FakeJob j = jobs.get(m.group(4));
      send(
          ex, j == null ? 404 : 200, j == null ? error("UserError", "run not found") : j.history());
    } else if ((m = CANCEL.matcher(path)).matches() && method.equals("POST")) {
      count("job.cancel");
      cancel(ex, m.group(4));
    } else if ((m = OPERATION.matcher(path)).matches() && method.equals("GET")) {
      count("operation.get");
      FakeJob j = jobs.get(m.group(4));
      if (j != null && !isTerminal(j.status())) {
        retryAfter(ex, 10);
        send(ex, 202, null);
      } else {
        send(ex, 200, null);
      }
    } else if ((m = COMPUTE.matcher(path)).matches() && method.equals("GET")) {
      count("compute.get");
      Cluster c = clusters.get(m.group(4));
      send(
          ex,
          c == null ? 404 : 200,
          c == null ? error("NotFound", "no compute") : compute(m.group(4), c));
    } else if ((m = LOCATION_LIST.matcher(path)).matches() && method.equals("GET")) {
      count("compute." + m.group(3));
      send(ex, 200, m.group(3).equals("vmSizes") ? vmSizes() : usages());
    } else if ((m = DATASTORES.matcher(path)).matches() && method.equals("GET")) {
      count("datastore.list");
      ObjectNode page = JSON.createObjectNode();
      page.putArray("value").add(defaultDatastore());
      send(ex, 200, page);
    } else if ((m = DATASTORE.matcher(path)).matches() && method.equals("GET")) {
      count("datastore.get");
      ObjectNode d =
          m.group(4).equals("workspaceblobstore")
              ? defaultDatastore()
              : m.group(4).equals(ARTIFACT_STORE) ? artifactStore() : null;
      send(ex, d == null ? 404 : 200, d == null ? error("UserError", "no such datastore") : d);
    } else if ((m = DATASTORE_SECRETS.matcher(path)).matches() && method.equals("POST")) {
      count("datastore.listSecrets");
      if (!m.group(4).equals("workspaceblobstore") && !m.group(4).equals(ARTIFACT_STORE)) {
        send(ex, 404, error("UserError", "no datastore " + m.group(4)));
        return;
      }
      ObjectNode secrets = JSON.createObjectNode();
      switch (datastoreCredentials) {
        case "None" -> {
          send(ex, 400, error("UserError", "datastore " + m.group(4) + " holds no secret"));
          return;
        }
        case "Sas" -> {
          String url =
              storage.containerSasUrl(
                  m.group(4).equals(ARTIFACT_STORE) ? artifactContainer : uploadContainer);
          secrets.put("secretsType", "Sas");
          secrets.put("sasToken", url.substring(url.indexOf('?') + 1));
        }
        default -> {
          secrets.put("secretsType", "AccountKey");
          secrets.put("key", Azurite.accountKey());
        }
      }
      send(ex, 200, secrets);
    } else if ((m = PENDING_UPLOAD.matcher(path)).matches() && method.equals("POST")) {
      count("code.startPendingUpload");
      startPendingUpload(ex, m.group(4), m.group(5));
    } else if ((m = VERSIONS.matcher(path)).matches()
        && method.equals("GET")
        && m.group(4).equals("codes")
        && query.containsKey("hash")) {
      count("code.find");
      ObjectNode page = JSON.createObjectNode();
      ArrayNode value = page.putArray("value");
      String prefix = m.group(5) + ":";
      codeVersions.forEach(
          (k, v) -> {
            if (k.startsWith(prefix)
                && query.get("hash").equals(v.at("/properties/properties/hash_sha256").asText())) {
              value.add(v);
            }
          });
      send(ex, 200, page);
    } else if ((m = VERSION.matcher(path)).matches()
        && m.group(4).equals("codes")
        && method.equals("GET")) {
      count("code.get");
      ObjectNode v = codeVersions.get(m.group(5) + ":" + m.group(6));
      send(ex, v == null ? 404 : 200, v == null ? error("UserError", "not found") : v);
    } else if ((m = VERSION.matcher(path)).matches()
        && m.group(4).equals("codes")
        && method.equals("PUT")) {
      count("code.put");
      putCodeVersion(ex, path, m.group(5), m.group(6));
    } else if ((m = VERSIONS.matcher(path)).matches() && method.equals("GET")) {
      count(m.group(4) + ".latest");
      latest(ex, m.group(4), m.group(5));
    } else if ((m = VERSION.matcher(path)).matches()
        && m.group(4).equals("environments")
        && method.equals("GET")) {
      count("environments.get");
      String v = environments.get(m.group(5) + ":" + m.group(6));
      send(
          ex,
          v == null ? 404 : 200,
          v == null ? error("UserError", "not found") : JSON.readTree(v));
    } else if ((m = VERSION.matcher(path)).matches() && method.equals("PUT")) {
      count(m.group(4) + ".put");
      JsonNode body = JSON.readTree(ex.getRequestBody());
      String key = m.group(5) + ":" + m.group(6);
      if (m.group(4).equals("environments")) {
        List<String> violations = moreAssetsApi.validateRequest("EnvironmentVersionResource", body);
        if (!violations.isEmpty()) {
          bodyViolations.addAll(violations);
          send(ex, 400, error("UserError", "invalid environment version: " + violations));
          return;
        }
      }
      boolean isNew = environments.putIfAbsent(key, body.toString()) == null;
      ObjectNode out = JSON.createObjectNode();
      out.put("id", path);
      out.put("name", m.group(6));
      out.set("properties", body.get("properties"));
      send(ex, isNew ? 201 : 200, out);
    } else {
      send(ex, 404, error("NotFound", method + " " + path + " is not served by the fake"));
    }
  }

  private void startPendingUpload(HttpExchange ex, String name, String version) throws IOException {
    JsonNode body = JSON.readTree(ex.getRequestBody());
    List<String> violations = assetsApi.validateRequest("PendingUploadRequestDto", body);
    if (!violations.isEmpty()) {
      bodyViolations.addAll(violations);
      send(ex, 400, error("UserError", "invalid pending upload request: " + violations));
      return;
    }
    if (storage == null) {
      send(ex, 501, error("NotImplemented", "this fake has no storage"));
      return;
    }
    String id = body.path("pendingUploadId").asText(java.util.UUID.randomUUID().toString());
    pendingUploads.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    String sas = storage.containerSasUrl(uploadContainer);
    ObjectNode out = JSON.createObjectNode();
    ObjectNode ref = out.putObject("blobReferenceForConsumption");
    ref.put("blobUri", storage.blobEndpoint() + "/" + uploadContainer + "/LocalUpload/" + id + "/");
    ObjectNode cred = ref.putObject("credential");
    cred.put("credentialType", "SAS");
    cred.put("sasUri", sas);
    ref.put(
        "storageAccountArmId",
        "/subscriptions/"
            + TestConfigs.SUBSCRIPTION
            + "/resourceGroups/"
            + TestConfigs.RESOURCE_GROUP
            + "/providers/Microsoft.Storage/storageAccounts/"
            + Azurite.ACCOUNT);
    out.put("pendingUploadId", id);
    out.put("pendingUploadType", "TemporaryBlobReference");
    List<String> answer = assetsApi.validateResponse("PendingUploadResponseDto", out);
    if (!answer.isEmpty()) {
      throw new IllegalStateException("the fake's own answer breaks the excerpt: " + answer);
    }
    send(ex, 200, out);
  }

  /** A cluster in the shape of the official Compute/get/AmlCompute.json example. */
  private ObjectNode compute(String name, Cluster c) throws IOException {
    JsonNode example =
        JSON.readTree(
            java.nio.file.Files.readString(
                OpenApiValidator.specDir()
                    .resolve("2025-12-01/examples/Compute/get/AmlCompute.json")));
    ObjectNode r = (ObjectNode) example.at("/responses/200/body").deepCopy();
    r.put("id", workspaceId() + "/computes/" + name);
    r.put("name", name);
    r.put("location", "westeurope");
    ObjectNode p = (ObjectNode) r.at("/properties/properties");
    p.put("vmSize", c.vmSize());
    ((ObjectNode) p.get("scaleSettings")).put("maxNodeCount", c.maxNodeCount());
    return r;
  }

  /** Two VM sizes, in the shape of ARM's VirtualMachineSizes_List answer. */
  private static ObjectNode vmSizes() {
    ObjectNode page = JSON.createObjectNode();
    ArrayNode v = page.putArray("value");
    v.addObject()
        .put("name", "Standard_DS3_v2")
        .put("family", "standardDSv2Family")
        .put("vCPUs", 4);
    v.addObject()
        .put("name", "Standard_NC6s_v3")
        .put("family", "standardNCSv3Family")
        .put("vCPUs", 6);
    return page;
  }

  /** The quota map, in the shape of ARM's Usages_List answer. */
  private ObjectNode usages() {
    ObjectNode page = JSON.createObjectNode();
    ArrayNode v = page.putArray("value");
    quota.forEach(
        (family, usedAndLimit) -> {
          ObjectNode u = v.addObject();
          u.put("type", "Microsoft.MachineLearningServices/vmFamily/usages");
          u.put("unit", "Count");
          u.put("currentValue", usedAndLimit[0]);
          u.put("limit", usedAndLimit[1]);
          u.putObject("name").put("value", family).put("localizedValue", family + " vCPUs");
        });
    return page;
  }

  /** The workspace's default datastore, in the shape of the Datastore/get.json example. */
  private ObjectNode defaultDatastore() {
    return datastore("workspaceblobstore", uploadContainer, true);
  }

  /** Where the service writes job logs and outputs ({@code ExperimentRun/dcid.<job>/...}). */
  private ObjectNode artifactStore() {
    return datastore(ARTIFACT_STORE, artifactContainer, false);
  }

  private ObjectNode datastore(String name, String containerName, boolean isDefault) {
    if (storage != null) {
      storage.container(containerName);
    }
    ObjectNode d = JSON.createObjectNode();
    d.put("id", workspaceId() + "/datastores/" + name);
    d.put("name", name);
    d.put("type", "Microsoft.MachineLearningServices/workspaces/datastores");
    ObjectNode p = d.putObject("properties");
    p.put("datastoreType", "AzureBlob");
    p.put("accountName", Azurite.ACCOUNT);
    p.put("containerName", containerName);
    p.put("endpoint", "core.windows.net");
    p.put("protocol", "https");
    p.put("isDefault", isDefault);
    ObjectNode cred = p.putObject("credentials");
    cred.put("credentialsType", datastoreCredentials);
    if (!datastoreCredentials.equals("None")) {
      cred.putObject("secrets").put("secretsType", datastoreCredentials);
    }
    // id, name and type come from ProxyResource, outside the excerpt: check the properties
    List<String> v = assetsApi.validateResponse("Datastore", p);
    if (!v.isEmpty()) {
      throw new IllegalStateException("the fake's datastore breaks the excerpt: " + v);
    }
    return d;
  }

  private void putCodeVersion(HttpExchange ex, String path, String name, String version)
      throws IOException {
    JsonNode body = JSON.readTree(ex.getRequestBody());
    List<String> violations = assetsApi.validateRequest("CodeVersionResource", body);
    if (!violations.isEmpty()) {
      bodyViolations.addAll(violations);
      send(ex, 400, error("UserError", "invalid code version: " + violations));
      return;
    }
    ObjectNode resource = JSON.createObjectNode();
    resource.put("id", path);
    resource.put("name", version);
    resource.put("type", "Microsoft.MachineLearningServices/workspaces/codes/versions");
    ObjectNode props = ((ObjectNode) body.get("properties")).deepCopy();
    props.put("provisioningState", "Succeeded");
    resource.set("properties", props);
    ObjectNode existing = codeVersions.putIfAbsent(name + ":" + version, resource);
    if (existing == null) {
      codeVersionCreates.incrementAndGet();
      send(ex, 201, resource);
    } else if (existing.at("/properties/codeUri").equals(props.path("codeUri"))) {
      send(ex, 200, existing);
    } else {
      send(ex, 409, error("UserError", "code version " + name + ":" + version + " is immutable"));
    }
  }

  private void count(String kind) {
    requestsByKind.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
  }

  private void putJob(HttpExchange ex, String name) throws IOException {
    if (!NAME_RULE.matcher(name).matches()) {
      send(ex, 400, error("UserError", "job name does not match " + NAME_RULE.pattern()));
      return;
    }
    JsonNode body = JSON.readTree(ex.getRequestBody());
    List<String> violations = openApi.validateRequest("JobBaseResource", body);
    if (!violations.isEmpty()) {
      bodyViolations.addAll(violations);
      send(ex, 400, error("UserError", "invalid job definition: " + violations));
      return;
    }
    putBodies.putIfAbsent(name, body.deepCopy());
    FakeJob fresh =
        new FakeJob(name, (ObjectNode) body.get("properties").deepCopy(), scripts.apply(name));
    FakeJob existing = jobs.putIfAbsent(name, fresh);
    if (existing != null) {
      putsOnExisting.incrementAndGet();
      // ARM: a PUT on an existing job may only change tags; answer 200 with the job.
      send(ex, 200, resource(existing));
      return;
    }
    createsByName.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
    createTimes.add(Instant.now());
    if (ThreadLocalRandom.current().nextDouble() < loseAnswerProbability) {
      lostAnswers.incrementAndGet();
      throw new LostAnswer();
    }
    send(ex, 201, resource(fresh));
  }

  private void list(HttpExchange ex, Map<String, String> query) throws IOException {
    String tag = query.get("tag");
    int skip = Integer.parseInt(query.getOrDefault("$skipToken", "0"));
    List<FakeJob> matching = new ArrayList<>();
    for (FakeJob j : jobs.values()) {
      if (unlisted.contains(j.name)) {
        continue;
      }
      if (tag == null || j.properties.path("tags").has(tag)) {
        matching.add(j);
      }
    }
    ObjectNode page = JSON.createObjectNode();
    ArrayNode value = page.putArray("value");
    int end = Math.min(matching.size(), skip + pageSize);
    for (int i = skip; i < end; i++) {
      value.add(resource(matching.get(i)));
    }
    if (end < matching.size()) {
      page.put(
          "nextLink",
          endpoint()
              + ex.getRequestURI().getPath()
              + "?api-version="
              + apiVersion
              + (tag == null
                  ? ""
                  : "&tag=" + java.net.URLEncoder.encode(tag, StandardCharsets.UTF_8))
              + "&$skipToken="
              + end);
    }
    send(ex, 200, page);
  }

  private void cancel(HttpExchange ex, String name) throws IOException {
    FakeJob j = jobs.get(name);
    if (j == null) {
      send(ex, 404, error("UserError", "job not found"));
      return;
    }
    synchronized (j) {
      String now = j.status();
      if (isTerminal(now) || j.cancelAt >= 0) {
        send(ex, 200, null);
        return;
      }
      j.statusAtCancel = now;
      j.cancelAt = armNanos();
    }
    String ws = ex.getRequestURI().getPath().replaceAll("/jobs/.*$", "");
    ex.getResponseHeaders()
        .set(
            "Location",
            endpoint() + ws + "/operationResults/cancel-" + name + "?api-version=" + apiVersion);
    retryAfter(ex, 10);
    send(ex, 202, null);
  }

  private void latest(HttpExchange ex, String kind, String name) throws IOException {
    ObjectNode page = JSON.createObjectNode();
    ArrayNode value = page.putArray("value");
    String v = latestVersions.getOrDefault(kind + ":" + name, "1");
    ObjectNode item = value.addObject();
    item.put("id", ex.getRequestURI().getPath() + "/" + v);
    item.put("name", v);
    send(ex, 200, page);
  }

  private void retryAfter(HttpExchange ex, long armSeconds) {
    ex.getResponseHeaders().set("Retry-After", String.valueOf(armSeconds));
    ex.getResponseHeaders()
        .set(
            "x-ms-retry-after-ms",
            String.valueOf(Math.max(1, (long) (armSeconds * 1000 / timeScale))));
  }

  /**
   * The workspace in the shape of the official Workspace/get.json example; its {@code discoveryUrl}
   * points at this server, which also serves the run history.
   */
  private ObjectNode workspace() {
    ObjectNode w = JSON.createObjectNode();
    w.put("id", workspaceId());
    w.put("name", TestConfigs.WORKSPACE);
    w.put("type", "Microsoft.MachineLearningServices/workspaces");
    w.put("location", "westeurope");
    ObjectNode p = w.putObject("properties");
    p.put(
        "storageAccount",
        "/subscriptions/"
            + TestConfigs.SUBSCRIPTION
            + "/resourceGroups/"
            + TestConfigs.RESOURCE_GROUP
            + "/providers/Microsoft.Storage/storageAccounts/devstoreaccount1");
    p.put("discoveryUrl", endpoint() + "/discovery");
    return w;
  }

  static String workspaceId() {
    return "/subscriptions/"
        + TestConfigs.SUBSCRIPTION
        + "/resourceGroups/"
        + TestConfigs.RESOURCE_GROUP
        + "/providers/Microsoft.MachineLearningServices/workspaces/"
        + TestConfigs.WORKSPACE;
  }

  /** Attempted reads per ARM second between two ARM instants. */
  double readsPerArmSecond(long fromArmNanos, long toArmNanos) {
    long n = readTimes.stream().filter(t -> t >= fromArmNanos && t < toArmNanos).count();
    return n / ((toArmNanos - fromArmNanos) / 1e9);
  }

  /** A job in the shape of the official get.json example. */
  private ObjectNode resource(FakeJob j) {
    ObjectNode r = JSON.createObjectNode();
    String ws =
        "/subscriptions/"
            + TestConfigs.SUBSCRIPTION
            + "/resourceGroups/"
            + TestConfigs.RESOURCE_GROUP
            + "/providers/Microsoft.MachineLearningServices/workspaces/"
            + TestConfigs.WORKSPACE;
    r.put("id", ws + "/jobs/" + j.name);
    r.put("name", j.name);
    r.put("type", "Microsoft.MachineLearningServices/workspaces/jobs");
    ObjectNode p = j.properties.deepCopy();
    p.put("status", j.status());
    ObjectNode services = p.putObject("services");
    ObjectNode studio = services.putObject("Studio");
    studio.put("jobServiceType", "Studio");
    studio.put("endpoint", "https://ml.azure.com/runs/" + j.name + "?wsid=" + ws);
    r.set("properties", p);
    ObjectNode sys = r.putObject("systemData");
    sys.put("createdAt", j.createdInstant.toString());
    sys.put("createdBy", "partitrain-test");
    sys.put("createdByType", "Application");
    return r;
  }

  static boolean isTerminal(String status) {
    return status != null
        && List.of("Completed", "Failed", "Canceled", "NotResponding").contains(status);
  }

  private static ObjectNode error(String code, String message) {
    ObjectNode e = JSON.createObjectNode();
    ObjectNode err = e.putObject("error");
    err.put("code", code);
    err.put("message", message);
    return e;
  }

  private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] bytes = body == null ? new byte[0] : JSON.writeValueAsBytes(body);
    if (body != null) {
      ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    }
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> q = new LinkedHashMap<>();
    String raw = uri.getRawQuery();
    if (raw == null) {
      return q;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      q.put(k, v);
    }
    return q;
  }
}
