package io.partitrain.worker.backend.azureml;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;

/**
 * The HTTPS fake of the ARM REST API, for tests outside this package (the end-to-end runs through
 * Kafka in the deploy module). A thin public face over {@link FakeArmServer} and {@link FakeArm}.
 */
public final class FakeAzureMl implements AutoCloseable {

  private final FakeArmServer fake;
  private final double scale;

  private FakeAzureMl(FakeArmServer fake, double scale) {
    this.fake = fake;
    this.scale = scale;
  }

  /** A fake whose ARM time runs {@code timeScale} times faster than real time. */
  public static FakeAzureMl start(double timeScale) {
    return new FakeAzureMl(FakeArmServer.start(timeScale), timeScale);
  }

  /** ARM's subscription buckets: writes 200 + 10/s, reads 250 + 25/s (in ARM time). */
  public FakeAzureMl atArmLimits() {
    fake.throttle(200, 10, 250, 25);
    return this;
  }

  /** The workspace's storage: pending uploads and the default datastore live in this Azurite. */
  public FakeAzureMl withStorage(Azurite azurite) {
    fake.storage = azurite;
    return this;
  }

  /** An AmlCompute cluster in the workspace (other compute names answer 404). */
  public FakeAzureMl withCluster(String name, String vmSize, int maxNodeCount) {
    fake.clusters.put(name, new FakeArmServer.Cluster(vmSize, maxNodeCount));
    return this;
  }

  /** The subscription's vCPU quota of a VM family in the region: {@code used} of {@code limit}. */
  public FakeAzureMl withQuota(String family, long used, long limit) {
    fake.quota.put(family, new long[] {used, limit});
    return this;
  }

  /** The settings a worker (or the CLI) would be given for this fake's workspace. */
  public String settingsProperties() {
    return "azureml.subscriptionId="
        + TestConfigs.SUBSCRIPTION
        + "\nazureml.resourceGroup="
        + TestConfigs.RESOURCE_GROUP
        + "\nazureml.workspace="
        + TestConfigs.WORKSPACE
        + "\nazureml.armEndpoint="
        + fake.endpoint()
        + "\n";
  }

  /** The container of the workspace's default datastore (and of pending code uploads). */
  public String uploadContainer() {
    return fake.uploadContainer;
  }

  /** Code version PUTs that created a version. */
  public int codeVersionCreates() {
    return fake.codeVersionCreates.get();
  }

  /** The job's definition as ARM holds it (its {@code properties}), or null. */
  public com.fasterxml.jackson.databind.JsonNode jobProperties(String jobName) {
    FakeArmServer.FakeJob j = fake.jobs.get(jobName);
    return j == null ? null : j.properties;
  }

  /** The service writes each running job's log to the artifact store (needs storage). */
  public FakeAzureMl writingLogs() {
    fake.writeLogs = true;
    return this;
  }

  /** Jobs run this many ARM seconds (after 1 s NotStarted) and complete. */
  public FakeAzureMl jobsRunFor(double armSeconds) {
    fake.scripts =
        name -> FakeArmServer.JobScript.of("Completed", "NotStarted", 1, "Running", armSeconds);
    return this;
  }

  /** Submits a small valid job for a partition through a backend; returns its name. */
  public String submitJob(AzureMlBackend backend, String runId, String partitionId, int attempt) {
    var r = FakeArm.request(runId, partitionId, attempt);
    backend.submit(r);
    return r.jobName();
  }

  /** Applies a share of requests and then drops the connection before answering. */
  public FakeAzureMl losingAnswers(double probability) {
    fake.loseAnswerProbability = probability;
    return this;
  }

  /**
   * A backend for one worker: it trusts the fake's certificate only, and its buckets match ARM's
   * (scaled like the fake's clock).
   */
  public AzureMlBackend newBackend() {
    return FakeArm.backend(
        fake,
        FakeArm.fastConfig(fake)
            .writes(200, 10 * scale)
            .reads(250, 25 * scale)
            // the production default (PT30S), on the fake's scaled clock
            .pollInterval(Duration.ofMillis((long) (30_000 / scale)))
            .build(),
        new SimpleMeterRegistry());
  }

  public int creates() {
    return fake.creates();
  }

  public int maxCreatesOfOneName() {
    return fake.maxCreatesOfOneName();
  }

  public int putsOnExistingJobs() {
    return fake.putsOnExisting.get();
  }

  public int lostAnswers() {
    return fake.lostAnswers.get();
  }

  public int throttledAnswers() {
    return fake.throttledAnswers.get();
  }

  /** The fake's clock, in ARM nanoseconds. */
  public long armNanos() {
    return fake.armNanos();
  }

  /** Reads (GETs) the clients asked for per ARM second in a window, refused ones included. */
  public double readsPerArmSecond(long fromArmNanos, long toArmNanos) {
    return fake.readsPerArmSecond(fromArmNanos, toArmNanos);
  }

  /** Served requests of one kind ({@code job.list}, {@code job.get}, {@code history.get}, ...). */
  public int served(String kind) {
    var c = fake.requestsByKind.get(kind);
    return c == null ? 0 : c.get();
  }

  public long requests() {
    return fake.requests.get();
  }

  /** Request bodies that broke the OpenAPI excerpt's rules; empty when every body was valid. */
  public List<String> bodyViolations() {
    return List.copyOf(fake.bodyViolations);
  }

  @Override
  public void close() {
    fake.close();
  }
}
