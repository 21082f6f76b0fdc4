package io.partitrain.shared.contracts;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one worker reports at once on {@link Topics#status()}, keyed by its worker id: the statuses
 * and heartbeats of one watcher round, or the SUBMITTED statuses of one batch of work items (issue
 * 12: one record per status made the status topic carry two or three records per partition). It
 * stands for its events, in order; the orchestrator handles each as if it had come alone. A single
 * {@link JobStatusEvent} (the record of workers before it) stays readable.
 *
 * <p>Keyed by the worker, so every record of one worker lands in one partition of the status topic
 * and is read in the order it was sent (a job's SUBMITTED before its later statuses).
 *
 * <p>On the wire its first field is {@code "type":"JobStatusBatch"}, which a single status never
 * has: {@link #isBatch} tells the two apart from the first bytes, without parsing (the serde
 * package's {@code StatusTopicValues} reads either).
 *
 * @param workerId the worker that sent it
 * @param events the statuses and heartbeats, in the order the worker saw them
 * @param at when it was sent
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonTypeName(JobStatusBatch.TYPE)
public record JobStatusBatch(
    int schemaVersion, String workerId, List<JobStatusEvent> events, Instant at) {

  /** The value of its {@code type} field. */
  public static final String TYPE = "JobStatusBatch";

  private static final byte[] PREFIX =
      ("{\"type\":\"" + TYPE + "\"").getBytes(StandardCharsets.UTF_8);

  public JobStatusBatch {
    events = events == null ? List.of() : List.copyOf(events);
    if (events.stream().anyMatch(Objects::isNull)) {
      throw new IllegalArgumentException("JobStatusBatch.events must not hold null");
    }
  }

  /** A batch of {@code events} by {@code workerId}. */
  public static JobStatusBatch of(String workerId, List<JobStatusEvent> events, Instant at) {
    return new JobStatusBatch(Schema.VERSION, workerId, events, at);
  }

  /** Whether a status-topic value is a batch (else it is a single {@link JobStatusEvent}). */
  public static boolean isBatch(byte[] value) {
    if (value == null || value.length < PREFIX.length) {
      return false;
    }
    for (int i = 0; i < PREFIX.length; i++) {
      if (value[i] != PREFIX[i]) {
        return false;
      }
    }
    return true;
  }
}
