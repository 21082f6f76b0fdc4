package io.partitrain.orchestrator.scheduling;

import io.partitrain.orchestrator.state.OrchestratorState;
import io.partitrain.orchestrator.state.RunState;
import io.partitrain.orchestrator.state.ScheduleRecord;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunEvent.ScheduleSkipped.Reason;
import io.partitrain.shared.contracts.ScheduleSpec;
import io.partitrain.shared.contracts.ScheduleSpec.ConcurrencyPolicy;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.schedule.CronSchedule;
import io.partitrain.shared.schedule.FireTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator's schedules: it decides which plans run by themselves and when. What it knows
 * (which schedules exist, whether each is paused, up to which fire time each has been decided) is
 * the fold of the schedule events on the runs topic ({@link ScheduleRecord} in the {@link
 * OrchestratorState}), so a new leader's replay restores it and continues from the first undecided
 * fire time. The book never writes: it returns {@link ScheduleAction}s, which the tracker records
 * and carries out.
 *
 * <p>Every fire time gets exactly one decision: fired, or skipped with a reason (missed its
 * starting deadline, paused, an earlier run active under Forbid). A fired time starts its run
 * through the same {@link RunCommand.StartRun} path as an operator (an {@link
 * ScheduleAction.Issue}), with the deterministic run id of {@link CronSchedule#runId}, in the same
 * transaction as the decision. The biggest advantage: a trigger repeated by any means (a replay
 * gap, a second instance, an operator who used the same id) meets an existing run id and is
 * refused, so a fire time starts at most one run. The biggest limitation: fire times are checked
 * once per tracker round, so a run starts up to one tick interval after its time.
 */
public final class ScheduleBook {

  private static final Logger log = LoggerFactory.getLogger(ScheduleBook.class);

  /**
   * Decisions per schedule per round, so that a long outage of a fast cron cannot stall a round.
   */
  public static final int MAX_DECISIONS_PER_ROUND = 100;

  private final OrchestratorState state;

  public ScheduleBook(OrchestratorState state) {
    this.state = state;
  }

  /** A schedule as the book knows it. */
  public record View(
      String planName,
      ScheduleSpec spec,
      boolean paused,
      Instant decidedUpTo,
      String lastRunId,
      Optional<FireTime> next) {}

  public List<View> views() {
    return state.schedules().stream()
        .map(
            e ->
                new View(
                    e.planName(),
                    e.spec(),
                    e.paused(),
                    e.cursor(),
                    e.lastRunId(),
                    e.cron().nextAfter(e.cursor())))
        .toList();
  }

  /** The plans that have a schedule, in name order. */
  public List<String> plans() {
    return state.schedules().stream().map(ScheduleRecord::planName).toList();
  }

  private static ScheduleAction record(String plan, RunEvent event) {
    return new ScheduleAction.Record(ScheduleSpec.key(plan), event);
  }

  /** Whether this book handles the command (schedule commands). */
  public static boolean handles(RunCommand command) {
    return command instanceof RunCommand.ApplySchedule
        || command instanceof RunCommand.SetSchedulePaused;
  }

  /** What to do about a schedule command ({@link #handles}). */
  public ScheduleAction onCommand(RunCommand command, Instant now) {
    if (command instanceof RunCommand.ApplySchedule a) {
      return onApply(a, now);
    }
    RunCommand.SetSchedulePaused p = (RunCommand.SetSchedulePaused) command;
    if (state.schedule(p.planName()).isEmpty()) {
      return new ScheduleAction.Reject(
          p,
          "no schedule for plan "
              + p.planName()
              + "; apply one with `partitrain schedule apply --plan FILE`");
    }
    log.info(
        "[schedule={}] {} by {}: {}",
        p.planName(),
        p.paused() ? "paused" : "resumed",
        p.requestedBy(),
        p.reason());
    return record(
        p.planName(),
        new RunEvent.SchedulePauseChanged(
            Schema.VERSION,
            ScheduleSpec.key(p.planName()),
            p.planName(),
            p.paused(),
            p.commandId(),
            p.requestedBy(),
            p.reason(),
            now));
  }

  private ScheduleAction onApply(RunCommand.ApplySchedule a, Instant now) {
    String plan = a.definition() == null ? null : a.definition().planName();
    String problem = null;
    if (plan == null || a.schedule() == null) {
      problem = "the command carries no plan definition or no schedule";
    } else if (a.partitions().isEmpty()) {
      problem = "the plan has no partitions";
    } else {
      try {
        CronSchedule.of(a.schedule());
      } catch (IllegalArgumentException e) {
        problem = e.getMessage();
      }
    }
    if (problem != null) {
      return new ScheduleAction.Reject(a, problem);
    }
    log.info(
        "[schedule={}] applied by {}: cron '{}' in {}, {}",
        plan,
        a.requestedBy(),
        a.schedule().cron(),
        a.schedule().timeZone(),
        a.schedule().concurrencyPolicy());
    return record(
        plan,
        new RunEvent.ScheduleApplied(
            Schema.VERSION,
            ScheduleSpec.key(plan),
            plan,
            a.schedule(),
            a.definition(),
            a.partitions(),
            a.commandId(),
            a.requestedBy(),
            now));
  }

  /**
   * The decision of the plan's next fire time if it is due at {@code now}, as the actions to carry
   * out in order; empty when nothing is due. The tracker carries them out before asking again (the
   * recorded decision moves the plan's cursor; a started run counts as active for the next one).
   */
  public List<ScheduleAction> decideNext(String plan, Instant now) {
    ScheduleRecord e = state.schedule(plan).orElseThrow();
    Optional<FireTime> next = e.cron().nextAfter(e.cursor());
    if (next.isEmpty() || next.get().at().isAfter(now)) {
      return List.of();
    }
    return decide(e, next.get(), now);
  }

  private List<ScheduleAction> decide(ScheduleRecord e, FireTime fire, Instant now) {
    String plan = e.planName();
    ScheduleSpec spec = e.spec();
    String runId = e.cron().runId(plan, fire);
    Duration late = Duration.between(fire.at(), now);
    if (late.compareTo(spec.startingDeadline()) > 0) {
      return skip(
          plan,
          runId,
          fire,
          Reason.MISSED_DEADLINE,
          "found "
              + late.toSeconds()
              + "s after its time; startingDeadline is "
              + spec.startingDeadline(),
          now);
    }
    if (e.paused()) {
      return skip(plan, runId, fire, Reason.PAUSED, "the schedule is paused", now);
    }
    List<String> active =
        state.runs().stream()
            .filter(
                r ->
                    plan.equals(r.definition().planName())
                        && !r.isComplete()
                        && !r.runId().equals(runId))
            .map(RunState::runId)
            .sorted()
            .toList();
    if (!active.isEmpty() && spec.concurrencyPolicy() == ConcurrencyPolicy.FORBID) {
      return skip(
          plan,
          runId,
          fire,
          Reason.PREVIOUS_RUN_ACTIVE,
          "concurrencyPolicy Forbid and run(s) " + active + " still active",
          now);
    }
    String by = "schedule:" + plan;
    List<ScheduleAction> actions = new ArrayList<>();
    if (spec.concurrencyPolicy() == ConcurrencyPolicy.REPLACE) {
      for (String old : active) {
        actions.add(
            new ScheduleAction.Issue(
                new RunCommand.CancelRun(
                    Schema.VERSION,
                    by + ":cancel:" + old + ":" + fire.at(),
                    old,
                    by,
                    "replaced by scheduled run " + runId + " (concurrencyPolicy Replace)",
                    now)));
      }
    }
    actions.add(
        record(plan, new RunEvent.ScheduleFired(Schema.VERSION, runId, plan, fire.at(), now)));
    log.info(
        "[schedule={} run={}] fired for {} ({} in {})",
        plan,
        runId,
        fire.at(),
        fire.nominal(),
        spec.timeZone());
    actions.add(
        new ScheduleAction.Issue(
            new RunCommand.StartRun(
                Schema.VERSION,
                by + ":" + fire.at(),
                runId,
                e.applied().definition(),
                e.applied().partitions(),
                by,
                now)));
    return actions;
  }

  private static List<ScheduleAction> skip(
      String plan, String runId, FireTime fire, Reason reason, String detail, Instant now) {
    log.warn(
        "[schedule={} run={}] fire time {} skipped ({}): {}",
        plan,
        runId,
        fire.at(),
        reason,
        detail);
    return List.of(
        record(
            plan,
            new RunEvent.ScheduleSkipped(
                Schema.VERSION, runId, plan, fire.at(), reason, detail, now)));
  }
}
