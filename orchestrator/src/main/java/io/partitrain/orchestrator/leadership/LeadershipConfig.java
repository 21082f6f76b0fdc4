package io.partitrain.orchestrator.leadership;

import java.time.Duration;

/**
 * Settings of the leader election among orchestrator instances. Immutable; validated when built.
 *
 * @param sessionTimeout how long the leader may be silent before the group gives its partition to a
 *     standby: the main part of the takeover time. Kafka brokers refuse less than their {@code
 *     group.min.session.timeout.ms} (6 s by default). Default {@link #DEFAULT_SESSION_TIMEOUT}.
 * @param pollInterval how often the elector polls the control topic; a gap of more than half the
 *     session timeout between two polls (the process was paused) makes the leader step down
 */
public record LeadershipConfig(Duration sessionTimeout, Duration pollInterval) {

  public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(100);

  public LeadershipConfig {
    if (sessionTimeout == null || sessionTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(
          "orchestrator.leader.sessionTimeout must be at least 1s, but was " + sessionTimeout);
    }
    if (pollInterval == null
        || pollInterval.isNegative()
        || pollInterval.isZero()
        || pollInterval.compareTo(sessionTimeout.dividedBy(4)) > 0) {
      throw new IllegalArgumentException(
          "orchestrator.leader.pollInterval must be greater than 0 and at most a quarter of "
              + "the session timeout ("
              + sessionTimeout
              + "), but was "
              + pollInterval);
    }
  }

  public static LeadershipConfig defaults() {
    return new LeadershipConfig(DEFAULT_SESSION_TIMEOUT, DEFAULT_POLL_INTERVAL);
  }

  /** The longest pause between two polls a leader tolerates before stepping down. */
  Duration maxPollGap() {
    return sessionTimeout.dividedBy(2);
  }
}
