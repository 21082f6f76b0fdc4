package io.partitrain.orchestrator.scheduling.deadline;

import io.partitrain.orchestrator.state.PartitionRecord;
import io.partitrain.orchestrator.state.RunState;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunDeadline;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.Schema;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Forecasts each running run's end against its deadline and says so, once, as soon as it crosses:
 * the partitions in flight hold their nodes for what remains of their expected time, the waiting
 * ones follow in admission order, per compute target under its node cap ({@link
 * MakespanSimulator}). A run is checked at most once per {@link #checkInterval} (the first time on
 * the first round after it starts), so the cost, one pass over the run's partitions, does not come
 * every round.
 *
 * <p>Its biggest limitation: it forecasts each run as if it had its targets' caps to itself, and
 * knows nothing of retries to come.
 */
public final class DeadlineWatch {

  /** How often a run is forecast at most. */
  public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(30);

  private final Duration checkInterval;
  private final Map<String, Instant> nextCheck = new HashMap<>();
  private final Set<String> warned = new HashSet<>();
  private final Map<String, Instant> admittedAt = new HashMap<>();

  public DeadlineWatch() {
    this(DEFAULT_CHECK_INTERVAL);
  }

  public DeadlineWatch(Duration checkInterval) {
    if (checkInterval == null || checkInterval.isNegative()) {
      throw new IllegalArgumentException(
          "deadline check interval must not be negative, but was " + checkInterval);
    }
    this.checkInterval = checkInterval;
  }

  /**
   * An observer for {@code OrchestratorState.onApplied}: remembers the runs already warned (so a
   * restarted leader does not warn again) and when each attempt in flight was admitted.
   */
  public void observe(RunEvent event) {
    if (event instanceof RunEvent.DeadlineAtRisk d) {
      warned.add(d.runId());
    } else if (event instanceof RunEvent.PartitionTransitioned t) {
      String key = t.runId() + "/" + t.partitionId();
      if (t.to() == PartitionState.ADMITTED) {
        admittedAt.put(key, t.at());
      } else if (!t.to().isInFlight()) {
        admittedAt.remove(key);
      }
    }
  }

  /** Whether the run's deadline warning was decided (snapshots record it). */
  public boolean warned(String runId) {
    return warned.contains(runId);
  }

  /** When the partition's attempt in flight was admitted, if known (snapshots record it). */
  public Instant admittedAt(String runId, String partitionId) {
    return admittedAt.get(runId + "/" + partitionId);
  }

  /** What a run's snapshot recorded: its warning, and when its attempts in flight were admitted. */
  public void restore(String runId, boolean warnedBefore, Map<String, Instant> admitted) {
    if (warnedBefore) {
      warned.add(runId);
    }
    admitted.forEach((partition, at) -> admittedAt.put(runId + "/" + partition, at));
  }

  /** Forgets a run evicted from memory (it finished: nothing more to forecast). */
  public void forget(String runId, Iterable<String> partitionIds) {
    warned.remove(runId);
    nextCheck.remove(runId);
    for (String p : partitionIds) {
      admittedAt.remove(runId + "/" + p);
    }
  }

  /**
   * The warning to record for this run now, if its forecast end has crossed its deadline and it was
   * not warned before.
   *
   * @param nodeCapOf the node cap in force per compute target ({@link MakespanSimulator#UNLIMITED}
   *     for none)
   */
  public Optional<RunEvent.DeadlineAtRisk> check(
      RunState run, ExpectedDurations durations, ToIntFunction<String> nodeCapOf, Instant now) {
    RunDeadline rd = run.definition().deadline();
    if (rd == null || warned.contains(run.runId()) || run.isComplete() || run.isCanceling()) {
      return Optional.empty();
    }
    Instant due = nextCheck.get(run.runId());
    if (due != null && now.isBefore(due)) {
      return Optional.empty();
    }
    nextCheck.put(run.runId(), now.plus(checkInterval));
    Instant deadline = rd.resolve(run.startedAt());
    Remaining work = remaining(run, durations, now);
    if (work.count == 0) {
      return Optional.empty();
    }
    int maxInFlight = run.definition().limits().maxInFlight();
    String lastTarget = null;
    double longest = -1;
    for (String target : work.targets()) {
      double length =
          nodeCapOf.applyAsInt(target) == 0 && !work.waiting(target).isEmpty()
              ? Double.POSITIVE_INFINITY
              : MakespanSimulator.simulate(
                      work.running(target),
                      work.waiting(target),
                      capOf(nodeCapOf, target, work),
                      maxInFlight)
                  .makespan();
      if (length > longest) {
        longest = length;
        lastTarget = target;
      }
    }
    // Null: nothing can start (a node cap of 0), so it never ends.
    Instant expectedEnd =
        Double.isInfinite(longest) ? null : now.plusMillis((long) Math.ceil(longest * 1000));
    if (expectedEnd != null && !expectedEnd.isAfter(deadline)) {
      return Optional.empty();
    }
    return Optional.of(atRisk(run, work, lastTarget, nodeCapOf, deadline, expectedEnd, now));
  }

  private RunEvent.DeadlineAtRisk atRisk(
      RunState run,
      Remaining work,
      String target,
      ToIntFunction<String> nodeCapOf,
      Instant deadline,
      Instant expectedEnd,
      Instant now) {
    int cap = nodeCapOf.applyAsInt(target);
    double window = Duration.between(now, deadline).toMillis() / 1000.0;
    Integer capToMeet =
        window <= 0
            ? null
            : DeadlineForecast.smallestCapMeeting(
                work.running(target),
                work.waiting(target),
                run.definition().limits().maxInFlight(),
                window);
    String at = cap == MakespanSimulator.UNLIMITED ? "without a node cap" : "at node cap " + cap;
    String detail =
        expectedEnd == null
            ? work.count + " partitions not finished cannot start: node cap 0 on " + target
            : window <= 0
                ? "the deadline "
                    + deadline
                    + " has passed with "
                    + work.count
                    + " partitions not finished"
                : work.count
                    + " partitions not finished are expected to end "
                    + DeadlineForecast.human(Duration.between(deadline, expectedEnd).toSeconds())
                    + " after the deadline "
                    + deadline
                    + " on "
                    + target
                    + " "
                    + at
                    + (capToMeet == null
                        ? "; no node cap would meet it"
                        : "; a node cap of " + capToMeet + " would meet it");
    return new RunEvent.DeadlineAtRisk(
        Schema.VERSION,
        run.runId(),
        deadline,
        expectedEnd,
        work.count,
        target,
        cap == MakespanSimulator.UNLIMITED ? null : cap,
        capToMeet,
        detail,
        now);
  }

  /** The cap to simulate with: no cap means every job at once; a cap of 0 lets nothing start. */
  private static int capOf(ToIntFunction<String> nodeCapOf, String target, Remaining work) {
    int cap = nodeCapOf.applyAsInt(target);
    int all = Math.max(1, work.nodes.getOrDefault(target, 1));
    return Math.max(work.widest.getOrDefault(target, 1), Math.min(cap, all));
  }

  private Remaining remaining(RunState run, ExpectedDurations durations, Instant now) {
    ExpectedDurations.Estimator estimator =
        durations.forPlan(run.definition().planName(), ExpectedDurations.Estimate.UNKNOWN);
    Remaining work = new Remaining();
    List<PartitionRecord> queue = new ArrayList<>(run.retries());
    queue.addAll(run.waiting());
    for (PartitionRecord p : queue) {
      work.add(p, expected(p, estimator), false);
    }
    for (PartitionRecord p : run.partitions()) {
      if (p.state().isInFlight()) {
        Instant admitted = admittedAt.get(run.runId() + "/" + p.partitionId());
        double elapsed =
            admitted == null ? 0 : Math.max(0, Duration.between(admitted, now).toMillis() / 1000.0);
        work.add(p, Math.max(0, expected(p, estimator) - elapsed), true);
      }
    }
    return work;
  }

  /** History, else a prior; with no history at all, the job's timeout (the worst case). */
  private static double expected(PartitionRecord p, ExpectedDurations.Estimator estimator) {
    ExpectedDurations.Estimate e = estimator.estimate(new PartitionSpec(p.partitionId(), p.tags()));
    if (e.source() != ExpectedDurations.Source.DEFAULT) {
      return e.seconds();
    }
    Duration timeout = p.job().limits().timeout();
    return timeout == null
        ? PlanDeadlineForecast.DEFAULT_PRIOR_SECONDS
        : timeout.toMillis() / 1000.0;
  }

  /** The run's unfinished work per compute target. */
  private static final class Remaining {
    private final Map<String, List<MakespanSimulator.Job>> running = new LinkedHashMap<>();
    private final Map<String, List<MakespanSimulator.Job>> waiting = new LinkedHashMap<>();
    private final Map<String, Integer> nodes = new HashMap<>();
    private final Map<String, Integer> widest = new HashMap<>();
    private int count;

    void add(PartitionRecord p, double seconds, boolean inFlight) {
      String target = p.computeTarget();
      (inFlight ? running : waiting)
          .computeIfAbsent(target, k -> new ArrayList<>())
          .add(MakespanSimulator.Job.exact(p.partitionId(), p.nodes(), seconds));
      nodes.merge(target, p.nodes(), Integer::sum);
      widest.merge(target, p.nodes(), Math::max);
      count++;
    }

    Set<String> targets() {
      return nodes.keySet();
    }

    List<MakespanSimulator.Job> running(String target) {
      return running.getOrDefault(target, List.of());
    }

    List<MakespanSimulator.Job> waiting(String target) {
      return waiting.getOrDefault(target, List.of());
    }
  }
}
