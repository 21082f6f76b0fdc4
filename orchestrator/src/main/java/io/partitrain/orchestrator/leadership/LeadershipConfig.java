package io.partitrain.orchestrator.leadership;

import io.partitrain.shared.config.Env;
import io.partitrain.shared.config.Setting;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the leader election among orchestrator instances. Immutable; validated when built,
 * with messages that name the environment variable that sets each value.
 *
 * @param sessionTimeout how long the leader may be silent before the group gives its partition to a
 *     standby: the main part of the takeover time ({@link #SESSION_TIMEOUT}).
 * @param pollInterval how often the elector polls the control topic; a gap of more than half the
 *     session timeout between two polls (the process was paused) makes the leader step down ({@link
 *     #POLL_INTERVAL})
 */
public record LeadershipConfig(Duration sessionTimeout, Duration pollInterval) {

  public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(100);

  public static final Setting<Duration> SESSION_TIMEOUT =
      Setting.durationAtLeast(
          "PARTITRAIN_LEADER_SESSION_TIMEOUT",
          "how long a silent leader keeps its lead before a standby takes over (brokers refuse"
              + " less than their group.min.session.timeout.ms, 6 s by default)",
          DEFAULT_SESSION_TIMEOUT,
          Duration.ofSeconds(1));

  public static final Setting<Duration> POLL_INTERVAL =
      Setting.positiveDuration(
          "PARTITRAIN_LEADER_POLL_INTERVAL",
          "how often the elector polls the control topic; at most a quarter of the session timeout",
          DEFAULT_POLL_INTERVAL);

  public LeadershipConfig {
    SESSION_TIMEOUT.check(sessionTimeout);
    POLL_INTERVAL.check(pollInterval);
    if (pollInterval.compareTo(sessionTimeout.dividedBy(4)) > 0) {
      throw new IllegalArgumentException(
          POLL_INTERVAL.key()
              + " must be at most a quarter of "
              + SESSION_TIMEOUT.key()
              + " ("
              + sessionTimeout
              + "), but was "
              + pollInterval);
    }
  }

  public static LeadershipConfig defaults() {
    return new LeadershipConfig(DEFAULT_SESSION_TIMEOUT, DEFAULT_POLL_INTERVAL);
  }

  /** The election's settings from the environment. */
  public static LeadershipConfig fromEnvironment(Env env) {
    return new LeadershipConfig(SESSION_TIMEOUT.from(env), POLL_INTERVAL.from(env));
  }

  public static List<Setting<?>> settings() {
    return List.of(SESSION_TIMEOUT, POLL_INTERVAL);
  }

  /** The longest pause between two polls a leader tolerates before stepping down. */
  Duration maxPollGap() {
    return sessionTimeout.dividedBy(2);
  }
}
