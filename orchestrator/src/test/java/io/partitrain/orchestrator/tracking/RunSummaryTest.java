package io.partitrain.orchestrator.tracking;

import static io.partitrain.orchestrator.tracking.TrackerHarness.retry;
import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.orchestrator.state.PartitionRecord;
import io.partitrain.orchestrator.state.RunState;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.WorkItem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The summary is kept as the fold goes (issue 12), not computed by a pass over all partitions. This
 * checks it against that pass, done here the old way, after every round of a run with successes,
 * USER and INFRA failures, retries and a rerun, on the live tracker and on a replay of its log.
 */
class RunSummaryTest {

  private final TrackerHarness h = new TrackerHarness(Duration.ofDays(365));

  @Test
  void theKeptSummaryEqualsOneComputedFromEveryPartition() {
    h.start("r1", 60, 12, retry(3));
    SplittableRandom random = new SplittableRandom(12);
    for (int round = 0; round < 40; round++) {
      for (WorkItem item : h.tick()) {
        h.status(item, JobPhase.SUBMITTED);
        double x = random.nextDouble();
        if (x < 0.6) {
          h.status(item, JobPhase.SUCCEEDED);
        } else if (x < 0.8) {
          h.status(item, JobPhase.FAILED, FailureClass.INFRA);
        } else if (x < 0.9) {
          h.status(item, JobPhase.FAILED, FailureClass.USER);
        }
      }
      h.clock.advance(Duration.ofSeconds(30));
      assertSummaryMatchesPartitions(h.run("r1"));
    }
    h.command(
        new RunCommand.RerunFailed(
            Schema.VERSION, "rerun-1", "r1", "op", "fixed", h.clock.instant()));
    for (int round = 0; round < 10; round++) {
      h.tick().forEach(item -> h.finish(item, JobPhase.SUCCEEDED, null));
      h.clock.advance(Duration.ofMinutes(1));
      assertSummaryMatchesPartitions(h.run("r1"));
    }

    TrackerHarness replayed = new TrackerHarness(Duration.ofDays(365));
    h.log.forEach(replayed.tracker::replay);
    assertThat(replayed.run("r1").summary()).isEqualTo(h.run("r1").summary());
    assertThat(h.log).anyMatch(e -> e instanceof RunEvent.RetryScheduled);
  }

  private static void assertSummaryMatchesPartitions(RunState run) {
    Map<PartitionState, Integer> byState = new EnumMap<>(PartitionState.class);
    List<RunSummary.FailedPartition> failed = new ArrayList<>();
    Map<String, Integer> succeededByRegion = new TreeMap<>();
    int retryPending = 0;
    for (PartitionRecord p : run.partitions()) {
      byState.merge(p.state(), 1, Integer::sum);
      if (p.state() == PartitionState.FAILED && p.retryNotBefore() != null) {
        retryPending++; // its next attempt is scheduled: not one of the failures listed
      } else if (p.state() == PartitionState.FAILED) {
        failed.add(
            new RunSummary.FailedPartition(
                p.partitionId(), p.attempt(), p.lastFailureClass(), p.lastMessage(), p.logPath()));
      }
      if (p.state() == PartitionState.SUCCEEDED) {
        succeededByRegion.merge(p.tags().get("region"), 1, Integer::sum);
      }
    }
    RunSummary s = run.summary();
    assertThat(s.byState()).isEqualTo(byState);
    assertThat(s.failed()).isEqualTo(failed);
    assertThat(s.retryPending()).isEqualTo(retryPending);
    Map<String, Integer> metricCounts = new TreeMap<>();
    s.metricsByTag()
        .getOrDefault("region", Map.of())
        .forEach((region, metrics) -> metricCounts.put(region, metrics.get("mape").count()));
    assertThat(metricCounts).isEqualTo(succeededByRegion);
  }
}
