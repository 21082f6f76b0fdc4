package io.partitrain.orchestrator.scheduling;

import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;

/**
 * What the {@link ScheduleBook} wants done, returned to the tracker, which does it in order: the
 * book decides, the tracker records and acts. This keeps scheduling below tracking (no call back
 * into the tracker).
 */
public sealed interface ScheduleAction {

  /** Record a schedule decision on the runs topic under {@code key} (and apply it to the state). */
  record Record(String key, RunEvent event) implements ScheduleAction {}

  /**
   * Handle a command, as if an operator had sent it (start the fired run, cancel a replaced one).
   */
  record Issue(RunCommand command) implements ScheduleAction {}

  /** Refuse a schedule command, with the reason. */
  record Reject(RunCommand command, String reason) implements ScheduleAction {}
}
