package io.partitrain.cli;

import io.partitrain.cli.client.ConsoleApiClient;
import io.partitrain.cli.client.RunClient;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunIds;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.plan.Plan;
import io.partitrain.shared.plan.PlanLoader;
import io.partitrain.shared.serde.Json;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code partitrain run start|show|list|rerun|cancel}. */
@Command(
    name = "run",
    description = "Start, watch, rerun and cancel runs.",
    mixinStandardHelpOptions = true,
    subcommands = {
      RunCommands.Start.class,
      RunCommands.Show.class,
      RunCommands.ListRuns.class,
      RunCommands.Rerun.class,
      RunCommands.Cancel.class,
      RunPlanCommand.class,
      EvidenceCommands.RunEvidenceCommand.class
    })
public final class RunCommands {

  static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  static String user() {
    return System.getProperty("user.name", "unknown");
  }

  /** The default id of a run started by hand: the plan's name and the UTC time. */
  public static String manualRunId(String planName, Instant now) {
    return planName + "-" + STAMP.format(now);
  }

  /** The start command for a loaded plan. */
  public static RunCommand.StartRun startCommand(
      Plan plan, String runId, String requestedBy, Instant now) {
    RunIds.requireValid(runId);
    return new RunCommand.StartRun(
        Schema.VERSION,
        UUID.randomUUID().toString(),
        runId,
        plan.definition(),
        plan.partitions(),
        requestedBy,
        now);
  }

  @Command(
      name = "start",
      description = "Check a plan and start a run of it.",
      mixinStandardHelpOptions = true)
  static final class Start implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin KafkaOptions kafka;

    @Option(names = "--plan", required = true, description = "the plan.yml")
    Path planFile;

    @Option(names = "--run-id", description = "the run id (default: PLAN-yyyyMMdd-HHmmss, UTC)")
    String runId;

    @Option(
        names = {"-o", "--output"},
        defaultValue = "table")
    OutputFormat output;

    @Override
    public Integer call() {
      Plan plan = PlanLoader.load(planFile);
      Instant now = Clock.systemUTC().instant();
      String id = runId != null ? runId : manualRunId(plan.name(), now);
      try (RunClient client = new RunClient(kafka.settings(), "partitrain-cli")) {
        RunEvent answer = client.send(startCommand(plan, id, user(), now), ANSWER_TIMEOUT);
        return printAnswer(spec, answer, output);
      }
    }
  }

  @Command(name = "show", description = "Show a run's state.", mixinStandardHelpOptions = true)
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin KafkaOptions kafka;

    @Parameters(index = "0", description = "the run id")
    String runId;

    @Option(
        names = {"-o", "--output"},
        defaultValue = "table")
    OutputFormat output;

    @Mixin ServerOptions server;

    @Override
    public Integer call() {
      var api = server.client();
      if (api.isPresent()) {
        return EvidenceCommands.showThroughServer(spec, api.get(), runId, output);
      }
      try (RunClient client = new RunClient(kafka.settings(), "partitrain-cli")) {
        Optional<RunSummary> s = client.latest(runId);
        if (s.isEmpty()) {
          spec.commandLine()
              .getErr()
              .println("partitrain: no run " + runId + " (or it has published no state yet)");
          return PartitrainCli.EXIT_NOT_FOUND;
        }
        if (output == OutputFormat.json) {
          spec.commandLine().getOut().println(Json.toPrettyString(s.get()));
        } else {
          SummaryView.print(s.get(), spec.commandLine().getOut());
          spec.commandLine().getOut().flush();
        }
        return PartitrainCli.EXIT_OK;
      }
    }
  }

  @Command(
      name = "list",
      description = "List runs and their counts.",
      mixinStandardHelpOptions = true)
  static final class ListRuns implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin KafkaOptions kafka;

    @Option(
        names = {"-o", "--output"},
        defaultValue = "table")
    OutputFormat output;

    @Override
    public Integer call() {
      try (RunClient client = new RunClient(kafka.settings(), "partitrain-cli")) {
        Map<String, RunSummary> all = client.all();
        var out = spec.commandLine().getOut();
        if (output == OutputFormat.json) {
          out.println(Json.toPrettyString(all.values()));
          return PartitrainCli.EXIT_OK;
        }
        out.printf(
            "%-40s %-9s %6s %9s %6s %8s%n",
            "RUN", "STATUS", "TOTAL", "SUCCEEDED", "FAILED", "ATTEMPTS");
        all.values()
            .forEach(
                s ->
                    out.printf(
                        "%-40s %-9s %6d %9d %6d %8d%n",
                        s.runId(),
                        s.complete() ? "complete" : "running",
                        s.total(),
                        s.count(io.partitrain.shared.contracts.PartitionState.SUCCEEDED),
                        s.count(io.partitrain.shared.contracts.PartitionState.FAILED),
                        s.attempts()));
        return PartitrainCli.EXIT_OK;
      }
    }
  }

  @Command(
      name = "rerun",
      description = "Rerun a run's FAILED partitions (SUCCEEDED ones are never touched).",
      mixinStandardHelpOptions = true)
  static final class Rerun implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin KafkaOptions kafka;

    @Parameters(index = "0", description = "the run id")
    String runId;

    @Option(
        names = "--failed",
        required = true,
        description = "rerun the FAILED partitions (the only selection so far)")
    boolean failed;

    @Option(names = "--reason", defaultValue = "operator rerun")
    String reason;

    @Option(
        names = {"-o", "--output"},
        defaultValue = "table")
    OutputFormat output;

    @Mixin ServerOptions server;

    @Override
    public Integer call() {
      var api = server.client();
      if (api.isPresent()) {
        return EvidenceCommands.sendThroughServer(
            spec,
            api.get(),
            "/runs/" + ConsoleApiClient.segment(runId) + "/rerun-failed",
            Map.of("reason", reason),
            output);
      }
      try (RunClient client = new RunClient(kafka.settings(), "partitrain-cli")) {
        var cmd =
            new RunCommand.RerunFailed(
                Schema.VERSION, UUID.randomUUID().toString(), runId, user(), reason, Instant.now());
        return printAnswer(spec, client.send(cmd, ANSWER_TIMEOUT), output);
      }
    }
  }

  @Command(
      name = "cancel",
      description = "Cancel a run: nothing new starts, running jobs are canceled.",
      mixinStandardHelpOptions = true)
  static final class Cancel implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin KafkaOptions kafka;

    @Parameters(index = "0", description = "the run id")
    String runId;

    @Option(names = "--reason", defaultValue = "canceled by operator")
    String reason;

    @Option(
        names = {"-o", "--output"},
        defaultValue = "table")
    OutputFormat output;

    @Mixin ServerOptions server;

    @Override
    public Integer call() {
      var api = server.client();
      if (api.isPresent()) {
        return EvidenceCommands.sendThroughServer(
            spec,
            api.get(),
            "/runs/" + ConsoleApiClient.segment(runId) + "/cancel",
            Map.of("reason", reason),
            output);
      }
      try (RunClient client = new RunClient(kafka.settings(), "partitrain-cli")) {
        var cmd =
            new RunCommand.CancelRun(
                Schema.VERSION, UUID.randomUUID().toString(), runId, user(), reason, Instant.now());
        return printAnswer(spec, client.send(cmd, ANSWER_TIMEOUT), output);
      }
    }
  }

  /** Prints the orchestrator's answer to any command; a rejection goes to stderr and exits 2. */
  static int printAnswer(CommandSpec spec, RunEvent answer, OutputFormat output) {
    var out = spec.commandLine().getOut();
    if (output == OutputFormat.json) {
      out.println(Json.toPrettyString(answer));
    } else if (answer instanceof RunEvent.RunStarted s) {
      out.printf(
          "started run %s: plan %s, %d partitions%n",
          s.runId(), s.definition().planName(), s.partitionCount());
    } else if (answer instanceof RunEvent.RerunAccepted r) {
      out.printf(
          "run %s: %d failed partitions will run again%s%n",
          r.runId(),
          r.partitionIds().size(),
          r.partitionIds().isEmpty() ? "" : ": " + String.join(", ", r.partitionIds()));
    } else if (answer instanceof RunEvent.CancelAccepted c) {
      out.printf("run %s: cancel accepted%n", c.runId());
    } else if (answer instanceof RunEvent.CostCapChanged c) {
      out.printf(
          "run %s: cost cap %s -> %s (%s)%n",
          c.runId(), FinOpsCommands.m(c.from()), FinOpsCommands.m(c.to()), c.reason());
    } else if (answer instanceof RunEvent.NodeCapChanged c) {
      out.printf(
          "compute target %s: node cap %s -> %d (%s)%n",
          c.computeTarget(), c.from() == null ? "none" : c.from().toString(), c.to(), c.reason());
    } else if (answer instanceof RunEvent.ScheduleApplied a) {
      out.printf(
          "schedule of %s applied: '%s' in %s, %s%n",
          a.planName(),
          a.schedule().cron(),
          a.schedule().timeZone(),
          a.schedule().concurrencyPolicy());
    } else if (answer instanceof RunEvent.SchedulePauseChanged p) {
      out.printf("schedule of %s %s%n", p.planName(), p.paused() ? "paused" : "resumed");
    } else if (answer instanceof RunEvent.CommandRejected r) {
      spec.commandLine().getErr().println("partitrain: rejected: " + r.reason());
    }
    out.flush();
    return answer instanceof RunEvent.CommandRejected
        ? PartitrainCli.EXIT_REJECTED
        : PartitrainCli.EXIT_OK;
  }
}
