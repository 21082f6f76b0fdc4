package io.partitrain.orchestrator.console.view;

import io.partitrain.shared.contracts.StateSnapshot;
import io.partitrain.shared.serde.Json;
import io.partitrain.shared.serde.UnreadableMessageException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * How readers (the console, the CLI's {@code run evidence}, {@code job show}, {@code run list} and
 * {@code schedule list}) read the state topic's records: a finished run's final snapshot (only
 * {@code run/RUN} records that carry {@link StateSnapshot#FINISHED_HEADER} are decoded; a snapshot
 * of an active run is left alone), a schedule's snapshot ({@code schedule/PLAN}), their tombstones,
 * and the runs-topic offsets a record covers. The checkpoint and the plans' histories are the
 * leader's alone.
 */
public final class FinalSnapshots {

  private static final String RUN_PREFIX = StateSnapshot.runKey("");

  private static final String SCHEDULE_PREFIX = StateSnapshot.scheduleKey("");

  private FinalSnapshots() {}

  /** The plan name of a {@code schedule/PLAN} key; null for any other key. */
  public static String planOf(String key) {
    return key != null && key.startsWith(SCHEDULE_PREFIX)
        ? key.substring(SCHEDULE_PREFIX.length())
        : null;
  }

  /** Whether the record is a schedule's tombstone. */
  public static boolean isScheduleTombstone(ConsumerRecord<String, byte[]> r) {
    return planOf(r.key()) != null && r.value() == null;
  }

  /**
   * The schedule snapshot the record holds; empty for a tombstone, another key, or a record that
   * cannot be read.
   */
  public static Optional<StateSnapshot.Schedule> schedule(ConsumerRecord<String, byte[]> r) {
    if (planOf(r.key()) == null || r.value() == null) {
      return Optional.empty();
    }
    try {
      return Json.read(r.value(), StateSnapshot.class) instanceof StateSnapshot.Schedule s
              && s.applied() != null
          ? Optional.of(s)
          : Optional.empty();
    } catch (UnreadableMessageException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The run id of a {@code run/RUN} key; null for any other key. */
  public static String runIdOf(String key) {
    if (key == null || !key.startsWith(RUN_PREFIX) || StateSnapshot.isRunPartKey(key)) {
      // A part of a snapshot too large for one record (run/RUN/part/N) is not a run of its own.
      return null;
    }
    return key.substring(RUN_PREFIX.length());
  }

  /** Whether the record is a run's tombstone (its final snapshot's retention has passed). */
  public static boolean isTombstone(ConsumerRecord<String, byte[]> r) {
    return runIdOf(r.key()) != null && r.value() == null;
  }

  /**
   * The finished run's final snapshot the record holds; empty for a tombstone, a snapshot of a run
   * still active, another key, or a record that cannot be read.
   */
  public static Optional<StateSnapshot.Run> finalRun(ConsumerRecord<String, byte[]> r) {
    if (runIdOf(r.key()) == null
        || r.value() == null
        || r.headers().lastHeader(StateSnapshot.FINISHED_HEADER) == null) {
      return Optional.empty();
    }
    try {
      return Json.read(r.value(), StateSnapshot.class) instanceof StateSnapshot.Run s
              && s.complete()
          ? Optional.of(s)
          : Optional.empty();
    } catch (UnreadableMessageException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * The runs-topic offsets the snapshot covers (header {@link StateSnapshot#COVERED_HEADER}): per
   * partition, every record below the offset is folded into it. Empty when absent or unreadable.
   */
  public static Map<Integer, Long> covered(ConsumerRecord<String, byte[]> r) {
    Header h = r.headers().lastHeader(StateSnapshot.COVERED_HEADER);
    Map<Integer, Long> out = new HashMap<>();
    if (h == null) {
      return out;
    }
    try {
      for (String part : new String(h.value(), StandardCharsets.UTF_8).split(",")) {
        if (!part.isBlank()) {
          String[] kv = part.split(":");
          out.put(Integer.parseInt(kv[0].trim()), Long.parseLong(kv[1].trim()));
        }
      }
    } catch (RuntimeException e) {
      return new HashMap<>();
    }
    return out;
  }
}
