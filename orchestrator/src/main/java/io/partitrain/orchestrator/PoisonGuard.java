package io.partitrain.orchestrator;

import io.partitrain.orchestrator.tracking.Outbox;
import io.partitrain.shared.kafka.DeadLetters;
import io.partitrain.shared.serde.UnreadableMessageException;
import java.time.Clock;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one record from stopping the loop (issue 8: no record can stop a loop). A record that
 * cannot be read, or whose handling throws, goes to the dead-letter topic with the reason and the
 * exception, in the same transaction as the round, and the loop goes on with the next record.
 *
 * <p>Decisions the record had already made before it failed stay in the round: each was applied to
 * the state by the same call that queued it, so state and log still agree; dropping them would make
 * the state run ahead of the log.
 */
final class PoisonGuard {

  private static final Logger log = LoggerFactory.getLogger(PoisonGuard.class);

  private final DeadLetters deadLetters;
  private final Clock clock;
  private final Runnable onDeadLetter;

  PoisonGuard(DeadLetters deadLetters, Clock clock, Runnable onDeadLetter) {
    this.deadLetters = deadLetters;
    this.clock = clock;
    this.onDeadLetter = onDeadLetter;
  }

  /** Handles {@code record}; if that fails, dead-letters it into {@code out} instead. */
  void handle(
      ConsumerRecord<String, byte[]> record,
      Outbox out,
      Consumer<ConsumerRecord<String, byte[]>> handler) {
    try {
      handler.accept(record);
    } catch (UnreadableMessageException | IllegalArgumentException e) {
      deadLetter(record, e.getMessage(), e, out);
    } catch (RuntimeException e) {
      log.error(
          "record {}-{}@{} failed unexpectedly; dead-lettered, the loop goes on",
          record.topic(),
          record.partition(),
          record.offset(),
          e);
      deadLetter(
          record, "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage(), e, out);
    }
  }

  private void deadLetter(
      ConsumerRecord<String, byte[]> record, String reason, Exception e, Outbox out) {
    out.add(deadLetters.record(record, reason, e, clock.instant()));
    onDeadLetter.run();
  }
}
