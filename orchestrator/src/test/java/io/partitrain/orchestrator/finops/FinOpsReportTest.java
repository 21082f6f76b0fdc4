package io.partitrain.orchestrator.finops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.partitrain.shared.contracts.CostBudget;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RetryPolicy;
import io.partitrain.shared.contracts.RunDefinition;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunLimits;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.serde.Json;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link FinOpsReport}: a run's money from its run events and its FinOps records. */
class FinOpsReportTest {

  static final String RUN = "demand-2026-W48";
  static final String OTHER = "demand-2026-W47";
  static final Instant T0 = Instant.parse("2026-11-23T05:00:00Z");

  static Instant t(int minutes) {
    return T0.plus(Duration.ofMinutes(minutes));
  }

  static RunEvent.RunStarted started(String runId, String cap) {
    ObjectNode job = JsonNodeFactory.instance.objectNode();
    job.put("command", "train");
    CostBudget budget =
        cap == null
            ? null
            : new CostBudget(new BigDecimal(cap), "EUR", Map.of("cpu", BigDecimal.ONE));
    RunDefinition d =
        new RunDefinition(
            "demand", "/plans/plan.yml", job, RetryPolicy.defaults(), new RunLimits(8, budget));
    return new RunEvent.RunStarted(Schema.VERSION, runId, d, 5, "cmd-1", "alice", T0);
  }

  static RunEvent.CostReserved reserved(
      String runId, String partition, int attempt, String amount) {
    return new RunEvent.CostReserved(
        Schema.VERSION,
        runId,
        partition,
        attempt,
        "cpu",
        null,
        1,
        BigDecimal.ONE,
        Duration.ofHours(1),
        new BigDecimal(amount),
        t(1));
  }

  static RunEvent.CostCharged charged(
      String runId, String partition, int attempt, String reserved, String cost) {
    return new RunEvent.CostCharged(
        Schema.VERSION,
        runId,
        partition,
        attempt,
        new BigDecimal(reserved),
        new BigDecimal(cost),
        Duration.ofMinutes(10),
        t(1),
        t(11),
        PartitionState.SUCCEEDED,
        null,
        t(11));
  }

  static RunEvent.CostCapChanged capChanged(String runId, String from, String to, int minute) {
    return new RunEvent.CostCapChanged(
        Schema.VERSION,
        runId,
        "cmd-" + minute,
        "bob",
        "more data",
        new BigDecimal(from),
        new BigDecimal(to),
        t(minute));
  }

  static RunEvent.PartitionTransitioned moved(
      String runId, String partition, PartitionState from, PartitionState to, int minute) {
    return RunEvent.PartitionTransitioned.move(runId, partition, to, t(minute))
        .from(from)
        .attempt(1)
        .reason("test")
        .build();
  }

  static FinOpsRecord.LedgerEntry ledger(
      String runId,
      String partition,
      int attempt,
      String cost,
      PartitionState outcome,
      FailureClass cls,
      Map<String, String> tags) {
    return new FinOpsRecord.LedgerEntry(
        Schema.VERSION,
        runId,
        "demand",
        partition,
        attempt,
        "cpu",
        null,
        1,
        600,
        BigDecimal.ONE,
        new BigDecimal(cost),
        new BigDecimal("1.00"),
        "EUR",
        outcome,
        cls,
        tags,
        t(11));
  }

  static Map<String, String> tags(String region, String unit) {
    return Map.of("region", region, "business_unit", unit);
  }

  @Test
  void capSpentReservedAndRemainingAddUp() {
    List<RunEvent> events =
        List.of(
            started(RUN, "10"),
            reserved(RUN, "p1", 1, "2.00"),
            reserved(RUN, "p2", 1, "2.00"),
            reserved(RUN, "p3", 1, "6.00"),
            charged(RUN, "p1", 1, "2.00", "1.25"),
            charged(RUN, "p2", 1, "2.00", "0.40"),
            reserved(RUN, "p2", 2, "2.00"));
    List<FinOpsRecord> finops =
        List.of(
            ledger(RUN, "p1", 1, "1.25", PartitionState.SUCCEEDED, null, tags("north", "grocery")),
            ledger(
                RUN,
                "p2",
                1,
                "0.40",
                PartitionState.FAILED,
                FailureClass.INFRA,
                tags("south", "grocery")));
    FinOpsReport r = FinOpsReport.of(RUN, events, finops);

    assertThat(r.runId()).isEqualTo(RUN);
    assertThat(r.planName()).isEqualTo("demand");
    assertThat(r.currency()).isEqualTo("EUR");
    assertThat(r.cap()).isEqualByComparingTo("10");
    assertThat(r.spent()).isEqualByComparingTo("1.65");
    // p3#1 and p2#2 are in flight; p1#1 and p2#1 were charged and released
    assertThat(r.reserved()).isEqualByComparingTo("8.00");
    assertThat(r.remaining()).isEqualByComparingTo("0.35");
    assertThat(r.attempts()).isEqualTo(2);
    assertThat(r.ledger())
        .extracting(FinOpsRecord.LedgerEntry::partitionId)
        .containsExactly("p1", "p2");
  }

  @Test
  void theLatestCapChangeIsTheCap() {
    List<RunEvent> events =
        List.of(
            started(RUN, "10"),
            capChanged(RUN, "10", "25", 5),
            capChanged(RUN, "25", "15", 9),
            reserved(RUN, "p1", 1, "2.00"));
    FinOpsReport r =
        FinOpsReport.of(
            RUN,
            events,
            List.of(ledger(RUN, "p0", 1, "3.00", PartitionState.SUCCEEDED, null, Map.of())));
    assertThat(r.cap()).isEqualByComparingTo("15");
    assertThat(r.remaining()).isEqualByComparingTo("10.00"); // 15 - 3 - 2
  }

  @Test
  void spendIsGroupedByTagValueAndByOutcomeOrFailureClass() {
    List<FinOpsRecord> finops =
        List.of(
            ledger(
                RUN,
                "p1",
                1,
                "1.00",
                PartitionState.FAILED,
                FailureClass.TIMEOUT,
                tags("north", "grocery")),
            ledger(RUN, "p1", 2, "1.50", PartitionState.SUCCEEDED, null, tags("north", "grocery")),
            ledger(
                RUN,
                "p2",
                1,
                "0.25",
                PartitionState.FAILED,
                FailureClass.INFRA,
                tags("south", "convenience")),
            ledger(
                RUN,
                "p2",
                2,
                "0.75",
                PartitionState.FAILED,
                FailureClass.INFRA,
                tags("south", "convenience")),
            ledger(RUN, "p3", 1, "2.00", PartitionState.SUCCEEDED, null, tags("south", "grocery")),
            ledger(RUN, "p4", 1, "0.10", PartitionState.CANCELED, null, Map.of("region", "east")));
    FinOpsReport r = FinOpsReport.of(RUN, List.of(started(RUN, "100")), finops);

    assertThat(r.spent()).isEqualByComparingTo("5.60");
    assertThat(r.byTag()).containsOnlyKeys("business_unit", "region");
    assertThat(r.byTag().keySet()).containsExactly("business_unit", "region");
    assertThat(r.byTag().get("region").keySet()).containsExactly("east", "north", "south");
    assertThat(r.byTag().get("region").get("north")).isEqualByComparingTo("2.50");
    assertThat(r.byTag().get("region").get("south")).isEqualByComparingTo("3.00");
    assertThat(r.byTag().get("region").get("east")).isEqualByComparingTo("0.10");
    assertThat(r.byTag().get("business_unit").get("grocery")).isEqualByComparingTo("4.50");
    assertThat(r.byTag().get("business_unit").get("convenience")).isEqualByComparingTo("1.00");

    assertThat(r.byFailureClass().keySet())
        .containsExactly("CANCELED", "INFRA", "SUCCEEDED", "TIMEOUT");
    assertThat(r.byFailureClass().get("SUCCEEDED")).isEqualByComparingTo("3.50");
    assertThat(r.byFailureClass().get("INFRA")).isEqualByComparingTo("1.00");
    assertThat(r.byFailureClass().get("TIMEOUT")).isEqualByComparingTo("1.00");
    // no failure class: the outcome names the group
    assertThat(r.byFailureClass().get("CANCELED")).isEqualByComparingTo("0.10");
  }

  @Test
  void otherRunsDoNotCount() {
    List<RunEvent> events =
        List.of(
            started(OTHER, "999"),
            started(RUN, "10"),
            capChanged(OTHER, "999", "1", 2),
            reserved(OTHER, "p1", 1, "5.00"),
            moved(OTHER, "p9", PartitionState.SCHEDULED, PartitionState.DEFERRED_BY_COST, 3));
    List<FinOpsRecord> finops =
        List.of(
            ledger(
                OTHER, "p1", 1, "5.00", PartitionState.SUCCEEDED, null, tags("north", "grocery")),
            new FinOpsRecord.CostCapReached(
                Schema.VERSION,
                OTHER,
                "EUR",
                BigDecimal.ONE,
                BigDecimal.ONE,
                BigDecimal.ZERO,
                BigDecimal.TEN,
                List.of("p9"),
                t(3)),
            ledger(RUN, "p1", 1, "1.00", PartitionState.SUCCEEDED, null, tags("north", "grocery")));
    FinOpsReport r = FinOpsReport.of(RUN, events, finops);
    assertThat(r.cap()).isEqualByComparingTo("10");
    assertThat(r.spent()).isEqualByComparingTo("1.00");
    assertThat(r.reserved()).isEqualByComparingTo("0");
    assertThat(r.remaining()).isEqualByComparingTo("9.00");
    assertThat(r.attempts()).isEqualTo(1);
    assertThat(r.deferred()).isEmpty();
    assertThat(r.timeline()).isEmpty();
    assertThat(r.byTag().get("region")).containsOnlyKeys("north");
  }

  @Test
  void aRunWithoutBudgetHasNoCapAndNoRemaining() {
    FinOpsReport r =
        FinOpsReport.of(
            RUN,
            List.of(started(RUN, null)),
            List.of(ledger(RUN, "p1", 1, "1.00", PartitionState.SUCCEEDED, null, Map.of())));
    assertThat(r.cap()).isNull();
    assertThat(r.currency()).isNull();
    assertThat(r.remaining()).isNull();
    assertThat(r.spent()).isEqualByComparingTo("1.00");
  }

  @Test
  void deferralsRecordWhenAndWhetherThePartitionWasAdmittedAgain() {
    List<RunEvent> events =
        List.of(
            started(RUN, "10"),
            moved(RUN, "p3", PartitionState.SCHEDULED, PartitionState.DEFERRED_BY_COST, 1),
            moved(RUN, "p5", PartitionState.SCHEDULED, PartitionState.DEFERRED_BY_COST, 2),
            moved(RUN, "p4", PartitionState.SCHEDULED, PartitionState.DEFERRED_BY_COST, 3),
            moved(RUN, "p1", PartitionState.SCHEDULED, PartitionState.ADMITTED, 3),
            moved(RUN, "p3", PartitionState.DEFERRED_BY_COST, PartitionState.ADMITTED, 4),
            moved(RUN, "p5", PartitionState.DEFERRED_BY_COST, PartitionState.ADMITTED, 5),
            moved(RUN, "p5", PartitionState.ADMITTED, PartitionState.FAILED, 6),
            // p5's retry cannot be afforded now: deferred again, the last deferral is the one shown
            moved(RUN, "p5", PartitionState.FAILED, PartitionState.DEFERRED_BY_COST, 7));
    FinOpsReport r = FinOpsReport.of(RUN, events, List.of());
    assertThat(r.deferred())
        .containsExactly(
            new FinOpsReport.Deferral("p3", t(1), t(4)),
            new FinOpsReport.Deferral("p5", t(7), null),
            new FinOpsReport.Deferral("p4", t(3), null));
  }

  @Test
  void aDeferredPartitionThatIsCanceledWasNeverAdmittedAgain() {
    List<RunEvent> events =
        List.of(
            started(RUN, "10"),
            moved(RUN, "p3", PartitionState.SCHEDULED, PartitionState.DEFERRED_BY_COST, 1),
            moved(RUN, "p3", PartitionState.DEFERRED_BY_COST, PartitionState.CANCELED, 8));
    FinOpsReport r = FinOpsReport.of(RUN, events, List.of());
    assertThat(r.deferred())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.deferredAt()).isEqualTo(t(1));
              assertThat(d.readmittedAt()).isNull();
            });
  }

  @Test
  void theTimelineHasTheRunsCapEventsInOrderAndNoLedgerEntries() {
    var reached =
        new FinOpsRecord.CostCapReached(
            Schema.VERSION,
            RUN,
            "EUR",
            BigDecimal.TEN,
            new BigDecimal("4"),
            new BigDecimal("6"),
            new BigDecimal("16"),
            List.of("p3"),
            t(1));
    var changed =
        new FinOpsRecord.CostCapChanged(
            Schema.VERSION,
            RUN,
            "EUR",
            BigDecimal.TEN,
            new BigDecimal("20"),
            "bob",
            "more data",
            t(4));
    var admitted =
        new FinOpsRecord.DeferredAdmitted(
            Schema.VERSION,
            RUN,
            "EUR",
            new BigDecimal("20"),
            new BigDecimal("4"),
            new BigDecimal("6"),
            List.of("p3"),
            0,
            t(4));
    var nodeCap =
        new FinOpsRecord.NodeCapChanged(
            Schema.VERSION, "target:cpu", "cpu", null, 4, "bob", "quota", t(5));
    var settled =
        new FinOpsRecord.RunCostSettled(
            Schema.VERSION,
            RUN,
            "EUR",
            new BigDecimal("20"),
            new BigDecimal("12"),
            new BigDecimal("16"),
            false,
            List.of(),
            t(30));
    List<FinOpsRecord> finops =
        List.of(
            reached,
            ledger(RUN, "p1", 1, "1.00", PartitionState.SUCCEEDED, null, Map.of()),
            changed,
            admitted,
            nodeCap,
            settled);
    FinOpsReport r = FinOpsReport.of(RUN, List.of(started(RUN, "10")), finops);
    assertThat(r.timeline()).containsExactly(reached, changed, admitted, settled);
    assertThat(r.attempts()).isEqualTo(1);
  }

  @Test
  void theJsonCarriesAmountsEventTypesAndOmitsNulls() throws Exception {
    List<RunEvent> events =
        new ArrayList<>(
            List.of(
                started(RUN, "10"),
                reserved(RUN, "p2", 1, "2.00"),
                moved(RUN, "p3", PartitionState.SCHEDULED, PartitionState.DEFERRED_BY_COST, 1)));
    List<FinOpsRecord> finops =
        List.of(
            ledger(RUN, "p1", 1, "1.25", PartitionState.SUCCEEDED, null, tags("north", "grocery")),
            new FinOpsRecord.CostCapReached(
                Schema.VERSION,
                RUN,
                "EUR",
                BigDecimal.TEN,
                new BigDecimal("1.25"),
                new BigDecimal("2.00"),
                new BigDecimal("9.25"),
                List.of("p3"),
                t(1)));
    JsonNode json =
        Json.mapper().readTree(Json.toPrettyString(FinOpsReport.of(RUN, events, finops)));

    assertThat(json.get("cap").decimalValue()).isEqualByComparingTo("10");
    assertThat(json.get("spent").decimalValue()).isEqualByComparingTo("1.25");
    assertThat(json.get("reserved").decimalValue()).isEqualByComparingTo("2.00");
    assertThat(json.get("remaining").decimalValue()).isEqualByComparingTo("6.75");
    assertThat(json.get("attempts").asInt()).isEqualTo(1);
    assertThat(json.get("byTag").get("region").get("north").decimalValue())
        .isEqualByComparingTo("1.25");
    assertThat(json.get("byFailureClass").get("SUCCEEDED").decimalValue())
        .isEqualByComparingTo("1.25");
    JsonNode deferral = json.get("deferred").get(0);
    assertThat(deferral.get("partitionId").asText()).isEqualTo("p3");
    assertThat(deferral.get("deferredAt").asText()).isEqualTo("2026-11-23T05:01:00Z");
    assertThat(deferral.has("readmittedAt")).isFalse();
    assertThat(json.get("timeline").get(0).get("type").asText()).isEqualTo("CostCapReached");
    assertThat(json.get("ledger").get(0).get("type").asText()).isEqualTo("LedgerEntry");
    assertThat(json.get("ledger").get(0).has("failureClass")).isFalse();
  }
}
