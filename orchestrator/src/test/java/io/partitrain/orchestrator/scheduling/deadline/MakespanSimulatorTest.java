package io.partitrain.orchestrator.scheduling.deadline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.partitrain.orchestrator.scheduling.deadline.MakespanSimulator.Job;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link MakespanSimulator}: hand-checked schedules, then properties on seeded random instances (a
 * failing seed is named in the message): no order beats the lower bound, longest-expected-first
 * stays within Graham's 4/3 of the true optimum (found by exhaustive search on small instances) and
 * within 5% of the lower bound on large ones, and FIFO is worse on the classic adversarial order.
 */
class MakespanSimulatorTest {

  private static final double EPS = 1e-9;

  @Test
  void startsEachJobAsSoonAsItsNodesAreFree() {
    List<Job> jobs =
        List.of(Job.exact("a", 1, 10), Job.exact("b", 1, 4), Job.exact("c", 1, 3), job("d", 2, 1));
    MakespanSimulator.Schedule s = MakespanSimulator.simulate(jobs, 2);
    // a [0,10) and b [0,4); c starts when b ends [4,7); d needs both nodes: after a ends.
    assertThat(s.starts()).containsExactly(0.0, 0.0, 4.0, 10.0);
    assertThat(s.makespan()).isEqualTo(11.0);
  }

  @Test
  void aJobThatDoesNotFitYetHoldsBackTheOnesBehindIt() {
    // As the tracker admits: strictly in order, no backfilling past a job that waits for nodes.
    List<Job> jobs = List.of(Job.exact("a", 1, 10), job("big", 2, 1), Job.exact("small", 1, 1));
    MakespanSimulator.Schedule s = MakespanSimulator.simulate(jobs, 2);
    assertThat(s.starts()).containsExactly(0.0, 10.0, 11.0);
    assertThat(s.makespan()).isEqualTo(12.0);
  }

  @Test
  void theConcurrencyCapLimitsJobsInFlightBesideTheNodeCap() {
    List<Job> jobs = List.of(Job.exact("a", 1, 5), Job.exact("b", 1, 5), Job.exact("c", 1, 5));
    assertThat(MakespanSimulator.simulate(jobs, 10, 1).makespan()).isEqualTo(15.0);
    assertThat(MakespanSimulator.simulate(jobs, 10, 2).makespan()).isEqualTo(10.0);
    assertThat(MakespanSimulator.lowerBound(jobs, 10, 2)).isEqualTo(7.5);
    assertThat(MakespanSimulator.lowerBound(jobs, 10)).isEqualTo(5.0);
  }

  @Test
  void theLowerBoundIsTheAreaOverTheCapOrTheLongestJob() {
    assertThat(MakespanSimulator.lowerBound(List.of(job("a", 2, 10), Job.exact("b", 1, 4)), 4))
        .isEqualTo(10.0);
    assertThat(MakespanSimulator.lowerBound(List.of(job("a", 2, 10), job("b", 2, 10)), 2))
        .isEqualTo(20.0);
    assertThat(MakespanSimulator.simulate(List.of(), 3).makespan()).isZero();
  }

  @Test
  void aJobBiggerThanTheCapIsRefusedNamingIt() {
    assertThatThrownBy(() -> MakespanSimulator.simulate(List.of(job("gpu-train", 4, 1)), 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gpu-train")
        .hasMessageContaining("needs 4 nodes, more than the node cap 2");
    assertThatThrownBy(() -> MakespanSimulator.simulate(List.of(), 0))
        .hasMessageContaining("node cap must be at least 1, but was 0");
    assertThatThrownBy(() -> new Job("x", 1, Double.NaN, 1)).hasMessageContaining("x");
  }

  @Test
  void noOrderFinishesBeforeTheLowerBound() {
    for (long seed = 1; seed <= 300; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      int cap = 1 + r.nextInt(16);
      List<Job> jobs = randomJobs(r, 1 + r.nextInt(60), cap);
      double bound = MakespanSimulator.lowerBound(jobs, cap);
      assertThat(MakespanSimulator.simulate(jobs, cap).makespan())
          .as("seed %d, FIFO", seed)
          .isGreaterThanOrEqualTo(bound - EPS);
      assertThat(
              MakespanSimulator.simulate(AdmissionOrder.longestExpectedFirst(jobs), cap).makespan())
          .as("seed %d, longest first", seed)
          .isGreaterThanOrEqualTo(bound - EPS);
    }
  }

  @Test
  void longestFirstIsWithinFourThirdsOfTheOptimum() {
    // One-node jobs on m nodes: Graham's bound for LPT is (4/3 - 1/(3m)) x OPT.
    for (long seed = 1; seed <= 400; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      int m = 2 + r.nextInt(2);
      List<Job> jobs = new ArrayList<>();
      for (int i = 0; i < 3 + r.nextInt(6); i++) {
        jobs.add(Job.exact("p" + i, 1, 1 + r.nextInt(20)));
      }
      double optimum = optimum(jobs, m);
      double lpt =
          MakespanSimulator.simulate(AdmissionOrder.longestExpectedFirst(jobs), m).makespan();
      assertThat(lpt)
          .as("seed %d: %d jobs on %d nodes, optimum %s", seed, jobs.size(), m, optimum)
          .isLessThanOrEqualTo((4.0 / 3 - 1.0 / (3 * m)) * optimum + EPS)
          .isGreaterThanOrEqualTo(optimum - EPS);
    }
  }

  @Test
  void longestFirstIsWithinFivePercentOfTheLowerBoundOnLargeInstances() {
    for (long seed = 1; seed <= 20; seed++) {
      List<Job> jobs = BenchInstances.retailWeek(2_000, seed);
      MakespanSimulator.Comparison c = MakespanSimulator.compare(jobs, 32);
      assertThat(c.historyAwareRatio()).as("seed %d: %s", seed, c).isLessThanOrEqualTo(1.05);
      assertThat(c.historyAwareRatio()).as("seed %d", seed).isGreaterThanOrEqualTo(1.0 - EPS);
    }
  }

  @Test
  void fifoIsNearlyTwiceTheBoundWhenTheLongestJobComesLast() {
    // Graham's worst case for list scheduling: m(m-1) unit jobs, then one of length m.
    int m = 10;
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < m * (m - 1); i++) {
      jobs.add(Job.exact("small-" + i, 1, 1));
    }
    jobs.add(Job.exact("big", 1, m));
    MakespanSimulator.Comparison c = MakespanSimulator.compare(jobs, m);
    assertThat(c.lowerBound()).isEqualTo(m);
    assertThat(c.fifoMakespan()).isEqualTo(2 * m - 1);
    assertThat(c.fifoRatio()).isCloseTo(2 - 1.0 / m, within(EPS));
    assertThat(c.historyAwareMakespan()).isEqualTo(m);
    assertThat(c.historyAwareRatio()).isEqualTo(1.0);
  }

  @Test
  void onTheBenchInstanceHistoryAwareBeatsFifo() {
    double fifo = 0;
    double aware = 0;
    for (long seed = 1; seed <= 5; seed++) {
      MakespanSimulator.Comparison c =
          MakespanSimulator.compare(BenchInstances.retailWeek(10_000, seed), 64);
      assertThat(c.historyAwareRatio()).as("seed %d: %s", seed, c).isLessThanOrEqualTo(1.05);
      fifo += c.fifoRatio();
      aware += c.historyAwareRatio();
    }
    assertThat(aware).isLessThan(fifo);
  }

  @Test
  void withoutHistoryTheOrderIsThePlanOrder() {
    List<Job> jobs = List.of(new Job("a", 1, 0, 3), new Job("b", 1, 0, 9), new Job("c", 1, 0, 1));
    assertThat(AdmissionOrder.longestExpectedFirst(jobs))
        .extracting(Job::id)
        .containsExactly("a", "b", "c");
  }

  private static Job job(String id, int nodes, double seconds) {
    return Job.exact(id, nodes, seconds);
  }

  private static List<Job> randomJobs(SplittableRandom r, int n, int cap) {
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double expected = 1 + r.nextInt(100);
      double actual = Math.max(0.5, expected * (0.5 + r.nextDouble()));
      jobs.add(new Job("p" + i, 1 + r.nextInt(cap), expected, actual));
    }
    return jobs;
  }

  /** The best makespan of one-node jobs on m nodes, by trying every assignment. */
  private static double optimum(List<Job> jobs, int m) {
    return best(jobs, 0, new double[m]);
  }

  private static double best(List<Job> jobs, int i, double[] load) {
    if (i == jobs.size()) {
      double max = 0;
      for (double l : load) {
        max = Math.max(max, l);
      }
      return max;
    }
    double best = Double.MAX_VALUE;
    for (int k = 0; k < load.length; k++) {
      load[k] += jobs.get(i).actualSeconds();
      best = Math.min(best, best(jobs, i + 1, load));
      load[k] -= jobs.get(i).actualSeconds();
    }
    return best;
  }
}
