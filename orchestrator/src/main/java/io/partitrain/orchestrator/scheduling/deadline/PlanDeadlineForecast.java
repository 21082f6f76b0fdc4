package io.partitrain.orchestrator.scheduling.deadline;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.RunDeadline;
import io.partitrain.shared.plan.Plan;
import io.partitrain.shared.schedule.CronSchedule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * {@code partitrain run plan}'s deadline lines: when the next run of a plan would start (its next
 * fire time, else now), when it must be done, and per compute target whether the expected times fit
 * at the node cap ({@link DeadlineForecast}). Expected times come from the ledger ({@link
 * ExpectedDurations}); a plan without any history is forecast at its jobs' timeouts, the worst
 * case.
 *
 * @param planName the plan
 * @param deadlineAt the plan's deadline as written; null when it names none
 * @param timeZone the deadline's zone, if it is a local time
 * @param start when the run would start
 * @param deadline when it must be done; null without a deadline
 * @param assumedTimeout partitions forecast at their timeout because the plan has no history
 * @param targets one forecast per compute target
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PlanDeadlineForecast(
    String planName,
    String deadlineAt,
    String timeZone,
    Instant start,
    Instant deadline,
    int assumedTimeout,
    List<DeadlineForecast> targets) {

  /** A job's expected time when the plan has no history and the job no timeout: 10 minutes. */
  public static final double DEFAULT_PRIOR_SECONDS = 600;

  /** Whether every target meets the deadline; null without a deadline. */
  public Boolean meets() {
    if (deadline == null) {
      return null;
    }
    return targets.stream().allMatch(t -> Boolean.TRUE.equals(t.meets()));
  }

  /**
   * @param nodeCapOf the node cap in force per compute target ({@link MakespanSimulator#UNLIMITED}
   *     for none)
   * @param now the clock's now
   */
  public static PlanDeadlineForecast of(
      Plan plan, ExpectedDurations history, ToIntFunction<String> nodeCapOf, Instant now) {
    Instant start =
        plan.schedule() == null
            ? now
            : CronSchedule.of(plan.schedule()).nextAfter(now).map(f -> f.at()).orElse(now);
    RunDeadline rd = plan.definition().deadline();
    Instant deadline = rd == null ? null : rd.resolve(start);
    ExpectedDurations.Estimator estimator =
        history.forPlan(plan.name(), ExpectedDurations.Estimate.UNKNOWN);
    Map<String, List<DeadlineForecast.Partition>> byTarget = new LinkedHashMap<>();
    int assumedTimeout = 0;
    for (PartitionSpec p : plan.partitions()) {
      JobSpec job = plan.template().render("plan-forecast", p);
      Double timeout =
          job.limits().timeout() == null ? null : job.limits().timeout().toMillis() / 1000.0;
      ExpectedDurations.Estimate e = estimator.estimate(p);
      double seconds = e.seconds();
      if (e.source() == ExpectedDurations.Source.DEFAULT) {
        seconds = timeout != null ? timeout : DEFAULT_PRIOR_SECONDS;
        assumedTimeout += timeout != null ? 1 : 0;
      }
      byTarget
          .computeIfAbsent(job.computeTarget(), k -> new ArrayList<>())
          .add(
              new DeadlineForecast.Partition(
                  p.id(),
                  job.nodes(),
                  seconds,
                  timeout,
                  e.source() == ExpectedDurations.Source.HISTORY));
    }
    int maxInFlight = plan.definition().limits().maxInFlight();
    List<DeadlineForecast> targets = new ArrayList<>();
    byTarget.forEach(
        (target, partitions) ->
            targets.add(
                DeadlineForecast.of(
                    target,
                    partitions,
                    nodeCapOf.applyAsInt(target),
                    maxInFlight,
                    start,
                    deadline)));
    return new PlanDeadlineForecast(
        plan.name(),
        rd == null ? null : rd.at(),
        rd == null ? null : rd.timeZone(),
        start,
        deadline,
        assumedTimeout,
        targets);
  }
}
