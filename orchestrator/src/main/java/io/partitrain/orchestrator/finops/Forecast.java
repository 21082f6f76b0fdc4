package io.partitrain.orchestrator.finops;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.partitrain.shared.contracts.CostBudget;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.contracts.Money;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.plan.Plan;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code partitrain run plan}: what a run of a plan would cost, before anything is emitted. The
 * worst case comes from the timeouts (what admission will reserve) and the plan's {@code
 * retry.maxAttempts}: every partition fails retryably until its last attempt, each attempt running
 * to its timeout (issue 23: it had counted one attempt per partition); the expected case from the
 * ledger of earlier runs of the same plan, where there are some (mean cost per run of each
 * partition, retries included, and mean billable time of its successful attempts).
 *
 * <p>Deferred partitions are estimated as admission would decide at the end of a run: in plan
 * order, a partition runs when {@code expected spend so far + its worst case ≤ cap}. Its biggest
 * limitation: it ignores concurrency, under which reservations of attempts in flight defer more
 * partitions for a while (they run again as budget frees), never fewer at the end.
 *
 * @param planName the plan
 * @param currency the budget's currency; null without a budget
 * @param cap the cap; null without a budget
 * @param maxAttempts attempts per partition the plan allows ({@code retry.maxAttempts})
 * @param firstAttempts sum of every partition's reservation: one attempt each, to its timeout
 * @param worstCase every partition's {@code maxAttempts} attempts, each to its timeout
 * @param expected sum of every partition's expected cost (one attempt to its timeout where it has
 *     no history)
 * @param partitionsWithHistory partitions with ledger entries from earlier runs
 * @param earlierRuns earlier runs of the plan found in the ledger
 * @param deferredWorstCase partitions the cap could defer if every partition used all its attempts,
 *     each to its timeout
 * @param deferredExpected partitions the cap would defer at expected costs
 * @param warnings human-readable warnings
 * @param partitions per partition
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Forecast(
    String planName,
    String currency,
    BigDecimal cap,
    int maxAttempts,
    BigDecimal firstAttempts,
    BigDecimal worstCase,
    BigDecimal expected,
    int partitionsWithHistory,
    int earlierRuns,
    int deferredWorstCase,
    int deferredExpected,
    List<String> warnings,
    List<PartitionForecast> partitions) {

  /**
   * @param reservation nodes x price x timeout: what admission reserves for one attempt
   * @param worstCase {@code maxAttempts} reservations
   * @param expected mean cost per earlier run; null without history
   * @param expectedSeconds mean billable seconds of its successful attempts; null without history
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PartitionForecast(
      String partitionId,
      String computeTarget,
      int nodes,
      BigDecimal reservation,
      BigDecimal worstCase,
      BigDecimal expected,
      Double expectedSeconds) {}

  public static Forecast of(Plan plan, List<FinOpsRecord.LedgerEntry> history) {
    CostBudget budget = plan.definition().limits().budget();
    int maxAttempts = plan.definition().retry().maxAttempts();
    BigDecimal attempts = BigDecimal.valueOf(maxAttempts);
    Map<String, Map<String, BigDecimal>> costByPartitionRun = new HashMap<>();
    Map<String, double[]> seconds = new HashMap<>();
    java.util.Set<String> runs = new java.util.HashSet<>();
    for (FinOpsRecord.LedgerEntry l : history) {
      if (!plan.name().equals(l.planName())) {
        continue;
      }
      runs.add(l.runId());
      costByPartitionRun
          .computeIfAbsent(l.partitionId(), k -> new HashMap<>())
          .merge(l.runId(), l.cost(), BigDecimal::add);
      if (l.outcome() == PartitionState.SUCCEEDED) {
        double[] s = seconds.computeIfAbsent(l.partitionId(), k -> new double[2]);
        s[0] += l.billableSeconds();
        s[1]++;
      }
    }
    List<PartitionForecast> out = new ArrayList<>();
    BigDecimal first = BigDecimal.ZERO;
    BigDecimal worst = BigDecimal.ZERO;
    BigDecimal expected = BigDecimal.ZERO;
    int withHistory = 0;
    int deferredWorst = 0;
    int deferredExpected = 0;
    BigDecimal spentWorst = BigDecimal.ZERO;
    BigDecimal spentExpected = BigDecimal.ZERO;
    for (PartitionSpec p : plan.partitions()) {
      JobSpec job = plan.template().render("plan-forecast", p);
      BigDecimal r =
          budget == null
              ? BigDecimal.ZERO
              : CostBudget.cost(
                  job.nodes(),
                  budget.priceOf(job).orElse(BigDecimal.ZERO),
                  job.limits().timeout() == null
                      ? java.time.Duration.ZERO
                      : job.limits().timeout());
      Map<String, BigDecimal> perRun = costByPartitionRun.get(p.id());
      BigDecimal e =
          perRun == null
              ? null
              : perRun.values().stream()
                  .reduce(BigDecimal.ZERO, BigDecimal::add)
                  .divide(
                      BigDecimal.valueOf(perRun.size()),
                      CostBudget.MONEY_SCALE,
                      RoundingMode.HALF_UP);
      double[] s = seconds.get(p.id());
      out.add(
          new PartitionForecast(
              p.id(),
              job.computeTarget(),
              job.nodes(),
              r,
              r.multiply(attempts),
              e,
              s == null || s[1] == 0 ? null : s[0] / s[1]));
      withHistory += e == null ? 0 : 1;
      BigDecimal eOrR = e == null ? r : e;
      BigDecimal w = r.multiply(attempts);
      first = first.add(r);
      worst = worst.add(w);
      expected = expected.add(eOrR);
      if (budget != null) {
        if (spentWorst.add(w).compareTo(budget.cap()) <= 0) {
          spentWorst = spentWorst.add(w);
        } else {
          deferredWorst++;
        }
        // Admission needs room for one whole reservation, whatever the attempt will cost.
        if (spentExpected.add(r).compareTo(budget.cap()) <= 0) {
          spentExpected = spentExpected.add(eOrR);
        } else {
          deferredExpected++;
        }
      }
    }
    List<String> warnings = new ArrayList<>();
    if (budget == null) {
      warnings.add("the plan has no budget: no cost cap, and no prices to forecast with");
    } else {
      if (worst.compareTo(budget.cap()) > 0) {
        warnings.add(
            "worst case "
                + Money.format(worst, budget.currency())
                + " "
                + budget.currency()
                + " exceeds the cap "
                + Money.format(budget.cap(), budget.currency())
                + ": "
                + deferredWorst
                + " partitions could be deferred if every partition used its "
                + maxAttempts
                + " attempts, each to its timeout");
      }
      if (withHistory > 0 && expected.compareTo(budget.cap()) > 0) {
        warnings.add(
            "expected cost "
                + Money.format(expected, budget.currency())
                + " "
                + budget.currency()
                + " exceeds the cap "
                + Money.format(budget.cap(), budget.currency())
                + ": about "
                + deferredExpected
                + " partitions would be deferred");
      }
    }
    return new Forecast(
        plan.name(),
        budget == null ? null : budget.currency(),
        budget == null ? null : budget.cap(),
        maxAttempts,
        first,
        worst,
        expected,
        withHistory,
        runs.size(),
        deferredWorst,
        deferredExpected,
        warnings,
        out);
  }
}
