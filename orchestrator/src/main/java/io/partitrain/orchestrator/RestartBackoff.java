package io.partitrain.orchestrator;

import java.time.Duration;

/**
 * How long the loop waits before it rebuilds after a failed round, and when it gives up: the wait
 * doubles from {@link #INITIAL} to at most {@link #MAX}; after {@link #MAX_FAILURES} failures in a
 * row without a committed round the loop stops as failed, so the process exits non-zero and its
 * supervisor restarts it (and someone is told) instead of spinning for ever.
 */
final class RestartBackoff {

  static final Duration INITIAL = Duration.ofSeconds(1);
  static final Duration MAX = Duration.ofSeconds(30);
  static final int MAX_FAILURES = 10;

  private int failures;

  /** A round failed: the wait before the next try. */
  Duration failed() {
    failures++;
    long millis = INITIAL.toMillis() << Math.min(failures - 1, 20);
    return Duration.ofMillis(Math.min(millis, MAX.toMillis()));
  }

  /** Whether the failures in a row reached the bound. */
  boolean exhausted() {
    return failures >= MAX_FAILURES;
  }

  /** A round committed: the count starts again. */
  void succeeded() {
    failures = 0;
  }

  int failures() {
    return failures;
  }
}
