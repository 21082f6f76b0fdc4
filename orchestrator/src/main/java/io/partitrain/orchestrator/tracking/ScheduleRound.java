package io.partitrain.orchestrator.tracking;

import io.partitrain.orchestrator.scheduling.ScheduleAction;
import io.partitrain.orchestrator.scheduling.ScheduleBook;
import io.partitrain.shared.contracts.RunCommand;
import java.time.Instant;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Carries out what the {@link ScheduleBook} decides: records its decisions, refuses what it
 * refuses, and hands the commands it issues (start the fired run, cancel a replaced one) to the
 * tracker's command path, exactly as if an operator had sent them.
 */
final class ScheduleRound {

  private final ScheduleBook schedules;
  private final DecisionLog decisions;
  private final BiConsumer<RunCommand, Outbox> commands;

  ScheduleRound(
      ScheduleBook schedules, DecisionLog decisions, BiConsumer<RunCommand, Outbox> commands) {
    this.schedules = schedules;
    this.decisions = decisions;
    this.commands = commands;
  }

  void onCommand(RunCommand command, Instant now, Outbox out) {
    perform(List.of(schedules.onCommand(command, now)), now, out);
  }

  /**
   * Each schedule's due fire times, one decision at a time (each sees the runs the last started).
   */
  void decideDue(Instant now, Outbox out) {
    for (String plan : schedules.plans()) {
      for (int i = 0; i < ScheduleBook.MAX_DECISIONS_PER_ROUND; i++) {
        List<ScheduleAction> actions = schedules.decideNext(plan, now);
        if (actions.isEmpty()) {
          break;
        }
        perform(actions, now, out);
      }
    }
  }

  private void perform(List<ScheduleAction> actions, Instant now, Outbox out) {
    for (ScheduleAction action : actions) {
      if (action instanceof ScheduleAction.Record r) {
        decisions.record(r.key(), r.event(), out);
      } else if (action instanceof ScheduleAction.Issue i) {
        commands.accept(i.command(), out);
      } else if (action instanceof ScheduleAction.Reject r) {
        decisions.reject(r.command(), r.reason(), now, out);
      } else {
        throw new IllegalStateException("no rule for schedule action " + action);
      }
    }
  }
}
