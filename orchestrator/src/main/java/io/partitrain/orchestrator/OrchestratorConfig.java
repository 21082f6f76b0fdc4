package io.partitrain.orchestrator;

import io.partitrain.orchestrator.admission.NodeCapConfig;
import io.partitrain.orchestrator.admission.SubmitWindow;
import io.partitrain.orchestrator.tracking.Tracker;
import io.partitrain.shared.config.Env;
import io.partitrain.shared.config.ServiceSettings;
import io.partitrain.shared.config.Setting;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the orchestrator. Immutable; validated when built, with messages that name the
 * environment variable that sets each value. Every setting is a constant below (key, doc, default,
 * rule) and is listed in {@link #settings()}, from which the README's table is generated.
 *
 * @param instanceId this instance's name in logs ({@link #INSTANCE_ID})
 * @param transactionalId the producer's transactional id, the same for every instance: a new
 *     instance's {@code initTransactions} fences the previous one, so a former leader cannot write
 * @param groupId the consumer group whose committed offsets mark what the tracker has processed
 * @param tickInterval the longest the loop waits for input before running admission again ({@link
 *     #TICK_INTERVAL})
 * @param snapshotInterval how often a changing run's snapshot is published ({@link
 *     #SNAPSHOT_INTERVAL})
 * @param seed seed of the retry jitter
 * @param silenceTimeout how long an in-flight job may send no status or heartbeat before any worker
 *     is asked to adopt it ({@link #SILENCE_TIMEOUT})
 */
public record OrchestratorConfig(
    String instanceId,
    String transactionalId,
    String groupId,
    Duration tickInterval,
    Duration snapshotInterval,
    long seed,
    Duration silenceTimeout,
    int submitWindowFloor) {

  public static final Duration DEFAULT_TICK_INTERVAL = Duration.ofMillis(100);
  public static final Duration DEFAULT_SNAPSHOT_INTERVAL = Duration.ofMillis(500);

  public static final Setting<String> INSTANCE_ID =
      Setting.text(
          "PARTITRAIN_INSTANCE_ID",
          "this orchestrator's name in logs and record headers",
          () -> "orchestrator-" + ProcessHandle.current().pid(),
          "orchestrator-PID");

  public static final Setting<Duration> TICK_INTERVAL =
      Setting.positiveDuration(
          "PARTITRAIN_TICK_INTERVAL",
          "the longest the loop waits for input before admitting and checking deadlines again",
          DEFAULT_TICK_INTERVAL);

  public static final Setting<Duration> SNAPSHOT_INTERVAL =
      Setting.durationAtLeast(
          "PARTITRAIN_SNAPSHOT_INTERVAL",
          "how often a changing run's summary is published for readers",
          DEFAULT_SNAPSHOT_INTERVAL,
          Duration.ZERO);

  public static final Setting<Duration> SILENCE_TIMEOUT =
      Setting.positiveDuration(
          "PARTITRAIN_SILENCE_TIMEOUT",
          "how long an in-flight job may send no status or heartbeat before a worker is asked to"
              + " adopt it; keep it well above the workers' heartbeat interval",
          Tracker.DEFAULT_SILENCE_TIMEOUT);

  public static final Setting<Integer> SUBMIT_WINDOW_MIN =
      Setting.integer(
          "PARTITRAIN_SUBMIT_WINDOW_MIN",
          "the fewest SUBMITs that may wait for a worker; beyond it, no more wait than the workers"
              + " take in half the silence timeout (back-pressure)",
          SubmitWindow.DEFAULT_FLOOR,
          1,
          1_000_000);

  public static final Setting<String> NODE_CAP_DEFAULT =
      Setting.text(
          NodeCapConfig.DEFAULT_ENV,
          "the node cap of a compute target without its own (blank: no cap)",
          () -> "",
          "(no cap)");

  public static final Setting<String> NODE_CAPS =
      Setting.text(
          NodeCapConfig.PER_TARGET_ENV,
          "node caps per compute target, e.g. cpu-cluster=8,gpu-cluster=2",
          () -> "",
          "(none)");

  public OrchestratorConfig {
    Objects.requireNonNull(instanceId, INSTANCE_ID.key());
    Objects.requireNonNull(transactionalId, "transactionalId");
    Objects.requireNonNull(groupId, "groupId");
    TICK_INTERVAL.check(tickInterval);
    SNAPSHOT_INTERVAL.check(snapshotInterval);
    silenceTimeout = silenceTimeout == null ? Tracker.DEFAULT_SILENCE_TIMEOUT : silenceTimeout;
    SILENCE_TIMEOUT.check(silenceTimeout);
    SUBMIT_WINDOW_MIN.check(submitWindowFloor);
  }

  public OrchestratorConfig(
      String instanceId,
      String transactionalId,
      String groupId,
      Duration tickInterval,
      Duration snapshotInterval,
      long seed) {
    this(
        instanceId,
        transactionalId,
        groupId,
        tickInterval,
        snapshotInterval,
        seed,
        null,
        SubmitWindow.DEFAULT_FLOOR);
  }

  /** Every setting, in the order the README lists them. */
  public static List<Setting<?>> settings() {
    return List.of(
        INSTANCE_ID,
        TICK_INTERVAL,
        SNAPSHOT_INTERVAL,
        SILENCE_TIMEOUT,
        SUBMIT_WINDOW_MIN,
        NODE_CAP_DEFAULT,
        NODE_CAPS,
        StateConfig.SNAPSHOT_INTERVAL,
        StateConfig.FINISHED_RETENTION);
  }

  /**
   * Defaults for an installation whose topics carry {@code topicPrefix}: its transactional id and
   * group follow the prefix, so installations sharing a cluster never fence each other.
   */
  public static OrchestratorConfig forInstallation(String instanceId, String topicPrefix) {
    return new OrchestratorConfig(
        instanceId,
        topicPrefix + "-orchestrator",
        topicPrefix + "-orchestrator",
        DEFAULT_TICK_INTERVAL,
        DEFAULT_SNAPSHOT_INTERVAL,
        System.nanoTime());
  }

  /** The orchestrator of an installation, configured by the environment. */
  public static OrchestratorConfig fromEnvironment(Env env, String topicPrefix) {
    String id = INSTANCE_ID.from(env);
    ServiceSettings.checkSilence(
        SILENCE_TIMEOUT.key(),
        SILENCE_TIMEOUT.from(env),
        ServiceSettings.HEARTBEAT_INTERVAL.from(env));
    return new OrchestratorConfig(
        id,
        topicPrefix + "-orchestrator",
        topicPrefix + "-orchestrator",
        TICK_INTERVAL.from(env),
        SNAPSHOT_INTERVAL.from(env),
        System.nanoTime(),
        SILENCE_TIMEOUT.from(env),
        SUBMIT_WINDOW_MIN.from(env));
  }

  /** The node caps the environment sets. */
  public static NodeCapConfig nodeCapsFrom(Env env) {
    return NodeCapConfig.parse(NODE_CAP_DEFAULT.from(env), NODE_CAPS.from(env));
  }
}
