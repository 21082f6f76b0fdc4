package io.partitrain.orchestrator.scheduling.deadline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * Simulates how long a run takes under a node cap when its partitions are admitted in a given
 * order, the way the tracker admits them: strictly in order, each as soon as enough nodes are free
 * (and fewer than {@code maxInFlight} jobs are in flight), never skipping ahead of one that does
 * not fit yet. Pure and deterministic: no clock, no randomness.
 *
 * <p>It answers two questions: how far from the best possible a given order is ({@link #compare},
 * the bench's "history-aware ÷ lower bound vs FIFO" figure), and when a run would end ({@link
 * #simulate}, which the deadline forecast uses). The lower bound is {@code max(Σ nodes × time /
 * cap, longest job)} (and {@code Σ time / maxInFlight} when the concurrency cap binds): no order
 * can finish sooner. Longest-expected-first (LPT) keeps a list schedule within 4/3 of the optimum
 * on one-node jobs (Graham, 1969), and close to the lower bound when there are many more jobs than
 * nodes. Its biggest limitation: it is only as good as the expected times it sorts by.
 */
public final class MakespanSimulator {

  /** No concurrency cap beyond the node cap. */
  public static final int UNLIMITED = Integer.MAX_VALUE;

  private MakespanSimulator() {}

  /**
   * One partition's job.
   *
   * @param id the partition
   * @param nodes nodes it holds while it runs, at least 1
   * @param expectedSeconds what the ordering believes it takes (history, or a prior)
   * @param actualSeconds what it really takes in the simulation
   */
  public record Job(String id, int nodes, double expectedSeconds, double actualSeconds) {
    public Job {
      Objects.requireNonNull(id, "id");
      if (nodes < 1) {
        throw new IllegalArgumentException(
            "job " + id + ": nodes must be at least 1, but was " + nodes);
      }
      if (!(expectedSeconds >= 0) || !(actualSeconds >= 0)) {
        throw new IllegalArgumentException(
            "job "
                + id
                + ": seconds must be finite and at least 0, but were "
                + expectedSeconds
                + " expected, "
                + actualSeconds
                + " actual");
      }
    }

    /** A job whose expected time is exactly its actual time. */
    public static Job exact(String id, int nodes, double seconds) {
      return new Job(id, nodes, seconds, seconds);
    }

    double area() {
      return nodes * actualSeconds;
    }
  }

  /**
   * When each job of a simulated run starts, and when the last one ends.
   *
   * @param makespan the end of the last job, in seconds from the start
   * @param starts each job's start, in the order given
   */
  public record Schedule(double makespan, List<Double> starts) {}

  /**
   * The bench's figure for one instance.
   *
   * @param lowerBound no order can finish sooner
   * @param fifoMakespan admitted in plan order
   * @param historyAwareMakespan admitted longest-expected-first
   */
  public record Comparison(double lowerBound, double fifoMakespan, double historyAwareMakespan) {

    /** FIFO's makespan ÷ the lower bound (1.0 is the best possible). */
    public double fifoRatio() {
      return ratio(fifoMakespan);
    }

    /** Longest-expected-first's makespan ÷ the lower bound (1.0 is the best possible). */
    public double historyAwareRatio() {
      return ratio(historyAwareMakespan);
    }

    private double ratio(double makespan) {
      return lowerBound == 0 ? 1.0 : makespan / lowerBound;
    }
  }

  /** {@link #simulate} without a concurrency cap. */
  public static Schedule simulate(List<Job> order, int nodeCap) {
    return simulate(order, nodeCap, UNLIMITED);
  }

  /**
   * Runs the jobs in {@code order} as the tracker admits them (see the class comment).
   *
   * @throws IllegalArgumentException when a job needs more nodes than the cap (it could never run)
   */
  public static Schedule simulate(List<Job> order, int nodeCap, int maxInFlight) {
    return simulate(List.of(), order, nodeCap, maxInFlight);
  }

  /**
   * Like {@link #simulate(List, int, int)}, for a run under way: {@code running} jobs hold their
   * nodes from time 0 for their {@link Job#actualSeconds()} (what remains of them), even beyond a
   * cap that was lowered since they started.
   */
  public static Schedule simulate(
      List<Job> running, List<Job> order, int nodeCap, int maxInFlight) {
    checkCaps(order, nodeCap, maxInFlight);
    PriorityQueue<double[]> inFlight = new PriorityQueue<>(Comparator.comparingDouble(r -> r[0]));
    List<Double> starts = new ArrayList<>(order.size());
    double now = 0;
    double end = 0;
    int free = nodeCap;
    for (Job job : running) {
      free -= job.nodes();
      end = Math.max(end, job.actualSeconds());
      inFlight.add(new double[] {job.actualSeconds(), job.nodes()});
    }
    for (Job job : order) {
      while (job.nodes() > free || inFlight.size() >= maxInFlight) {
        double[] done = inFlight.poll();
        now = Math.max(now, done[0]);
        free += (int) done[1];
      }
      starts.add(now);
      free -= job.nodes();
      double finish = now + job.actualSeconds();
      end = Math.max(end, finish);
      inFlight.add(new double[] {finish, job.nodes()});
    }
    return new Schedule(end, starts);
  }

  /**
   * {@code max(Σ nodes × time / cap, longest job)}, and {@code Σ time / maxInFlight} when that is
   * larger: no order of these jobs can finish sooner.
   */
  public static double lowerBound(List<Job> jobs, int nodeCap, int maxInFlight) {
    checkCaps(jobs, nodeCap, maxInFlight);
    double area = 0;
    double time = 0;
    double longest = 0;
    for (Job j : jobs) {
      area += j.area();
      time += j.actualSeconds();
      longest = Math.max(longest, j.actualSeconds());
    }
    double bound = Math.max(area / nodeCap, longest);
    return maxInFlight == UNLIMITED ? bound : Math.max(bound, time / maxInFlight);
  }

  /** {@link #lowerBound(List, int, int)} without a concurrency cap. */
  public static double lowerBound(List<Job> jobs, int nodeCap) {
    return lowerBound(jobs, nodeCap, UNLIMITED);
  }

  /**
   * The same jobs under the same cap, admitted in plan order (FIFO) and longest-expected-first,
   * each against the lower bound.
   *
   * @param planOrder the jobs in the order the plan lists them
   */
  public static Comparison compare(List<Job> planOrder, int nodeCap) {
    return new Comparison(
        lowerBound(planOrder, nodeCap),
        simulate(planOrder, nodeCap).makespan(),
        simulate(AdmissionOrder.longestExpectedFirst(planOrder), nodeCap).makespan());
  }

  private static void checkCaps(List<Job> jobs, int nodeCap, int maxInFlight) {
    if (nodeCap < 1) {
      throw new IllegalArgumentException("node cap must be at least 1, but was " + nodeCap);
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1, but was " + maxInFlight);
    }
    for (Job j : jobs) {
      if (j.nodes() > nodeCap) {
        throw new IllegalArgumentException(
            "job "
                + j.id()
                + " needs "
                + j.nodes()
                + " nodes, more than the node cap "
                + nodeCap
                + ": it could never run");
      }
    }
  }
}
