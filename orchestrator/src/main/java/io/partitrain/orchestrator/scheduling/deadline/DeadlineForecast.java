package io.partitrain.orchestrator.scheduling.deadline;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a run's partitions on one compute target finish by the deadline at the node cap, and the
 * smallest node cap that would make them: the admission order is longest-expected-first, and the
 * run's end is found by {@link MakespanSimulator} on the expected times. A forecast, not a promise:
 * its biggest limitation is that it knows only the history's mean of each partition, and nothing of
 * retries or of other runs sharing the target.
 *
 * @param computeTarget the target these partitions run on
 * @param nodeCap the node cap forecast with; null when the target has none
 * @param maxInFlight the run's concurrency cap
 * @param partitions partitions on this target
 * @param withHistory of which have their own history
 * @param start when the run starts (the next fire time of a schedule, else now)
 * @param deadline when it must be done; null when the plan names none
 * @param expectedSeconds the run's expected length on this target
 * @param lowerBoundSeconds no order could be shorter: {@code max(Σ nodes × time / cap, longest)}
 * @param worstCaseSeconds the length if every job ran to its timeout; null without timeouts
 * @param meets whether the expected end is at or before the deadline; null without a deadline
 * @param capToMeet the smallest node cap whose expected end meets the deadline; null when none does
 *     (the longest job or maxInFlight is the limit) or there is no deadline
 * @param advice one line for people
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeadlineForecast(
    String computeTarget,
    Integer nodeCap,
    int maxInFlight,
    int partitions,
    int withHistory,
    Instant start,
    Instant deadline,
    double expectedSeconds,
    double lowerBoundSeconds,
    Double worstCaseSeconds,
    Boolean meets,
    Integer capToMeet,
    String advice) {

  /**
   * One partition as the forecast sees it.
   *
   * @param id the partition
   * @param nodes nodes its job holds
   * @param expectedSeconds from history or a prior
   * @param timeoutSeconds its {@code limits.timeout}; null when it has none
   * @param fromHistory whether {@code expectedSeconds} is the partition's own history
   */
  public record Partition(
      String id, int nodes, double expectedSeconds, Double timeoutSeconds, boolean fromHistory) {}

  /**
   * Forecasts one target.
   *
   * @param nodeCap the target's node cap, {@link MakespanSimulator#UNLIMITED} for none
   * @param deadline null for a plan without one
   */
  public static DeadlineForecast of(
      String computeTarget,
      List<Partition> planOrder,
      int nodeCap,
      int maxInFlight,
      Instant start,
      Instant deadline) {
    List<Partition> order =
        AdmissionOrder.longestExpectedFirst(
            planOrder, Partition::expectedSeconds, Partition::nodes);
    List<MakespanSimulator.Job> expected = new ArrayList<>(order.size());
    List<MakespanSimulator.Job> worst = new ArrayList<>(order.size());
    int totalNodes = 0;
    int withHistory = 0;
    for (Partition p : order) {
      expected.add(MakespanSimulator.Job.exact(p.id(), p.nodes(), p.expectedSeconds()));
      if (p.timeoutSeconds() != null) {
        worst.add(
            new MakespanSimulator.Job(p.id(), p.nodes(), p.expectedSeconds(), p.timeoutSeconds()));
      }
      totalNodes += p.nodes();
      withHistory += p.fromHistory() ? 1 : 0;
    }
    int cap = Math.max(1, Math.min(nodeCap, totalNodes));
    double length = MakespanSimulator.simulate(expected, cap, maxInFlight).makespan();
    double bound = MakespanSimulator.lowerBound(expected, cap, maxInFlight);
    Double worstCase =
        worst.size() == order.size()
            ? MakespanSimulator.simulate(worst, cap, maxInFlight).makespan()
            : null;
    Integer shownCap = nodeCap == MakespanSimulator.UNLIMITED ? null : nodeCap;
    if (deadline == null) {
      return new DeadlineForecast(
          computeTarget,
          shownCap,
          maxInFlight,
          order.size(),
          withHistory,
          start,
          null,
          length,
          bound,
          worstCase,
          null,
          null,
          "expected to take " + human(length));
    }
    double window = Duration.between(start, deadline).toMillis() / 1000.0;
    boolean meets = length <= window;
    Integer capToMeet = smallestCapMeeting(List.of(), expected, maxInFlight, window);
    return new DeadlineForecast(
        computeTarget,
        shownCap,
        maxInFlight,
        order.size(),
        withHistory,
        start,
        deadline,
        length,
        bound,
        worstCase,
        meets,
        capToMeet,
        advice(expected, shownCap, maxInFlight, length, window, meets, capToMeet));
  }

  /**
   * The smallest cap at which the expected end meets the window, by bisection (a list schedule's
   * length hardly ever grows with the cap; where it does, by less than one job's time); null when
   * not even every job at once meets it.
   *
   * @param running jobs in flight, with what remains of them
   * @param order the jobs still to start, in admission order
   */
  static Integer smallestCapMeeting(
      List<MakespanSimulator.Job> running,
      List<MakespanSimulator.Job> order,
      int maxInFlight,
      double window) {
    int lo = 1;
    int hi = 0;
    for (List<MakespanSimulator.Job> jobs : List.of(running, order)) {
      for (MakespanSimulator.Job j : jobs) {
        lo = Math.max(lo, j.nodes());
        hi += j.nodes();
      }
    }
    hi = Math.max(lo, hi);
    if (MakespanSimulator.simulate(running, order, hi, maxInFlight).makespan() > window) {
      return null;
    }
    while (lo < hi) {
      int mid = lo + (hi - lo) / 2;
      if (MakespanSimulator.simulate(running, order, mid, maxInFlight).makespan() <= window) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  private static String advice(
      List<MakespanSimulator.Job> order,
      Integer cap,
      int maxInFlight,
      double length,
      double window,
      boolean meets,
      Integer capToMeet) {
    String at = cap == null ? "without a node cap" : "at node cap " + cap;
    if (window <= 0) {
      return "the deadline is already past at the start";
    }
    if (meets) {
      return "meets the deadline "
          + at
          + " with "
          + human(window - length)
          + " to spare"
          + (capToMeet != null && (cap == null || capToMeet < cap)
              ? "; a node cap of " + capToMeet + " would still meet it"
              : "");
    }
    String miss = "misses the deadline " + at + " by " + human(length - window);
    if (capToMeet != null) {
      return miss + "; a node cap of " + capToMeet + " would meet it";
    }
    double longest = 0;
    for (MakespanSimulator.Job j : order) {
      longest = Math.max(longest, j.actualSeconds());
    }
    if (longest > window) {
      return miss
          + "; no node cap meets it: the longest job alone is expected to take "
          + human(longest);
    }
    return miss
        + "; no node cap meets it with concurrency.maxInFlight "
        + maxInFlight
        + ": raise maxInFlight too";
  }

  /** "3h 12m", "45m", "20s". */
  public static String human(double seconds) {
    long s = Math.round(Math.max(0, seconds));
    long h = s / 3600;
    long m = (s % 3600) / 60;
    if (h > 0) {
      return h + "h " + m + "m";
    }
    return m > 0 ? m + "m" : s + "s";
  }
}
