package io.partitrain.orchestrator.tracking;

import static io.partitrain.orchestrator.tracking.TrackerHarness.definition;
import static io.partitrain.orchestrator.tracking.TrackerHarness.retry;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.RunDefinition;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunLimits;
import io.partitrain.shared.contracts.WorkItem;
import org.junit.jupiter.api.Test;

/**
 * Issue 8, item 1: commands can come from any client, so a StartRun the CLI would never send is
 * refused with the field, the value and the rule, changes nothing, and the next run is unaffected.
 */
class PoisonCommandTest {

  private final TrackerHarness h = new TrackerHarness();

  private void assertRejected(RunDefinition d, String... reasonParts) {
    RunEvent answer = h.start("bad", d, 2);
    assertThat(answer)
        .isInstanceOfSatisfying(
            RunEvent.CommandRejected.class, r -> assertThat(r.reason()).contains(reasonParts));
    assertThat(h.tracker.run("bad")).as("a refused start changes nothing").isEmpty();
    assertAValidRunStillCompletes();
  }

  private void assertAValidRunStillCompletes() {
    h.start("good", 1, 1, retry(1));
    WorkItem item = h.tick().get(0);
    h.finish(item, JobPhase.SUCCEEDED, null);
    h.tick();
    assertThat(h.run("good").isComplete()).isTrue();
  }

  @Test
  void aStartWithoutLimitsIsRefusedNamingTheField() {
    RunDefinition ok = definition(1, retry(1));
    assertRejected(
        new RunDefinition(ok.planName(), ok.planSource(), ok.jobTemplate(), ok.retry(), null),
        "limits");
  }

  @Test
  void aStartWithoutRetryIsRefusedNamingTheField() {
    RunDefinition ok = definition(1, retry(1));
    assertRejected(
        new RunDefinition(ok.planName(), ok.planSource(), ok.jobTemplate(), null, ok.limits()),
        "retry");
  }

  @Test
  void aJobTemplateThatIsNotAMappingIsRefused() {
    RunDefinition ok = definition(1, retry(1));
    assertRejected(
        new RunDefinition(
            ok.planName(),
            ok.planSource(),
            JsonNodeFactory.instance.textNode("x"),
            ok.retry(),
            new RunLimits(1)),
        "job template",
        "mapping");
  }

  @Test
  void anInstanceCountOfZeroIsRefusedNamingFieldValueAndRule() {
    RunDefinition d = definition(1, retry(1));
    ((ObjectNode) d.jobTemplate()).putObject("resources").put("instance_count", 0);
    assertRejected(d, "resources.instance_count", "0", "at least 1");
  }

  @Test
  void aPartitionWhoseTagTheCommandNeedsIsMissingIsRefusedBeforeAnythingRuns() {
    RunDefinition d = definition(1, retry(1));
    ((ObjectNode) d.jobTemplate()).put("command", "train --store ${{partition.tags.store}}");
    assertRejected(d, "store");
  }
}
