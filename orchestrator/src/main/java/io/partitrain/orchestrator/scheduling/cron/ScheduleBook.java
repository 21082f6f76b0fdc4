package io.partitrain.orchestrator.scheduling.cron;

import io.partitrain.orchestrator.tracking.Outbox;
import io.partitrain.orchestrator.tracking.RunState;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunEvent.ScheduleSkipped.Reason;
import io.partitrain.shared.contracts.ScheduleSpec;
import io.partitrain.shared.contracts.ScheduleSpec.ConcurrencyPolicy;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.schedule.CronSchedule;
import io.partitrain.shared.schedule.FireTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator's schedules: which plans run by themselves, whether each is paused, and up to
 * which fire time each has been decided. It is the fold of the schedule events on the runs topic
 * ({@link RunEvent.ScheduleApplied}, {@link RunEvent.SchedulePauseChanged}, {@link
 * RunEvent.ScheduleFired}, {@link RunEvent.ScheduleSkipped}), so a new leader's replay restores it
 * and continues from the first undecided fire time.
 *
 * <p>Every fire time gets exactly one decision: fired, or skipped with a reason (missed its
 * starting deadline, paused, an earlier run active under Forbid). A fired time starts its run
 * through the same {@link RunCommand.StartRun} path as an operator, with the deterministic run id
 * of {@link CronSchedule#runId}, in the same transaction as the decision. The biggest advantage: a
 * trigger repeated by any means (a replay gap, a second instance, an operator who used the same id)
 * meets an existing run id and is refused, so a fire time starts at most one run. The biggest
 * limitation: fire times are checked once per tracker round, so a run starts up to one tick
 * interval after its time.
 */
public final class ScheduleBook {

  private static final Logger log = LoggerFactory.getLogger(ScheduleBook.class);

  /**
   * Decisions per schedule per round, so that a long outage of a fast cron cannot stall a round.
   */
  static final int MAX_DECISIONS_PER_ROUND = 100;

  private final Topics topics;
  private final Map<String, Entry> byPlan = new TreeMap<>();

  public ScheduleBook(Topics topics) {
    this.topics = topics;
  }

  /** The tracker side a schedule acts through: the runs it knows, and its command path. */
  public interface Runs {
    Collection<RunState> runs();

    void command(RunCommand command, Outbox out);
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
    return byPlan.values().stream()
        .map(
            e ->
                new View(
                    e.applied.planName(),
                    e.applied.schedule(),
                    e.paused,
                    e.cursor,
                    e.lastRunId,
                    e.cron.nextAfter(e.cursor)))
        .toList();
  }

  /** Applies an event read back from the runs topic; events of other kinds are ignored. */
  public void replay(RunEvent event) {
    apply(event);
  }

  private void apply(RunEvent event) {
    if (event instanceof RunEvent.ScheduleApplied a) {
      Entry e = byPlan.computeIfAbsent(a.planName(), k -> new Entry());
      e.applied = a;
      e.cron = CronSchedule.of(a.schedule());
      if (e.cursor == null) {
        e.cursor = a.at();
      }
    } else if (event instanceof RunEvent.SchedulePauseChanged p
        && byPlan.containsKey(p.planName())) {
      byPlan.get(p.planName()).paused = p.paused();
    } else if (event instanceof RunEvent.ScheduleFired f && byPlan.containsKey(f.planName())) {
      Entry e = byPlan.get(f.planName());
      e.advance(f.scheduledFor());
      e.lastRunId = f.runId();
    } else if (event instanceof RunEvent.ScheduleSkipped s && byPlan.containsKey(s.planName())) {
      byPlan.get(s.planName()).advance(s.scheduledFor());
    }
  }

  private void emit(RunEvent event, Outbox out) {
    apply(event);
    out.send(topics.runs(), ScheduleSpec.key(planOf(event)), event);
  }

  private static String planOf(RunEvent e) {
    if (e instanceof RunEvent.ScheduleFired f) {
      return f.planName();
    }
    if (e instanceof RunEvent.ScheduleSkipped s) {
      return s.planName();
    }
    if (e instanceof RunEvent.SchedulePauseChanged p) {
      return p.planName();
    }
    return ((RunEvent.ScheduleApplied) e).planName();
  }

  /** Whether this book handles the command (schedule commands). */
  public static boolean handles(RunCommand command) {
    return command instanceof RunCommand.ApplySchedule
        || command instanceof RunCommand.SetSchedulePaused;
  }

  public void onCommand(RunCommand command, Instant now, Outbox out) {
    if (command instanceof RunCommand.ApplySchedule a) {
      onApply(a, now, out);
    } else if (command instanceof RunCommand.SetSchedulePaused p) {
      if (!byPlan.containsKey(p.planName())) {
        reject(
            p,
            "no schedule for plan "
                + p.planName()
                + "; apply one with `partitrain schedule apply --plan FILE`",
            now,
            out);
        return;
      }
      emit(
          new RunEvent.SchedulePauseChanged(
              Schema.VERSION,
              ScheduleSpec.key(p.planName()),
              p.planName(),
              p.paused(),
              p.commandId(),
              p.requestedBy(),
              p.reason(),
              now),
          out);
      log.info(
          "[schedule={}] {} by {}: {}",
          p.planName(),
          p.paused() ? "paused" : "resumed",
          p.requestedBy(),
          p.reason());
    }
  }

  private void onApply(RunCommand.ApplySchedule a, Instant now, Outbox out) {
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
      reject(a, problem, now, out);
      return;
    }
    emit(
        new RunEvent.ScheduleApplied(
            Schema.VERSION,
            ScheduleSpec.key(plan),
            plan,
            a.schedule(),
            a.definition(),
            a.partitions(),
            a.commandId(),
            a.requestedBy(),
            now),
        out);
    log.info(
        "[schedule={}] applied by {}: cron '{}' in {}, {}",
        plan,
        a.requestedBy(),
        a.schedule().cron(),
        a.schedule().timeZone(),
        a.schedule().concurrencyPolicy());
  }

  private void reject(RunCommand c, String reason, Instant now, Outbox out) {
    log.warn(
        "[schedule {}] command {} rejected: {}", c.runId(), c.getClass().getSimpleName(), reason);
    out.send(
        topics.runs(),
        c.runId(),
        new RunEvent.CommandRejected(Schema.VERSION, c.runId(), c.commandId(), reason, now));
  }

  /** Decides every fire time that is due at {@code now} and not decided yet. */
  public void tick(Instant now, Runs runs, Outbox out) {
    for (Entry e : byPlan.values()) {
      for (int i = 0; i < MAX_DECISIONS_PER_ROUND; i++) {
        Optional<FireTime> next = e.cron.nextAfter(e.cursor);
        if (next.isEmpty() || next.get().at().isAfter(now)) {
          break;
        }
        decide(e, next.get(), now, runs, out);
      }
    }
  }

  private void decide(Entry e, FireTime fire, Instant now, Runs runs, Outbox out) {
    String plan = e.applied.planName();
    ScheduleSpec spec = e.applied.schedule();
    String runId = e.cron.runId(plan, fire);
    Duration late = Duration.between(fire.at(), now);
    if (late.compareTo(spec.startingDeadline()) > 0) {
      skip(
          e,
          runId,
          fire,
          Reason.MISSED_DEADLINE,
          "found "
              + late.toSeconds()
              + "s after its time; startingDeadline is "
              + spec.startingDeadline(),
          now,
          out);
      return;
    }
    if (e.paused) {
      skip(e, runId, fire, Reason.PAUSED, "the schedule is paused", now, out);
      return;
    }
    List<String> active =
        runs.runs().stream()
            .filter(
                r ->
                    plan.equals(r.definition().planName())
                        && !r.isComplete()
                        && !r.runId().equals(runId))
            .map(RunState::runId)
            .sorted()
            .toList();
    if (!active.isEmpty() && spec.concurrencyPolicy() == ConcurrencyPolicy.FORBID) {
      skip(
          e,
          runId,
          fire,
          Reason.PREVIOUS_RUN_ACTIVE,
          "concurrencyPolicy Forbid and run(s) " + active + " still active",
          now,
          out);
      return;
    }
    String by = "schedule:" + plan;
    if (spec.concurrencyPolicy() == ConcurrencyPolicy.REPLACE) {
      for (String old : active) {
        runs.command(
            new RunCommand.CancelRun(
                Schema.VERSION,
                by + ":cancel:" + old + ":" + fire.at(),
                old,
                by,
                "replaced by scheduled run " + runId + " (concurrencyPolicy Replace)",
                now),
            out);
      }
    }
    emit(new RunEvent.ScheduleFired(Schema.VERSION, runId, plan, fire.at(), now), out);
    log.info(
        "[schedule={} run={}] fired for {} ({} in {})",
        plan,
        runId,
        fire.at(),
        fire.nominal(),
        spec.timeZone());
    runs.command(
        new RunCommand.StartRun(
            Schema.VERSION,
            by + ":" + fire.at(),
            runId,
            e.applied.definition(),
            e.applied.partitions(),
            by,
            now),
        out);
  }

  private void skip(
      Entry e, String runId, FireTime fire, Reason reason, String detail, Instant now, Outbox out) {
    String plan = e.applied.planName();
    emit(
        new RunEvent.ScheduleSkipped(Schema.VERSION, runId, plan, fire.at(), reason, detail, now),
        out);
    log.warn(
        "[schedule={} run={}] fire time {} skipped ({}): {}",
        plan,
        runId,
        fire.at(),
        reason,
        detail);
  }

  private static final class Entry {
    RunEvent.ScheduleApplied applied;
    CronSchedule cron;
    boolean paused;

    /** The latest fire time decided (or the time the schedule was first applied). */
    Instant cursor;

    String lastRunId;

    void advance(Instant decided) {
      if (cursor == null || decided.isAfter(cursor)) {
        cursor = decided;
      }
    }
  }
}
