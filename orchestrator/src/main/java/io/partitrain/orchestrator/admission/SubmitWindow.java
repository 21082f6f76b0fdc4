package io.partitrain.orchestrator.admission;

import io.partitrain.orchestrator.state.OrchestratorState;
import io.partitrain.orchestrator.state.PartitionRecord;
import io.partitrain.orchestrator.state.RunState;
import io.partitrain.shared.contracts.PartitionState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Back-pressure on SUBMITs: no more partitions, over all runs, wait for a worker to take their
 * SUBMIT (state ADMITTED) than the workers take in half the silence timeout.
 *
 * <p>Why: a SUBMIT is valid for one silence timeout ({@code WorkItem.notAfter}). One that waits in
 * the work topic longer reaches its worker expired, no job is created, liveness finds none, and the
 * partition pays an attempt for a queue it did not choose. Only {@code maxInFlight} bounded the
 * queue before, and it says nothing about how fast the workers are: 40,000 in flight on two
 * simulated workers, or a few hundred on Azure ML (about a second per submission), thrashed.
 *
 * <p>The window is {@code max(floor, rate × silenceTimeout / 2)}, where the rate is the SUBMITs the
 * workers took per second (their first status of an attempt) over the last {@link
 * #MEASURING_PERIOD}. It starts at the floor and grows as fast as the workers answer, like a TCP
 * slow start; when the workers stop, the rate decays within one measuring period and the window
 * falls back to the floor, so a fleet that is down costs at most a floor's worth of attempts. A
 * window that stops admission is a WAIT: the partition stays SCHEDULED and nothing is recorded.
 *
 * <p>Unlike the other admissions the answer depends on a measurement, not only on the state. That
 * is safe: admission decisions are recorded as events and replay applies the events; it never asks
 * an admission again.
 */
public final class SubmitWindow implements Admission {

  /** The default floor: small enough that a fleet submitting one job a second keeps up. */
  public static final int DEFAULT_FLOOR = 32;

  /** No back-pressure at all (tests that hand out every SUBMIT in one round). */
  public static final int UNLIMITED = Integer.MAX_VALUE;

  /** How far back the workers' rate is measured. */
  public static final Duration MEASURING_PERIOD = Duration.ofSeconds(10);

  private static final int BUCKETS = (int) MEASURING_PERIOD.toSeconds();

  private final OrchestratorState state;
  private final Clock clock;
  private final double halfTimeoutSeconds;
  private final int floor;

  /** SUBMITs taken per second of the epoch, for the last {@link #BUCKETS} seconds (a ring). */
  private final long[] bucketSecond = new long[BUCKETS];

  private final int[] bucketCount = new int[BUCKETS];

  /** The window last measured, at which clock reading, and SUBMITs taken since. */
  private int window;

  private long windowAtMillis = Long.MIN_VALUE;
  private int takenSince;

  public SubmitWindow(OrchestratorState state, Clock clock, Duration silenceTimeout, int floor) {
    if (floor < 1) {
      throw new IllegalArgumentException(
          "submit window floor must be at least 1, but was " + floor);
    }
    this.state = state;
    this.clock = clock;
    this.halfTimeoutSeconds = silenceTimeout.toMillis() / 2000.0;
    this.floor = floor;
    java.util.Arrays.fill(bucketSecond, Long.MIN_VALUE);
  }

  /** A worker took an attempt's SUBMIT: its first status arrived (created, adopted or refused). */
  public void taken(Instant now) {
    if (floor == UNLIMITED) {
      return;
    }
    long second = now.getEpochSecond();
    int i = (int) Math.floorMod(second, (long) BUCKETS);
    if (bucketSecond[i] != second) {
      bucketSecond[i] = second;
      bucketCount[i] = 0;
    }
    bucketCount[i]++;
    takenSince++;
  }

  /**
   * SUBMITs the workers took per second over the last measuring period, or since the first one when
   * that is shorter (at least one second), so a fresh start grows the window at once.
   */
  public double takenPerSecond(Instant now) {
    long second = now.getEpochSecond();
    long total = 0;
    long oldest = second;
    for (int i = 0; i < BUCKETS; i++) {
      if (bucketSecond[i] > second - BUCKETS && bucketSecond[i] <= second) {
        total += bucketCount[i];
        oldest = Math.min(oldest, bucketSecond[i]);
      }
    }
    if (total == 0) {
      return 0;
    }
    double span = Math.max(1.0, (now.toEpochMilli() - oldest * 1000) / 1000.0);
    return total / span;
  }

  /** How many SUBMITs may wait for a worker now. */
  public int window(Instant now) {
    if (floor == UNLIMITED) {
      return UNLIMITED;
    }
    // A round asks once per partition it admits, all at the same clock reading: measure once.
    long millis = now.toEpochMilli();
    if (millis != windowAtMillis || takenSince != 0) {
      double byRate = Math.ceil(takenPerSecond(now) * halfTimeoutSeconds);
      window = byRate >= Integer.MAX_VALUE ? Integer.MAX_VALUE : Math.max(floor, (int) byRate);
      windowAtMillis = millis;
      takenSince = 0;
    }
    return window;
  }

  @Override
  public AdmissionDecision decide(RunState run, PartitionRecord partition) {
    if (floor == UNLIMITED) {
      return AdmissionDecision.ADMIT;
    }
    Instant now = clock.instant();
    int window = window(now);
    int waiting = state.partitionsIn(PartitionState.ADMITTED);
    if (waiting < window) {
      return AdmissionDecision.ADMIT;
    }
    return AdmissionDecision.waitFor(
        String.format(
            "submit window %d full: %d SUBMITs not yet taken by a worker (workers take %.1f/s)",
            window, waiting, takenPerSecond(now)));
  }
}
