package io.partitrain.worker.backend;

/**
 * A job's {@code user_logs/std_log.txt}, read from where its backend keeps it: the local job's
 * folder, or the Azure ML workspace's artifact storage (where the studio reads it). {@code
 * partitrain job logs --follow} reads from an offset until the job has ended and nothing new came.
 */
public interface JobLog {

  /**
   * The bytes written since {@code offset}.
   *
   * @return empty when there are none yet (or no log yet)
   */
  byte[] readFrom(long offset);

  /** Whether the job has ended, so the log will not grow any more. */
  boolean ended();

  /** Where the log is, for humans (a path or a blob URL without credentials). */
  String where();
}
