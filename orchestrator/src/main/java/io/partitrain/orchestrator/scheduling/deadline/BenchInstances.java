package io.partitrain.orchestrator.scheduling.deadline;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Instances for the makespan figure of {@code partitrain bench}: a week of per-store training as
 * retailers run it. Job times are log-normal (median 10 minutes, a long tail of big stores: a few
 * run ten times the median), the plan lists stores by id, which says nothing about their size, and
 * this week's times differ from the history's mean by about 15% (so the history-aware order sorts
 * by an estimate, not by the truth). One node per job.
 */
public final class BenchInstances {

  /** Median job time: 10 minutes. */
  public static final double MEDIAN_SECONDS = 600;

  /** Spread of job times (σ of the log): the biggest of 10,000 stores runs about 40× the median. */
  public static final double SIGMA = 1.0;

  /** How far this week's time strays from the history's mean (σ of the log). */
  public static final double NOISE = 0.15;

  private BenchInstances() {}

  /** {@code partitions} stores in plan order, reproducible from {@code seed}. */
  public static List<MakespanSimulator.Job> retailWeek(int partitions, long seed) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1, but was " + partitions);
    }
    SplittableRandom random = new SplittableRandom(seed);
    List<MakespanSimulator.Job> jobs = new ArrayList<>(partitions);
    for (int i = 0; i < partitions; i++) {
      double expected = MEDIAN_SECONDS * Math.exp(SIGMA * gaussian(random));
      double actual = expected * Math.exp(NOISE * gaussian(random));
      jobs.add(new MakespanSimulator.Job(String.format("store-%05d", i), 1, expected, actual));
    }
    return jobs;
  }

  /** A standard normal deviate (Box–Muller), so the instance depends on the seed alone. */
  private static double gaussian(SplittableRandom random) {
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
