package io.partitrain.orchestrator.tracking;

import io.partitrain.shared.contracts.PartitionState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds jobs whose watcher went silent: a partition SUBMITTED, QUEUED or RUNNING whose current
 * attempt sent no status and no heartbeat for longer than the silence timeout. The tracker then
 * asks any worker to adopt the job (an ADOPT work item, recorded as {@code AdoptionRequested}).
 *
 * <p>Signs of life are not persisted: after a restart or a takeover each in-flight job gets a full
 * timeout from the moment the new tracker first looks at it. So the bound on adoption is {@code
 * silenceTimeout + tick interval} after the last sign of life, or after the takeover. Choose the
 * timeout well above the workers' heartbeat interval (default: three heartbeats).
 */
public final class Liveness {

  /** Three of the workers' default 10 s heartbeats. */
  public static final Duration DEFAULT_SILENCE_TIMEOUT = Duration.ofSeconds(30);

  private final Duration silenceTimeout;

  public Liveness(Duration silenceTimeout) {
    if (silenceTimeout == null || silenceTimeout.isNegative() || silenceTimeout.isZero()) {
      throw new IllegalArgumentException(
          "orchestrator.silenceTimeout must be greater than 0, but was " + silenceTimeout);
    }
    this.silenceTimeout = silenceTimeout;
  }

  public Duration silenceTimeout() {
    return silenceTimeout;
  }

  /**
   * The in-flight partitions of {@code run} silent for longer than the timeout. Starts the clock of
   * partitions never seen by this tracker, and restarts it for each partition returned (so a job is
   * adopted again only after another full timeout of silence).
   */
  List<PartitionRecord> silent(RunState run, Instant now) {
    List<PartitionRecord> out = new ArrayList<>();
    if (run.inFlight() == 0) {
      return out;
    }
    for (PartitionRecord p : run.partitions()) {
      if (!watched(p.state())) {
        continue;
      }
      if (p.lastSeen == null) {
        p.lastSeen = now;
      } else if (now.isAfter(p.lastSeen.plus(silenceTimeout))) {
        out.add(p);
      }
    }
    return out;
  }

  /** ADMITTED is not watched yet: its SUBMIT work item is on the topic until a worker takes it. */
  private static boolean watched(PartitionState s) {
    return s == PartitionState.SUBMITTED
        || s == PartitionState.QUEUED
        || s == PartitionState.RUNNING;
  }
}
