package io.partitrain.orchestrator.console.api;

import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.POST;

import io.partitrain.orchestrator.console.api.command.CommandGateway;
import io.partitrain.orchestrator.console.api.command.CommandHandlers;
import io.partitrain.orchestrator.console.api.finops.FinOpsReads;
import io.partitrain.orchestrator.console.api.read.JobLogs;
import io.partitrain.orchestrator.console.api.read.JobReads;
import io.partitrain.orchestrator.console.api.read.RunReads;
import io.partitrain.orchestrator.console.api.request.ApiPaths;
import io.partitrain.orchestrator.console.api.request.Callers;
import io.partitrain.orchestrator.console.api.request.RunLookup;
import io.partitrain.orchestrator.console.auth.Role;
import io.partitrain.orchestrator.console.view.ConsoleReader;
import io.partitrain.orchestrator.console.view.RunDetails;
import io.partitrain.orchestrator.console.view.RunsFold;
import java.time.Clock;
import java.util.List;

/**
 * The console's HTTP JSON API under {@value #BASE}: reads from the instance's own {@link
 * ConsoleReader}, writes become commands on the commands topic whose {@code requestedBy} is the
 * authenticated principal. Every endpoint and the role it needs is in {@link #endpoints()}; the
 * handlers live by what they do: {@code read} (runs, partitions, jobs), {@code finops}, {@code
 * command} (writes), over {@code request} (ids, parameters, bodies, paging, problems).
 */
public final class ConsoleApi {

  public static final String BASE = ApiPaths.BASE;

  /** Where the authenticating filter leaves the caller for the handlers. */
  public static final String PRINCIPAL = Callers.PRINCIPAL;

  private final RunReads runs;
  private final JobReads jobs;
  private final FinOpsReads finops;
  private final CommandHandlers commands;

  /**
   * @param details where the detail of a finished run beyond the console's memory bound is read
   */
  public ConsoleApi(
      ConsoleReader reader,
      CommandGateway commands,
      JobLogs logs,
      RunDetails details,
      Clock clock) {
    RunLookup lookup = new RunLookup(reader, details);
    this.runs = new RunReads(reader, lookup);
    this.jobs = new JobReads(lookup, logs, clock);
    this.finops = new FinOpsReads(reader, lookup);
    this.commands = new CommandHandlers(reader, commands, lookup, clock);
  }

  /** Every endpoint, the role it needs and what it does. */
  public List<Endpoint> endpoints() {
    return List.of(
        new Endpoint(
            GET, BASE + "/whoami", Role.VIEWER, "the caller and their roles", runs::whoami),
        new Endpoint(GET, BASE + "/runs", Role.VIEWER, "runs, newest first", runs::runs),
        new Endpoint(
            POST,
            BASE + "/runs",
            Role.OPERATOR,
            "start a run of a checked plan: {runId, definition, partitions, computes,"
                + " refuseOverCapacity}, as 'partitrain run start' builds it; the answer is the"
                + " RunStarted event",
            commands::startRun),
        new Endpoint(
            GET,
            BASE + "/runs/{runId}",
            Role.VIEWER,
            "one run with counts; ?include=summary adds the orchestrator's published summary and"
                + " the accepted cancel, as 'partitrain run wait' reads them",
            runs::run),
        new Endpoint(
            GET,
            BASE + "/runs/{runId}/partitions",
            Role.VIEWER,
            "partitions of a run: ?state=&failureClass=&tag=name:value&q=&limit=&cursor=",
            runs::partitions),
        new Endpoint(
            GET,
            BASE + "/runs/{runId}/jobs/{partitionId}",
            Role.VIEWER,
            "a partition's job evidence: attempts, status history, cost, log location, metrics",
            jobs::job),
        new Endpoint(
            GET,
            BASE + "/runs/{runId}/jobs/{partitionId}/log",
            Role.VIEWER,
            "the tail of a local job's log (?lines=), or from a byte offset (?offset=, with"
                + " ?attempt=) as 'partitrain job logs --follow' reads it; or the Studio link of"
                + " an Azure ML job",
            jobs::log),
        new Endpoint(
            GET,
            BASE + "/runs/{runId}/finops",
            Role.FINOPS,
            "spent, reserved and cap over time, spend by tag, cap events",
            finops::finops),
        new Endpoint(
            GET,
            BASE + "/runs/{runId}/finops/report",
            Role.FINOPS,
            "the run's FinOps report exactly as 'partitrain finops report' builds it from the"
                + " topics: cap, spent, reserved, remaining, spend by tag and failure class,"
                + " deferrals, cap events, ledger",
            finops::report),
        new Endpoint(
            GET,
            BASE + "/finops/events",
            Role.FINOPS,
            "cost-cap and node-cap events across runs, oldest first (the latest "
                + RunsFold.MAX_CAP_EVENTS
                + "), each with its type, as 'partitrain finops events' reads them",
            finops::allCapEvents),
        new Endpoint(
            GET,
            BASE + "/runs/{runId}/finops/ledger",
            Role.FINOPS,
            "the run's ledger; ?format=csv for CSV",
            finops::ledger),
        new Endpoint(
            GET,
            BASE + "/runs/{runId}/finops/events",
            Role.FINOPS,
            "the run's cost-cap events with who and why; ?format=csv for CSV",
            finops::capEvents),
        new Endpoint(
            GET,
            BASE + "/runs/{runId}/evidence",
            Role.FINOPS,
            "the run's audit bundle: job template and hash, every attempt's evidence, cap events,"
                + " ledger (schema: docs/run-evidence.schema.json)",
            jobs::evidence),
        new Endpoint(GET, BASE + "/schedules", Role.VIEWER, "schedules", runs::schedules),
        new Endpoint(
            POST,
            BASE + "/schedules",
            Role.OPERATOR,
            "register or update a plan's schedule: {schedule, definition, partitions}, as"
                + " 'partitrain schedule apply' builds it; the answer is the ScheduleApplied event",
            commands::applySchedule),
        new Endpoint(
            POST,
            BASE + "/runs/{runId}/rerun-failed",
            Role.OPERATOR,
            "rerun the run's failed partitions: {reason}",
            commands::rerunFailed),
        new Endpoint(
            POST,
            BASE + "/runs/{runId}/cancel",
            Role.OPERATOR,
            "cancel: {reason}",
            commands::cancel),
        new Endpoint(
            POST,
            BASE + "/runs/{runId}/cap/raise",
            Role.FINOPS,
            "raise the run's cost cap: {to, reason}; to must exceed the cap in force",
            commands::capRaise),
        new Endpoint(
            POST,
            BASE + "/runs/{runId}/cap",
            Role.ADMIN,
            "set the run's cost cap to any value: {to, reason}",
            commands::capSet),
        new Endpoint(
            POST,
            BASE + "/compute/{target}/node-cap",
            Role.ADMIN,
            "set a compute target's node cap: {nodes, reason}",
            commands::nodeCap),
        new Endpoint(
            POST,
            BASE + "/schedules/{plan}/pause",
            Role.OPERATOR,
            "pause a schedule: {reason}",
            ctx -> commands.schedulePaused(ctx, true)),
        new Endpoint(
            POST,
            BASE + "/schedules/{plan}/resume",
            Role.OPERATOR,
            "resume a schedule: {reason}",
            ctx -> commands.schedulePaused(ctx, false)));
  }
}
