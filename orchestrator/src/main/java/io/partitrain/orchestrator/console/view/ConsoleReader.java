package io.partitrain.orchestrator.console.view;

import io.partitrain.shared.contracts.RunEvent;
import java.time.Duration;
import java.util.Optional;

/**
 * The read side the console depends on: the latest snapshot of its own fold of the runs and FinOps
 * topics, and the orchestrator's answer to a command. Leader and standbys alike have one; nothing
 * here touches the tracker.
 */
public interface ConsoleReader {

  ConsoleSnapshot snapshot();

  /** Waits up to {@code timeout} for the answer to {@code commandId}. */
  Optional<RunEvent.Answer> awaitAnswer(String commandId, Duration timeout)
      throws InterruptedException;

  /** Whether the fold has read both topics to their end at least once. */
  boolean caughtUp();
}
