package io.partitrain.shared.serde;

import io.partitrain.shared.contracts.JobStatusBatch;
import io.partitrain.shared.contracts.JobStatusEvent;
import io.partitrain.shared.contracts.Topics;
import java.util.List;

/**
 * Reads a value of {@link Topics#status()}: a {@link JobStatusBatch} (what workers send since issue
 * 12) or a single {@link JobStatusEvent} (what workers before it sent), told apart by {@link
 * JobStatusBatch#isBatch} from the first bytes.
 */
public final class StatusTopicValues {

  private StatusTopicValues() {}

  /**
   * The statuses a status-topic value carries: a batch's events, or the single status it is.
   *
   * @throws UnreadableMessageException naming the type it should have been and what is wrong
   */
  public static List<JobStatusEvent> read(byte[] value) {
    if (JobStatusBatch.isBatch(value)) {
      return Json.read(value, JobStatusBatch.class).events();
    }
    return List.of(Json.read(value, JobStatusEvent.class));
  }
}
