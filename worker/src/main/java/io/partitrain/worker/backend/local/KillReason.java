package io.partitrain.worker.backend.local;

/** Why the worker that started a job killed its process; it decides how the end is recorded. */
enum KillReason {
  CANCELED,
  TIMEOUT,
  INJECTED,
  SHUTDOWN
}
