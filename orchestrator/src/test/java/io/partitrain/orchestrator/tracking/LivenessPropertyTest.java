package io.partitrain.orchestrator.tracking;

import static io.partitrain.orchestrator.tracking.TrackerHarness.retry;
import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.orchestrator.state.PartitionRecord;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.WorkItem;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every partition ends, within a stated bound, whatever the fault schedule (issue 8). Random worlds
 * drive the tracker with a simulated backend and simulated workers on an injected clock: SUBMIT
 * items that no worker ever answers, workers that die mid-job (their heartbeats stop, their job
 * runs on), status events and heartbeats lost on the way, jobs that fail INFRA or USER. Liveness
 * must turn each silence into an adoption, each lost SUBMIT into an INFRA failure, and retries must
 * end every partition SUCCEEDED or FAILED.
 *
 * <p>The bound: each attempt takes at most its start delay and run time, plus one silence timeout
 * and one step for each of up to four silences in a row (a dead watcher, then lost terminal
 * reports), plus the largest backoff before the next attempt; partitions go in waves of {@code
 * maxInFlight}. A failing world prints its seed; rerun one with {@code -Dliveness.seed=N}.
 */
class LivenessPropertyTest {

  private static final Duration SILENCE = Duration.ofSeconds(30);
  private static final Duration HEARTBEAT = Duration.ofSeconds(10);
  private static final int MAX_STEP_S = 5;
  private static final int MAX_START_DELAY_S = 10;
  private static final int MAX_JOB_S = 300;
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
  private static final int WORLDS = Integer.getInteger("liveness.worlds", 150);

  @Test
  void everyPartitionEndsWithinTheBoundWhateverTheFaultSchedule() {
    Long only = Long.getLong("liveness.seed");
    long lost = 0;
    long deaths = 0;
    long adoptions = 0;
    long dropped = 0;
    for (long seed = 1; seed <= WORLDS; seed++) {
      if (only != null && seed != only) {
        continue;
      }
      World w = new World(seed);
      w.run();
      lost += w.lostSubmits;
      deaths += w.deadWatchers;
      adoptions += w.adoptions;
      dropped += w.droppedEvents;
    }
    System.out.printf(
        "LivenessPropertyTest: %d worlds; %d SUBMITs lost, %d watchers died, %d events dropped,"
            + " %d adoptions; every partition ended within its bound%n",
        WORLDS, lost, deaths, dropped, adoptions);
    if (only == null) {
      assertThat(lost).as("the fault schedule lost SUBMITs").isPositive();
      assertThat(deaths).as("the fault schedule killed watchers").isPositive();
      assertThat(adoptions).isPositive();
    }
  }

  /** One random world: a run, a backend, watchers, and a fault schedule. */
  private static final class World {
    final long seed;
    final SplittableRandom rnd;
    final TrackerHarness h = new TrackerHarness(SILENCE);
    final Map<String, Job> jobs = new HashMap<>();
    final List<Watcher> watchers = new ArrayList<>();
    long lostSubmits;
    long deadWatchers;
    long adoptions;
    long droppedEvents;

    World(long seed) {
      this.seed = seed;
      this.rnd = new SplittableRandom(seed);
    }

    void run() {
      int partitions = rnd.nextInt(1, 41);
      int maxInFlight = rnd.nextInt(1, 11);
      int maxAttempts = rnd.nextInt(1, 4);
      Instant start = h.clock.instant();
      h.start("r", partitions, maxInFlight, retry(maxAttempts));
      Duration perAttempt =
          Duration.ofSeconds(
              MAX_START_DELAY_S + MAX_JOB_S + 4 * (SILENCE.toSeconds() + 2L * MAX_STEP_S));
      long waves = (partitions + maxInFlight - 1) / maxInFlight;
      Duration bound = perAttempt.plus(MAX_BACKOFF).multipliedBy(maxAttempts * waves);
      Instant deadline = start.plus(bound);
      while (!settled()) {
        if (h.clock.instant().isAfter(deadline)) {
          throw new AssertionError(
              "seed "
                  + seed
                  + ": not every partition ended within the bound "
                  + bound
                  + " ("
                  + partitions
                  + " partitions, maxInFlight "
                  + maxInFlight
                  + ", maxAttempts "
                  + maxAttempts
                  + "): "
                  + states());
        }
        h.clock.advance(Duration.ofSeconds(rnd.nextInt(1, MAX_STEP_S + 1)));
        for (WorkItem item : h.tick()) {
          handOut(item);
        }
        for (Watcher watcher : List.copyOf(watchers)) {
          watcher.step();
        }
      }
      assertThat(h.run("r").partitions())
          .as("seed %d", seed)
          .allSatisfy(
              p -> assertThat(p.state()).isIn(PartitionState.SUCCEEDED, PartitionState.FAILED));
    }

    boolean settled() {
      return h.run("r").partitions().stream()
          .allMatch(
              p ->
                  (p.state() == PartitionState.SUCCEEDED || p.state() == PartitionState.FAILED)
                      && !p.hasRetryPending());
    }

    String states() {
      Map<PartitionState, Integer> n = new HashMap<>();
      for (PartitionRecord p : h.run("r").partitions()) {
        n.merge(p.state(), 1, Integer::sum);
      }
      return n.toString();
    }

    void handOut(WorkItem item) {
      switch (item.kind()) {
        case SUBMIT -> {
          if (rnd.nextInt(10) == 0) {
            lostSubmits++; // no worker ever answers it
            return;
          }
          Instant now = h.clock.instant();
          Instant startsAt = now.plusSeconds(rnd.nextInt(0, MAX_START_DELAY_S + 1));
          Instant endsAt = startsAt.plusSeconds(rnd.nextInt(1, MAX_JOB_S + 1));
          int roll = rnd.nextInt(10);
          JobPhase end = roll < 7 ? JobPhase.SUCCEEDED : JobPhase.FAILED;
          FailureClass fc = roll < 7 ? null : roll < 9 ? FailureClass.INFRA : FailureClass.USER;
          jobs.putIfAbsent(item.jobName(), new Job(startsAt, endsAt, end, fc));
          boolean dies = rnd.nextInt(10) == 0;
          Instant diesAt =
              dies ? now.plusSeconds(rnd.nextInt(0, MAX_JOB_S + MAX_START_DELAY_S)) : null;
          watchers.add(new Watcher(item, JobPhase.SUBMITTED, diesAt));
          emit(item, JobPhase.SUBMITTED, null, jobs.get(item.jobName()));
        }
        case ADOPT -> {
          adoptions++;
          watchers.add(new Watcher(item, null, null));
        }
        case CANCEL -> {}
      }
    }

    /** A status on its way to the tracker, lost now and then. */
    void emit(WorkItem item, JobPhase phase, FailureClass fc, Job job) {
      if (rnd.nextInt(100) < 3) {
        droppedEvents++;
        return;
      }
      if (phase.isTerminal()) {
        h.status(item, phase, fc, job == null ? null : job.startsAt, h.clock.instant());
      } else {
        h.status(item, phase, fc);
      }
    }

    /** What the backend says about a job now: null when it does not exist. */
    JobPhase phaseOf(Job job) {
      Instant now = h.clock.instant();
      if (job == null) {
        return null;
      }
      if (now.isBefore(job.startsAt)) {
        return JobPhase.QUEUED;
      }
      return now.isBefore(job.endsAt) ? JobPhase.RUNNING : job.end;
    }

    /** A worker watching one job: reports changes and heartbeats until the job ends or it dies. */
    final class Watcher {
      final WorkItem item;
      JobPhase reported;
      final Instant diesAt;
      Instant lastSent;
      int missing;

      Watcher(WorkItem item, JobPhase reported, Instant diesAt) {
        this.item = item;
        this.reported = reported;
        this.diesAt = diesAt;
        this.lastSent = h.clock.instant();
      }

      void step() {
        Instant now = h.clock.instant();
        if (diesAt != null && !now.isBefore(diesAt)) {
          deadWatchers++;
          watchers.remove(this);
          return;
        }
        Job job = jobs.get(item.jobName());
        JobPhase phase = phaseOf(job);
        if (phase == null) {
          if (++missing >= 3) {
            // As the worker does: a job missing from the backend is reported lost (INFRA).
            emit(item, JobPhase.FAILED, FailureClass.INFRA, null);
            watchers.remove(this);
          }
          return;
        }
        if (phase != reported) {
          emit(item, phase, phase == JobPhase.FAILED ? job.failureClass : null, job);
          reported = phase;
          lastSent = now;
        }
        if (phase.isTerminal()) {
          watchers.remove(this);
          return;
        }
        if (!now.isBefore(lastSent.plus(HEARTBEAT))) {
          if (rnd.nextInt(100) < 3) {
            droppedEvents++;
          } else {
            h.heartbeat(item, phase);
          }
          lastSent = now;
        }
      }
    }
  }

  /** A job in the simulated backend: when it starts and ends, and how. */
  private record Job(Instant startsAt, Instant endsAt, JobPhase end, FailureClass failureClass) {}
}
