package io.partitrain.orchestrator.tracking;

import static io.partitrain.orchestrator.tracking.TrackerHarness.retry;
import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.orchestrator.admission.NodeCapConfig;
import io.partitrain.orchestrator.console.view.RunsFold;
import io.partitrain.shared.contracts.ComputeCapacity;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.serde.Json;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * At run start the orchestrator compares each compute target's node cap (its own, including {@code
 * cap set} changes) with what the start says the Azure ML cluster and the vCPU quota hold: a cap
 * they cannot hold is a recorded warning, or with {@code refuseOverCapacity} a refusal.
 */
class ComputeCapacityAtStartTest {

  /** cpu-cluster: Standard_DS3_v2 (4 vCPUs), maxNodeCount 8, quota 100 with 20 in use. */
  static ComputeCapacity cluster(long quotaUsed) {
    return new ComputeCapacity(
        "cpu-cluster",
        "AmlCompute",
        "Standard_DS3_v2",
        8,
        4,
        "standardDSv2Family",
        100,
        quotaUsed,
        Instant.parse("2026-11-23T05:59:00Z"));
  }

  static RunEvent start(TrackerHarness h, String runId, boolean refuse, ComputeCapacity... c) {
    List<PartitionSpec> partitions =
        List.of(new PartitionSpec("store-001", Map.of()), new PartitionSpec("store-002", Map.of()));
    h.command(
        new RunCommand.StartRun(
                Schema.VERSION,
                UUID.randomUUID().toString(),
                runId,
                TrackerCapsTest.definition("cpu-cluster", 1, 10, null, retry(1)),
                partitions,
                "ops",
                h.clock.instant())
            .withComputes(List.of(c), refuse));
    RunEvent answer = h.answers.get(h.answers.size() - 1);
    h.deliverScheduled();
    return answer;
  }

  @Test
  void aCapAboveMaxNodeCountStartsTheRunWithOneWarningInTheRunsAndFinOpsTopics() {
    TrackerHarness h = new TrackerHarness(NodeCapConfig.of(100).with("cpu-cluster", 12));

    assertThat(start(h, "r1", false, cluster(0))).isInstanceOf(RunEvent.RunStarted.class);

    assertThat(h.log)
        .filteredOn(e -> e instanceof RunEvent.ComputeCapacityWarning)
        .singleElement()
        .isInstanceOfSatisfying(
            RunEvent.ComputeCapacityWarning.class,
            w -> {
              assertThat(w.runId()).isEqualTo("r1");
              assertThat(w.nodeCap()).isEqualTo(12);
              assertThat(w.problems())
                  .singleElement()
                  .asString()
                  .contains("node cap 12 for cpu-cluster is above the cluster's maxNodeCount 8")
                  .contains("partitrain cap set cpu-cluster --nodes 8");
            });
    RunEvent.ComputeCapacityWarning finops =
        h.finops.stream()
            .filter(f -> f instanceof RunEvent.ComputeCapacityWarning)
            .map(f -> (RunEvent.ComputeCapacityWarning) f)
            .findFirst()
            .orElseThrow();
    assertThat(finops.nodesItHolds()).isEqualTo(8);
    assertThat(h.tick()).as("the run goes on").hasSize(2);

    // The console's fold shows it among the run's cap events.
    RunsFold fold = new RunsFold();
    h.log.forEach(fold::apply);
    h.finops.forEach(fold::apply);
    assertThat(fold.snapshot(h.clock.instant()).run("r1").orElseThrow().capEvents())
        .anySatisfy(
            e -> {
              assertThat(e.type()).isEqualTo("ComputeCapacityWarning");
              assertThat(e.summary()).contains("maxNodeCount 8");
            });
  }

  @Test
  void aQuotaThatCannotHoldTheCapIsAWarningToo() {
    TrackerHarness h = new TrackerHarness(NodeCapConfig.of(100).with("cpu-cluster", 8));

    start(h, "r1", false, cluster(80));

    assertThat(h.log)
        .filteredOn(e -> e instanceof RunEvent.ComputeCapacityWarning)
        .singleElement()
        .extracting(e -> ((RunEvent.ComputeCapacityWarning) e).problems())
        .asList()
        .singleElement()
        .asString()
        .contains("need 32 vCPUs")
        .contains("quota has 20 free (80 of 100 in use)");
  }

  @Test
  void aCapTheClusterAndQuotaHoldStartsWithoutAWarning() {
    TrackerHarness h = new TrackerHarness(NodeCapConfig.of(100).with("cpu-cluster", 8));

    assertThat(start(h, "r1", true, cluster(0))).isInstanceOf(RunEvent.RunStarted.class);

    assertThat(h.log).noneMatch(e -> e instanceof RunEvent.ComputeCapacityWarning);
    assertThat(h.finops).noneMatch(f -> f instanceof RunEvent.ComputeCapacityWarning);
  }

  @Test
  void theOperatorsCapSetIsTheCapCompared() {
    TrackerHarness h = new TrackerHarness(NodeCapConfig.of(100).with("cpu-cluster", 12));
    h.command(
        new RunCommand.SetNodeCap(
            Schema.VERSION,
            UUID.randomUUID().toString(),
            RunCommand.SetNodeCap.keyOf("cpu-cluster"),
            "cpu-cluster",
            8,
            "ops",
            "fit the cluster",
            h.clock.instant()));

    start(h, "r1", true, cluster(0));

    assertThat(h.tracker.run("r1")).isPresent();
    assertThat(h.log).noneMatch(e -> e instanceof RunEvent.ComputeCapacityWarning);
  }

  @Test
  void withRefuseOverCapacityTheRunIsRefusedWithTheSameSentencesAndNothingChanges() {
    TrackerHarness h = new TrackerHarness(); // no node cap at all

    RunEvent answer = start(h, "r1", true, cluster(0));

    assertThat(answer)
        .isInstanceOfSatisfying(
            RunEvent.CommandRejected.class,
            r ->
                assertThat(r.reason())
                    .startsWith("refused (--refuse-over-capacity): ")
                    .contains("no node cap (unlimited) for cpu-cluster is above the cluster's")
                    .contains("maxNodeCount 8"));
    assertThat(h.tracker.run("r1")).isEmpty();
    assertThat(h.finops).isEmpty();
    assertThat(h.tick()).isEmpty();
  }

  @Test
  void aComputeTheRunDoesNotUseAndAStartWithoutFactsAreNotCompared() {
    TrackerHarness h = new TrackerHarness(NodeCapConfig.of(100).with("gpu-cluster", 50));
    ComputeCapacity gpu =
        new ComputeCapacity(
            "gpu-cluster", "AmlCompute", "Standard_NC6", 2, 6, "standardNCFamily", 12, 0, null);

    assertThat(start(h, "r1", true, gpu)).isInstanceOf(RunEvent.RunStarted.class);
    assertThat(start(h, "r2", true)).isInstanceOf(RunEvent.RunStarted.class);

    assertThat(h.log).noneMatch(e -> e instanceof RunEvent.ComputeCapacityWarning);
  }

  @Test
  void theWarningAndTheStartSurviveJsonAndReplay() {
    TrackerHarness h = new TrackerHarness(NodeCapConfig.of(100).with("cpu-cluster", 12));
    start(h, "r1", false, cluster(0));
    RunEvent w =
        h.log.stream()
            .filter(e -> e instanceof RunEvent.ComputeCapacityWarning)
            .findFirst()
            .orElseThrow();

    assertThat(Json.read(Json.toBytes(w), RunEvent.class)).isEqualTo(w);
    RunCommand.StartRun s =
        new RunCommand.StartRun(
                Schema.VERSION, "c", "r9", null, List.of(), "ops", h.clock.instant())
            .withComputes(List.of(cluster(3)), true);
    assertThat(Json.read(Json.toBytes(s), RunCommand.class)).isEqualTo(s);
    // an older sender's start (no computes, no switch) still reads
    String old =
        "{\"type\":\"StartRun\",\"schemaVersion\":1,\"commandId\":\"c\",\"runId\":\"r9\","
            + "\"partitions\":[],\"requestedBy\":\"ops\",\"requestedAt\":\"2026-11-23T06:00:00Z\"}";
    RunCommand.StartRun read = (RunCommand.StartRun) Json.read(old.getBytes(), RunCommand.class);
    assertThat(read.computes()).isEmpty();
    assertThat(read.refuseOverCapacity()).isFalse();

    var replayed = new TrackerHarness(NodeCapConfig.of(100).with("cpu-cluster", 12));
    h.log.forEach(replayed.tracker::replay);
    assertThat(replayed.tracker.run("r1")).isPresent();
  }
}
