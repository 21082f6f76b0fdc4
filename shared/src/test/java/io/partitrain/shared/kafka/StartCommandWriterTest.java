package io.partitrain.shared.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.RetryPolicy;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunDefinition;
import io.partitrain.shared.contracts.RunLimits;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.serde.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class StartCommandWriterTest {

  private static final Instant AT = Instant.parse("2026-11-23T05:00:00Z");

  static RunCommand.StartRun start(int partitions) {
    List<PartitionSpec> specs = new ArrayList<>();
    for (int i = 0; i < partitions; i++) {
      specs.add(new PartitionSpec("store-" + i, Map.of("region", i % 2 == 0 ? "north" : "south")));
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

  @Test
  void aStartThatFitsIsOnePartAndTravelsAsItIs() throws Exception {
    MockProducer<String, byte[]> producer = producer();
    RunCommand.StartRun start = start(10);

    RunCommand sent =
        StartCommandWriter.send(producer, "cmds", start, 1 << 20, Duration.ofSeconds(5));

    assertThat(sent).isEqualTo(start);
    assertThat(producer.history()).hasSize(1);
    assertThat(Json.read(producer.history().get(0).value(), RunCommand.class)).isEqualTo(start);
  }

  @Test
  void aLargeStartIsSplitInOrderIntoPartsEachWithinTheSizeThenAHeadNamingTheirOffsets()
      throws Exception {
    MockProducer<String, byte[]> producer = producer();
    RunCommand.StartRun start = start(1_000);
    int partBytes = 4_000;

    RunCommand sent =
        StartCommandWriter.send(producer, "cmds", start, partBytes, Duration.ofSeconds(5));

    List<ProducerRecord<String, byte[]>> records = producer.history();
    assertThat(sent).isInstanceOf(RunCommand.StartRunInParts.class);
    RunCommand.StartRunInParts head = (RunCommand.StartRunInParts) sent;
    int parts = records.size() - 1;
    assertThat(parts).isGreaterThan(1);
    assertThat(Json.read(records.get(parts).value(), RunCommand.class)).isEqualTo(head);
    assertThat(head.partitionCount()).isEqualTo(1_000);
    assertThat(head.commandId()).isEqualTo("c1");
    assertThat(head.partOffsets()).hasSize(parts).doesNotHaveDuplicates();
    List<PartitionSpec> carried = new ArrayList<>();
    for (int i = 0; i < parts; i++) {
      ProducerRecord<String, byte[]> r = records.get(i);
      assertThat(r.key()).isEqualTo("run-1");
      RunCommand.StartRunPart part =
          (RunCommand.StartRunPart) Json.read(r.value(), RunCommand.class);
      assertThat(part.index()).isEqualTo(i);
      assertThat(part.parts()).isEqualTo(parts);
      assertThat(part.commandId()).isEqualTo("c1");
      int partitionBytes =
          part.partitions().stream().mapToInt(p -> Json.toBytes(p).length + 1).sum();
      assertThat(partitionBytes).isLessThanOrEqualTo(partBytes);
      carried.addAll(part.partitions());
    }
    assertThat(carried).isEqualTo(start.partitions());
    assertThat(head.assembled(carried)).isEqualTo(start);
  }

  @Test
  void aPartSizeBelowOneIsRefusedNamingTheValue() {
    assertThatThrownBy(() -> StartCommandWriter.split(start(3), 0))
        .hasMessageContaining("partBytes must be greater than 0, but was 0");
  }

  private static MockProducer<String, byte[]> producer() {
    return new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  }
}
