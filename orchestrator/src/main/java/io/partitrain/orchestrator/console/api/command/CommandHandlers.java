package io.partitrain.orchestrator.console.api.command;

import static io.partitrain.orchestrator.console.api.command.CommandSender.commandId;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.partitrain.orchestrator.console.api.request.ApiPaths;
import io.partitrain.orchestrator.console.api.request.Callers;
import io.partitrain.orchestrator.console.api.request.JsonBodies;
import io.partitrain.orchestrator.console.api.request.Problem;
import io.partitrain.orchestrator.console.api.request.RunLookup;
import io.partitrain.orchestrator.console.auth.Principal;
import io.partitrain.orchestrator.console.view.ConsoleReader;
import io.partitrain.orchestrator.console.view.CostView;
import io.partitrain.orchestrator.console.view.RunView;
import io.partitrain.shared.contracts.Money;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunDefinition;
import io.partitrain.shared.contracts.ScheduleSpec;
import io.partitrain.shared.contracts.Schema;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The write endpoints: each becomes a command on the commands topic whose {@code requestedBy} is
 * the authenticated principal, whatever the body names.
 */
public final class CommandHandlers {

  private final ConsoleReader reader;
  private final RunLookup lookup;
  private final CommandSender sender;
  private final Clock clock;

  public CommandHandlers(
      ConsoleReader reader, CommandGateway commands, RunLookup lookup, Clock clock) {
    this.reader = reader;
    this.lookup = lookup;
    this.sender = new CommandSender(reader, commands);
    this.clock = clock;
  }

  /**
   * {@code run start} through the console: the body is the start command as the CLI built it from a
   * checked plan; the caller's token replaces whatever {@code requestedBy} it names, and the
   * orchestrator checks it as it checks every start (its answer decides 200 or 409).
   */
  public void startRun(Context ctx) {
    RunCommand.StartRun given =
        JsonBodies.command(JsonBodies.body(ctx), "StartRun", RunCommand.StartRun.class);
    String runId = given.runId();
    if (runId == null || !ApiPaths.ID.matcher(runId).matches()) {
      throw Problem.badRequest(
          "field 'runId' must match " + ApiPaths.ID.pattern() + ", but was " + runId);
    }
    requireDefinition(given.definition(), given.partitions());
    Principal p = Callers.principal(ctx);
    sender.send(
        ctx,
        runId,
        new RunCommand.StartRun(
            Schema.VERSION,
            commandId(),
            runId,
            given.definition(),
            given.partitions(),
            p.requestedBy(),
            clock.instant(),
            given.computes(),
            given.refuseOverCapacity()));
  }

  /** {@code schedule apply} through the console, with the caller's token as {@code requestedBy}. */
  public void applySchedule(Context ctx) {
    RunCommand.ApplySchedule given =
        JsonBodies.command(JsonBodies.body(ctx), "ApplySchedule", RunCommand.ApplySchedule.class);
    if (given.schedule() == null) {
      throw Problem.badRequest("field 'schedule' is required: the plan's schedule section");
    }
    requireDefinition(given.definition(), given.partitions());
    String plan = given.definition().planName();
    if (plan == null || !ApiPaths.ID.matcher(plan).matches()) {
      throw Problem.badRequest(
          "field 'definition.planName' must match " + ApiPaths.ID.pattern() + ", but was " + plan);
    }
    Principal p = Callers.principal(ctx);
    String key = ScheduleSpec.key(plan);
    sender.send(
        ctx,
        key,
        new RunCommand.ApplySchedule(
            Schema.VERSION,
            commandId(),
            key,
            given.schedule(),
            given.definition(),
            given.partitions(),
            p.requestedBy(),
            clock.instant()));
  }

  private static void requireDefinition(RunDefinition definition, List<PartitionSpec> partitions) {
    if (definition == null) {
      throw Problem.badRequest("field 'definition' is required: the checked plan");
    }
    if (partitions.isEmpty()) {
      throw Problem.badRequest("field 'partitions' must name at least one partition");
    }
  }

  public void rerunFailed(Context ctx) {
    sendForRun(ctx, RunCommand.RerunFailed::new);
  }

  public void cancel(Context ctx) {
    sendForRun(ctx, RunCommand.CancelRun::new);
  }

  /** A command about the path's run that says only who asked, why and when. */
  private interface RunScoped {
    RunCommand of(
        int schemaVersion,
        String commandId,
        String runId,
        String requestedBy,
        String reason,
        Instant requestedAt);
  }

  private void sendForRun(Context ctx, RunScoped command) {
    RunView r = lookup.requireRun(ctx);
    String reason = JsonBodies.reason(ctx);
    Principal p = Callers.principal(ctx);
    sender.send(
        ctx,
        r.runId(),
        command.of(
            Schema.VERSION, commandId(), r.runId(), p.requestedBy(), reason, clock.instant()));
  }

  public void capRaise(Context ctx) {
    RunView r = lookup.requireRun(ctx);
    JsonNode body = JsonBodies.body(ctx);
    BigDecimal to = JsonBodies.money(body);
    String reason = JsonBodies.reason(body);
    CostView c = RunLookup.requireCost(r);
    if (c.cap() != null && to.compareTo(c.cap()) <= 0) {
      throw Problem.badRequest(
          "field 'to' must be greater than the cap in force ("
              + Money.format(c.cap(), c.currency())
              + " "
              + c.currency()
              + ") to raise it, but was "
              + to.toPlainString()
              + "; lowering a cap takes the admin role (POST "
              + ApiPaths.BASE
              + "/runs/{runId}/cap)");
    }
    setCap(ctx, r, to, reason);
  }

  public void capSet(Context ctx) {
    RunView r = lookup.requireRun(ctx);
    JsonNode body = JsonBodies.body(ctx);
    setCap(ctx, r, JsonBodies.money(body), JsonBodies.reason(body));
  }

  private void setCap(Context ctx, RunView r, BigDecimal to, String reason) {
    Principal p = Callers.principal(ctx);
    sender.send(
        ctx,
        r.runId(),
        new RunCommand.SetCostCap(
            Schema.VERSION, commandId(), r.runId(), to, p.requestedBy(), reason, clock.instant()));
  }

  public void nodeCap(Context ctx) {
    String target = ctx.pathParam("target");
    if (!ApiPaths.TARGET.matcher(target).matches()) {
      throw Problem.badRequest(
          "compute target '"
              + target
              + "' must match "
              + ApiPaths.TARGET.pattern()
              + " (cpu-cluster)");
    }
    JsonNode body = JsonBodies.body(ctx);
    JsonNode nodes = body.get("nodes");
    if (nodes == null || !nodes.canConvertToInt() || nodes.asInt() < 0) {
      throw Problem.badRequest(
          "field 'nodes' must be a whole number of nodes, at least 0, but was " + nodes);
    }
    Principal p = Callers.principal(ctx);
    String key = RunCommand.SetNodeCap.keyOf(target);
    sender.send(
        ctx,
        key,
        new RunCommand.SetNodeCap(
            Schema.VERSION,
            commandId(),
            key,
            target,
            nodes.asInt(),
            p.requestedBy(),
            JsonBodies.reason(body),
            clock.instant()));
  }

  /** Pauses ({@code paused}) or resumes the schedule of the path's plan. */
  public void schedulePaused(Context ctx, boolean paused) {
    String plan = ctx.pathParam("plan");
    if (reader.snapshot().schedules().stream().noneMatch(s -> s.planName().equals(plan))) {
      throw Problem.notFound("no schedule for plan '" + plan + "'");
    }
    Principal p = Callers.principal(ctx);
    String key = ScheduleSpec.key(plan);
    sender.send(
        ctx,
        key,
        new RunCommand.SetSchedulePaused(
            Schema.VERSION,
            commandId(),
            key,
            plan,
            paused,
            p.requestedBy(),
            JsonBodies.reason(ctx),
            clock.instant()));
  }
}
