package io.partitrain.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.orchestrator.tracking.Outbox;
import io.partitrain.shared.kafka.DeadLetters;
import io.partitrain.shared.serde.UnreadableMessageException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Issue 8, item 1: no record can stop the orchestrator's loop. */
class PoisonGuardTest {

  private final AtomicInteger deadLettered = new AtomicInteger();
  private final PoisonGuard guard =
      new PoisonGuard(
          new DeadLetters(null, "partitrain.dlq", "orchestrator test"),
          Clock.fixed(Instant.parse("2026-11-23T05:00:00Z"), ZoneOffset.UTC),
          deadLettered::incrementAndGet);

  private static ConsumerRecord<String, byte[]> record(long offset, String value) {
    return new ConsumerRecord<>(
        "partitrain.commands", 0, offset, "r1", value.getBytes(StandardCharsets.UTF_8));
  }

  private static String header(ProducerRecord<String, byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  @Test
  void aRecordWhoseHandlingThrowsUnexpectedlyIsDeadLetteredAndTheNextOneIsHandled() {
    Outbox out = new Outbox();
    List<Long> handled = new ArrayList<>();
    for (long offset = 0; offset < 3; offset++) {
      guard.handle(
          record(offset, "command " + offset),
          out,
          r -> {
            if (r.offset() == 1) {
              throw new NullPointerException("partitions[3] is null");
            }
            handled.add(r.offset());
          });
    }
    assertThat(handled).containsExactly(0L, 2L);
    assertThat(deadLettered).hasValue(1);
    assertThat(out.records())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.topic()).isEqualTo("partitrain.dlq");
              assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("command 1");
              assertThat(header(r, DeadLetters.HEADER_REASON))
                  .isEqualTo("unexpected NullPointerException: partitions[3] is null");
              assertThat(header(r, DeadLetters.HEADER_SOURCE)).isEqualTo("partitrain.commands/0@1");
            });
  }

  @Test
  void anUnreadableRecordIsDeadLetteredWithTheReadersReason() {
    Outbox out = new Outbox();
    guard.handle(
        record(7, "{"),
        out,
        r -> {
          throw new UnreadableMessageException(String.class, "unexpected end of input", null);
        });
    assertThat(out.records())
        .singleElement()
        .satisfies(
            r ->
                assertThat(header(r, DeadLetters.HEADER_REASON))
                    .isEqualTo("cannot read String: unexpected end of input"));
  }

  @Test
  void restartsBackOffExponentiallyUpToABoundThenGiveUp() {
    RestartBackoff b = new RestartBackoff();
    List<Long> waits = new ArrayList<>();
    while (!b.exhausted()) {
      waits.add(b.failed().toSeconds());
    }
    assertThat(waits).containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L, 30L, 30L);
    b.succeeded();
    assertThat(b.exhausted()).isFalse();
    assertThat(b.failed().toSeconds()).as("a committed round starts the count again").isEqualTo(1);
  }
}
