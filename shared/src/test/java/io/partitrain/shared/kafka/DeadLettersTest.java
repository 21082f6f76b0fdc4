package io.partitrain.shared.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

  private final DeadLetters dlq = new DeadLetters(null, "p.dlq", "test");

  private static ConsumerRecord<String, byte[]> record(String value) {
    return new ConsumerRecord<>("p.work", 0, 7L, "run/p1", value.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void environmentVariableValuesAreDroppedFromADeadLetteredWorkItem() {
    String item =
        "{\"kind\":\"SUBMIT\",\"attempt\":0,\"job\":{\"command\":\"x\","
            + "\"environmentVariables\":{\"TOKEN\":\"tok-9f3a\",\"MODE\":\"fast\"}}}";

    var out = dlq.record(record(item), "attempt must be at least 1", null, Instant.EPOCH);

    String value = new String(out.value(), StandardCharsets.UTF_8);
    assertThat(value)
        .doesNotContain("tok-9f3a")
        .doesNotContain("fast")
        .contains("\"TOKEN\":\"[redacted]\"")
        .contains("\"attempt\":0");
    assertThat(out.headers().lastHeader(DeadLetters.HEADER_REDACTED)).isNotNull();
  }

  @Test
  void aRecordWithoutEnvironmentOrNotJsonIsKeptByteForByte() {
    var plain = record("{\"kind\":\"SUBMIT\"}");
    var garbage = record("\u0000not json");

    assertThat(dlq.record(plain, "r", null, Instant.EPOCH).value()).isSameAs(plain.value());
    assertThat(dlq.record(garbage, "r", null, Instant.EPOCH).value()).isSameAs(garbage.value());
  }
}
