package io.partitrain.orchestrator;

import io.partitrain.shared.config.Env;
import io.partitrain.shared.config.Setting;
import java.time.Duration;
import java.util.List;

/**
 * How the leader keeps its state on the compacted state topic (DESIGN.md, Kafka): how often a
 * changing run is snapshotted, and how long a finished run's final snapshot stays there.
 *
 * @param snapshotInterval how often a changing run's state is snapshotted at most ({@link
 *     #SNAPSHOT_INTERVAL})
 * @param finishedRetention how long a finished run's final snapshot is kept ({@link
 *     #FINISHED_RETENTION})
 */
public record StateConfig(Duration snapshotInterval, Duration finishedRetention) {

  public static final Duration DEFAULT_SNAPSHOT_INTERVAL = Duration.ofSeconds(30);
  public static final Duration DEFAULT_FINISHED_RETENTION = Duration.ofDays(90);

  public static final Setting<Duration> SNAPSHOT_INTERVAL =
      Setting.durationAtLeast(
          "PARTITRAIN_STATE_SNAPSHOT_INTERVAL",
          "how often a changing run's state is written to the state topic at most (a finished or"
              + " reopened run at once); a successor replays at most this much of the runs topic"
              + " per run, and a run's snapshot is rewritten whole each time",
          DEFAULT_SNAPSHOT_INTERVAL,
          Duration.ZERO);

  public static final Setting<Duration> FINISHED_RETENTION =
      Setting.positiveDuration(
          "PARTITRAIN_FINISHED_RUN_RETENTION",
          "how long a finished run's final state stays on the state topic (run show, run list,"
              + " rerun) before it is tombstoned; keep it at least as long as the runs topic's"
              + " retention",
          DEFAULT_FINISHED_RETENTION);

  public StateConfig {
    SNAPSHOT_INTERVAL.check(snapshotInterval);
    FINISHED_RETENTION.check(finishedRetention);
  }

  public static StateConfig defaults() {
    return new StateConfig(DEFAULT_SNAPSHOT_INTERVAL, DEFAULT_FINISHED_RETENTION);
  }

  public static StateConfig fromEnvironment(Env env) {
    return new StateConfig(SNAPSHOT_INTERVAL.from(env), FINISHED_RETENTION.from(env));
  }

  public static List<Setting<?>> settings() {
    return List.of(SNAPSHOT_INTERVAL, FINISHED_RETENTION);
  }
}
