package io.partitrain.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.RetryPolicy;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunCommand.StartRunInParts;
import io.partitrain.shared.contracts.RunCommand.StartRunPart;
import io.partitrain.shared.contracts.RunDefinition;
import io.partitrain.shared.contracts.RunLimits;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.kafka.StartCommandWriter;
import io.partitrain.shared.serde.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Assembling a start that came in parts: all of it, or a refusal naming the rule broken. */
class StartPartsTest {

  private static final Instant AT = Instant.parse("2026-11-23T05:00:00Z");
  private static final TopicPartition COMMANDS = new TopicPartition("p.commands", 0);

  private final RunCommand.StartRun start = start(300);
  private final List<StartRunPart> parts = StartCommandWriter.split(start, 2_000);

  /** The parts at offsets 10, 12, 14, ... (other commands between them), the head after. */
  private final Map<Long, byte[]> topic = new HashMap<>();

  private final List<Long> offsets = new ArrayList<>();

  StartPartsTest() {
    for (int i = 0; i < parts.size(); i++) {
      long offset = 10 + 2L * i;
      offsets.add(offset);
      topic.put(offset, Json.toBytes(parts.get(i)));
    }
  }

  @Test
  void thePartsInTheirOrderMakeTheStartThatWasSplit() {
    assertThat(parts.size()).isGreaterThan(2);

    StartParts.Assembly a = StartParts.assemble(head(offsets, 300), COMMANDS, topic);

    assertThat(a.problem()).isNull();
    assertThat(a.start()).isEqualTo(start);
  }

  @Test
  void aMissingPartRefusesTheWholeStartNamingThePartAndItsOffset() {
    topic.remove(offsets.get(1));

    StartParts.Assembly a = StartParts.assemble(head(offsets, 300), COMMANDS, topic);

    assertThat(a.start()).isNull();
    assertThat(a.problem())
        .startsWith("part 1 (offset " + offsets.get(1) + " of p.commands-0): not found")
        .contains("a start needs every part");
  }

  @Test
  void aPartOfAnotherStartIsRefusedNamingBothCommandIds() {
    StartRunPart p = parts.get(0);
    topic.put(
        offsets.get(0),
        Json.toBytes(
            new StartRunPart(
                p.schemaVersion(),
                "c-other",
                p.runId(),
                p.index(),
                p.parts(),
                p.partitions(),
                p.requestedBy(),
                p.requestedAt())));

    assertThat(StartParts.assemble(head(offsets, 300), COMMANDS, topic).problem())
        .isEqualTo(
            "part 0 (offset 10 of p.commands-0): commandId = 'c-other', but the start's is"
                + " 'c1'; a part belongs to one start");
  }

  @Test
  void partsNamedOutOfOrderAreRefusedNamingTheIndex() {
    List<Long> swapped = new ArrayList<>(offsets);
    swapped.set(0, offsets.get(1));
    swapped.set(1, offsets.get(0));

    assertThat(StartParts.assemble(head(swapped, 300), COMMANDS, topic).problem())
        .isEqualTo(
            "part 0 (offset 12 of p.commands-0): index = 1, but the start names it as part 0");
  }

  @Test
  void aHeadNamingFewerPartsThanWereWrittenIsRefused() {
    List<Long> fewer = offsets.subList(0, offsets.size() - 1);

    assertThat(StartParts.assemble(head(fewer, 300), COMMANDS, topic).problem())
        .endsWith("parts = " + parts.size() + ", but the start names " + fewer.size() + " parts");
  }

  @Test
  void aCountThatDoesNotMatchThePartsIsRefusedNamingBoth() {
    assertThat(StartParts.assemble(head(offsets, 301), COMMANDS, topic).problem())
        .isEqualTo(
            "partitionCount = 301, but its "
                + parts.size()
                + " parts carry 300 partitions; the count must match");
  }

  @Test
  void aRecordThatIsNotAPartOrNotJsonIsRefusedNamingWhatItIs() {
    topic.put(offsets.get(0), Json.toBytes(start));
    assertThat(StartParts.assemble(head(offsets, 300), COMMANDS, topic).problem())
        .isEqualTo(
            "part 0 (offset 10 of p.commands-0): type = StartRun, but a part is a StartRunPart");

    topic.put(offsets.get(0), "not json".getBytes(StandardCharsets.UTF_8));
    assertThat(StartParts.assemble(head(offsets, 300), COMMANDS, topic).problem())
        .startsWith("part 0 (offset 10 of p.commands-0): unreadable");
  }

  @Test
  void offsetsThatCannotBeItsPartsAreRefusedBeforeAnythingIsRead() {
    assertThat(StartParts.problemWithOffsets(head(List.of(), 0), 50))
        .isEqualTo("partOffsets = []: a start in parts names at least one StartRunPart");
    assertThat(StartParts.problemWithOffsets(head(List.of(10L, 50L), 0), 50))
        .isEqualTo(
            "partOffsets[1] = 50: a part is written before its start, at an offset from 0 to 49");
    assertThat(StartParts.problemWithOffsets(head(List.of(-1L), 0), 50))
        .startsWith("partOffsets[0] = -1: a part is written before its start");
    assertThat(StartParts.problemWithOffsets(head(List.of(10L, 10L), 0), 50))
        .isEqualTo("partOffsets[1] = 10: each part's offset is named once");
    assertThat(StartParts.problemWithOffsets(head(offsets, 300), 50)).isNull();
  }

  private StartRunInParts head(List<Long> partOffsets, int partitionCount) {
    StartRunInParts h = StartRunInParts.of(start, partOffsets);
    return new StartRunInParts(
        h.schemaVersion(),
        h.commandId(),
        h.runId(),
        h.definition(),
        partitionCount,
        h.partOffsets(),
        h.requestedBy(),
        h.requestedAt(),
        h.computes(),
        h.refuseOverCapacity());
  }

  private static RunCommand.StartRun start(int partitions) {
    List<PartitionSpec> specs = new ArrayList<>();
    for (int i = 0; i < partitions; i++) {
      specs.add(new PartitionSpec("store-" + i, Map.of("region", "r" + (i % 7))));
    }
    return new RunCommand.StartRun(
        Schema.VERSION,
        "c1",
        "run-1",
        new RunDefinition(
            "plan",
            "/plans/plan.yml",
            JsonNodeFactory.instance.objectNode().put("command", "echo"),
            RetryPolicy.defaults(),
            new RunLimits(4)),
        specs,
        "me",
        AT);
  }
}
