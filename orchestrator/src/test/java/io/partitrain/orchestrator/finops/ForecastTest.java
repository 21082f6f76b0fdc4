package io.partitrain.orchestrator.finops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.partitrain.shared.contracts.CostBudget;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RetryPolicy;
import io.partitrain.shared.contracts.RunDefinition;
import io.partitrain.shared.contracts.RunLimits;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.plan.JobTemplate;
import io.partitrain.shared.plan.Plan;
import io.partitrain.shared.serde.Json;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link Forecast}: worst case from timeouts, expected case from the ledger of earlier runs, and
 * the deferrals and warnings against the cap.
 *
 * <p>Every job has 2 nodes on {@code azureml:cpu} and a 1 hour timeout; its instance type comes
 * from the partition's {@code size} tag, priced small 1.00/h and large 3.00/h. So the worst case of
 * a small partition is 2.00 and of a large one 6.00 per attempt. Plans allow one attempt unless a
 * test says otherwise, so that the per-attempt rules read plainly.
 */
class ForecastTest {

  static final String PLAN = "demand";
  static final Instant T0 = Instant.parse("2026-11-23T05:00:00Z");

  static PartitionSpec small(String id) {
    return new PartitionSpec(id, Map.of("size", "small"));
  }

  static PartitionSpec large(String id) {
    return new PartitionSpec(id, Map.of("size", "large"));
  }

  static Plan plan(String cap, PartitionSpec... partitions) {
    return plan(cap, 1, partitions);
  }

  static Plan plan(String cap, int maxAttempts, PartitionSpec... partitions) {
    ObjectNode job = JsonNodeFactory.instance.objectNode();
    job.put("command", "train ${{partition.id}}");
    job.put("compute", "azureml:cpu");
    job.putObject("resources")
        .put("instance_count", 2)
        .put("instance_type", "${{partition.tags.size}}");
    job.putObject("limits").put("timeout", 3600);
    CostBudget budget =
        cap == null
            ? null
            : new CostBudget(
                new BigDecimal(cap),
                "EUR",
                Map.of("small", new BigDecimal("1.00"), "large", new BigDecimal("3.00")));
    RunDefinition definition =
        new RunDefinition(
            PLAN,
            "/plans/plan.yml",
            job,
            new RetryPolicy(
                maxAttempts,
                RetryPolicy.DEFAULT_INITIAL_BACKOFF,
                RetryPolicy.DEFAULT_MULTIPLIER,
                RetryPolicy.DEFAULT_MAX_BACKOFF,
                RetryPolicy.DEFAULT_JITTER,
                false),
            new RunLimits(8, budget));
    return new Plan(
        Path.of("/plans/plan.yml"),
        definition,
        Arrays.asList(partitions),
        JobTemplate.fromTree(job, "/plans/job.yml"));
  }

  static FinOpsRecord.LedgerEntry ledger(
      String plan,
      String run,
      String partition,
      int attempt,
      String cost,
      double seconds,
      PartitionState outcome) {
    FailureClass cls = outcome == PartitionState.SUCCEEDED ? null : FailureClass.INFRA;
    return new FinOpsRecord.LedgerEntry(
        Schema.VERSION,
        run,
        plan,
        partition,
        attempt,
        "cpu",
        "small",
        2,
        seconds,
        new BigDecimal("1.00"),
        new BigDecimal(cost),
        new BigDecimal("2.00"),
        "EUR",
        outcome,
        cls,
        Map.of(),
        T0);
  }

  static FinOpsRecord.LedgerEntry ok(String run, String partition, String cost, double seconds) {
    return ledger(PLAN, run, partition, 1, cost, seconds, PartitionState.SUCCEEDED);
  }

  @Test
  void withoutBudgetThereIsNoCapNoCostAndOneWarning() {
    Forecast f = Forecast.of(plan(null, small("p1"), large("p2")), List.of());
    assertThat(f.currency()).isNull();
    assertThat(f.cap()).isNull();
    assertThat(f.worstCase()).isEqualByComparingTo("0");
    assertThat(f.expected()).isEqualByComparingTo("0");
    assertThat(f.deferredWorstCase()).isZero();
    assertThat(f.deferredExpected()).isZero();
    assertThat(f.partitions()).hasSize(2);
    assertThat(f.warnings())
        .containsExactly("the plan has no budget: no cost cap, and no prices to forecast with");
  }

  @Test
  void theWorstCaseIsNodesTimesPriceTimesTimeoutPerPartition() {
    Forecast f = Forecast.of(plan("20", small("p1"), large("p2"), small("p3")), List.of());
    assertThat(f.planName()).isEqualTo(PLAN);
    assertThat(f.currency()).isEqualTo("EUR");
    assertThat(f.cap()).isEqualByComparingTo("20");
    assertThat(f.partitions())
        .extracting(Forecast.PartitionForecast::partitionId)
        .containsExactly("p1", "p2", "p3");
    assertThat(f.partitions())
        .extracting(Forecast.PartitionForecast::computeTarget)
        .containsOnly("cpu");
    assertThat(f.partitions()).extracting(Forecast.PartitionForecast::nodes).containsOnly(2);
    assertThat(f.partitions().get(0).worstCase()).isEqualByComparingTo("2.00");
    assertThat(f.partitions().get(1).worstCase()).isEqualByComparingTo("6.00");
    assertThat(f.partitions().get(2).worstCase()).isEqualByComparingTo("2.00");
    assertThat(f.worstCase()).isEqualByComparingTo("10.00");
    // no history: the expected case is the worst case, and no partition has an expected cost
    assertThat(f.expected()).isEqualByComparingTo("10.00");
    assertThat(f.partitions())
        .allSatisfy(
            p -> {
              assertThat(p.expected()).isNull();
              assertThat(p.expectedSeconds()).isNull();
            });
    assertThat(f.partitionsWithHistory()).isZero();
    assertThat(f.earlierRuns()).isZero();
    assertThat(f.deferredWorstCase()).isZero();
    assertThat(f.deferredExpected()).isZero();
    assertThat(f.warnings()).isEmpty();
  }

  @Test
  void theWorstCaseCountsEveryAttemptThePlanAllows() {
    // Issue 23: with maxAttempts 2 the worst case had counted one attempt per partition.
    Forecast f = Forecast.of(plan("12", 2, small("p1"), large("p2"), small("p3")), List.of());
    assertThat(f.maxAttempts()).isEqualTo(2);
    assertThat(f.partitions().get(1).reservation()).isEqualByComparingTo("6.00");
    assertThat(f.partitions().get(1).worstCase()).isEqualByComparingTo("12.00");
    assertThat(f.firstAttempts()).isEqualByComparingTo("10.00");
    assertThat(f.worstCase()).isEqualByComparingTo("20.00");
    // no history: expected is one attempt each, to its timeout
    assertThat(f.expected()).isEqualByComparingTo("10.00");
    // p1 4 fits, p2 4 + 12 > 12 could be deferred, p3 4 + 4 fits
    assertThat(f.deferredWorstCase()).isEqualTo(1);
    assertThat(f.deferredExpected()).isZero();
    // amounts at the currency's precision, as every other line prints them
    assertThat(f.warnings())
        .containsExactly(
            "worst case 20.00 EUR exceeds the cap 12.00: 1 partitions could be deferred if every"
                + " partition used its 2 attempts, each to its timeout");
  }

  @Test
  void aWorstCaseExactlyAtTheCapDefersNothingAndWarnsNothing() {
    Forecast f = Forecast.of(plan("10.00", small("p1"), large("p2"), small("p3")), List.of());
    assertThat(f.worstCase()).isEqualByComparingTo("10");
    assertThat(f.deferredWorstCase()).isZero();
    assertThat(f.warnings()).isEmpty();
  }

  @Test
  void aWorstCaseOverTheCapWarnsAndCountsDeferralsInPlanOrder() {
    // p1 2 (spent 2), p2 2+6 > 7 deferred, p3 2+2 = 4 fits: one deferral
    Forecast f = Forecast.of(plan("7", small("p1"), large("p2"), small("p3")), List.of());
    assertThat(f.deferredWorstCase()).isEqualTo(1);
    assertThat(f.deferredExpected()).isEqualTo(1);
    // without history no expected-cost warning, although the expected (= worst) case is over the
    // cap
    assertThat(f.warnings())
        .containsExactly(
            "worst case 10.00 EUR exceeds the cap 7.00: 1 partitions could be deferred if every"
                + " partition used its 1 attempts, each to its timeout");
  }

  @Test
  void everyPartitionBeyondTheCapIsDeferred() {
    Forecast f =
        Forecast.of(plan("3", large("p1"), large("p2"), small("p3"), small("p4")), List.of());
    // 6 > 3, 6 > 3, 2 fits, 2+2 > 3
    assertThat(f.deferredWorstCase()).isEqualTo(3);
    assertThat(f.warnings())
        .singleElement()
        .asString()
        .contains("exceeds the cap 3.00: 3 partitions");
  }

  @Test
  void theExpectedCaseIsTheMeanCostPerEarlierRunRetriesIncluded() {
    List<FinOpsRecord.LedgerEntry> history =
        List.of(
            // run r1: p1 failed once (0.50), then succeeded (1.00) in 1800 s; p2 succeeded (3.00)
            // in 1000 s
            ledger(PLAN, "r1", "p1", 1, "0.50", 600, PartitionState.FAILED),
            ledger(PLAN, "r1", "p1", 2, "1.00", 1800, PartitionState.SUCCEEDED),
            ok("r1", "p2", "3.00", 1000),
            // run r2: p1 succeeded (0.70) in 1200 s
            ok("r2", "p1", "0.70", 1200),
            // another plan's run is not history of this one
            ledger("other", "r9", "p1", 1, "100.00", 99_999, PartitionState.SUCCEEDED));
    Forecast f = Forecast.of(plan("20", small("p1"), large("p2"), small("p3")), history);

    Forecast.PartitionForecast p1 = f.partitions().get(0);
    assertThat(p1.expected()).isEqualByComparingTo("1.10"); // (1.50 + 0.70) / 2 runs
    assertThat(p1.expectedSeconds())
        .isEqualTo(1500.0); // successful attempts only: (1800 + 1200) / 2
    Forecast.PartitionForecast p2 = f.partitions().get(1);
    assertThat(p2.expected()).isEqualByComparingTo("3.00");
    assertThat(p2.expectedSeconds()).isEqualTo(1000.0);
    Forecast.PartitionForecast p3 = f.partitions().get(2);
    assertThat(p3.expected()).isNull();
    assertThat(p3.expectedSeconds()).isNull();

    assertThat(f.partitionsWithHistory()).isEqualTo(2);
    assertThat(f.earlierRuns()).isEqualTo(2);
    assertThat(f.worstCase()).isEqualByComparingTo("10.00");
    assertThat(f.expected()).isEqualByComparingTo("6.10"); // 1.10 + 3.00 + p3's worst case 2.00
    assertThat(f.warnings()).isEmpty();
  }

  @Test
  void aPartitionThatOnlyFailedHasAnExpectedCostButNoExpectedDuration() {
    List<FinOpsRecord.LedgerEntry> history =
        List.of(ledger(PLAN, "r1", "p1", 1, "0.40", 700, PartitionState.FAILED));
    Forecast.PartitionForecast p1 =
        Forecast.of(plan("20", small("p1")), history).partitions().get(0);
    assertThat(p1.expected()).isEqualByComparingTo("0.40");
    assertThat(p1.expectedSeconds()).isNull();
  }

  @Test
  void theMeanIsRoundedHalfUpToMoneyScale() {
    List<FinOpsRecord.LedgerEntry> history =
        List.of(ok("r1", "p1", "1.00", 1), ok("r2", "p1", "2.00", 1), ok("r3", "p1", "2.00", 1));
    BigDecimal expected =
        Forecast.of(plan("20", small("p1")), history).partitions().get(0).expected();
    assertThat(expected).isEqualTo(new BigDecimal("1.666667"));
  }

  @Test
  void historyCanLetAPartitionRunThatTheWorstCaseWouldDefer() {
    // worst: p1 2, p2 4, p3 4 + 6 > 7 deferred. expected: p1 0 + 2 ok (0.50), p2 0.50 + 2 ok
    // (1.00), p3 1 + 6 = 7 ok
    List<FinOpsRecord.LedgerEntry> history =
        List.of(ok("r1", "p1", "0.50", 60), ok("r1", "p2", "0.50", 60));
    Forecast f = Forecast.of(plan("7", small("p1"), small("p2"), large("p3")), history);
    assertThat(f.deferredWorstCase()).isEqualTo(1);
    assertThat(f.deferredExpected()).isZero();
    assertThat(f.expected()).isEqualByComparingTo("7.00");
    assertThat(f.warnings())
        .containsExactly(
            "worst case 10.00 EUR exceeds the cap 7.00: 1 partitions could be deferred if every"
                + " partition used its 1 attempts, each to its timeout");
  }

  @Test
  void anExpectedCostOverTheCapWarnsWithTheExpectedDeferrals() {
    // p1 retries: 3.00 per run, more than its worst case of one attempt.
    // expected: p1 0 + 2 ok (3.00), p2 3 + 2 ok (3.50), p3 3.50 + 6 > 7 deferred
    List<FinOpsRecord.LedgerEntry> history =
        List.of(
            ledger(PLAN, "r1", "p1", 1, "1.00", 1800, PartitionState.FAILED),
            ledger(PLAN, "r1", "p1", 2, "2.00", 3600, PartitionState.SUCCEEDED),
            ok("r1", "p2", "0.50", 900));
    Forecast f = Forecast.of(plan("7", small("p1"), small("p2"), large("p3")), history);
    assertThat(f.expected()).isEqualByComparingTo("9.50");
    assertThat(f.deferredWorstCase()).isEqualTo(1);
    assertThat(f.deferredExpected()).isEqualTo(1);
    assertThat(f.warnings())
        .containsExactly(
            "worst case 10.00 EUR exceeds the cap 7.00: 1 partitions could be deferred if every"
                + " partition used its 1 attempts, each to its timeout",
            "expected cost 9.50 EUR exceeds the cap 7.00: about 1 partitions would be deferred");
  }

  @Test
  void ledgerEntriesOfPartitionsNoLongerInThePlanCountAsEarlierRunsOnly() {
    List<FinOpsRecord.LedgerEntry> history = new ArrayList<>();
    history.add(ok("r1", "gone", "5.00", 10));
    history.add(ok("r2", "p1", "1.00", 10));
    Forecast f = Forecast.of(plan("20", small("p1")), history);
    assertThat(f.earlierRuns()).isEqualTo(2);
    assertThat(f.partitionsWithHistory()).isEqualTo(1);
    assertThat(f.partitions())
        .extracting(Forecast.PartitionForecast::partitionId)
        .containsExactly("p1");
    assertThat(f.expected()).isEqualByComparingTo("1.00");
  }

  @Test
  void theJsonOmitsWhatIsUnknown() throws Exception {
    JsonNode noBudget =
        Json.mapper()
            .readTree(Json.toPrettyString(Forecast.of(plan(null, small("p1")), List.of())));
    assertThat(noBudget.has("currency")).isFalse();
    assertThat(noBudget.has("cap")).isFalse();
    assertThat(noBudget.get("partitions").get(0).has("expected")).isFalse();
    assertThat(noBudget.get("partitions").get(0).has("expectedSeconds")).isFalse();

    JsonNode withHistory =
        Json.mapper()
            .readTree(
                Json.toPrettyString(
                    Forecast.of(plan("7", small("p1")), List.of(ok("r1", "p1", "0.25", 42)))));
    assertThat(withHistory.get("currency").asText()).isEqualTo("EUR");
    assertThat(withHistory.get("cap").decimalValue()).isEqualByComparingTo("7");
    assertThat(withHistory.get("worstCase").decimalValue()).isEqualByComparingTo("2");
    assertThat(withHistory.get("partitions").get(0).get("expected").decimalValue())
        .isEqualByComparingTo("0.25");
    assertThat(withHistory.get("partitions").get(0).get("expectedSeconds").asDouble())
        .isEqualTo(42.0);
  }
}
