package io.partitrain.cli;

import io.partitrain.cli.client.ConsoleApiClient;
import io.partitrain.cli.client.RunClient;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.plan.LocalPathCheck;
import io.partitrain.shared.plan.Plan;
import io.partitrain.shared.plan.PlanLoader;
import io.partitrain.worker.backend.azureml.AzureMlBackend;
import io.partitrain.worker.backend.azureml.AzureMlConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "start",
    description = "Check a plan and start a run of it.",
    mixinStandardHelpOptions = true)
final class RunStartCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin KafkaOptions kafka;

  @Option(names = "--plan", required = true, paramLabel = "FILE", description = "the plan.yml")
  Path planFile;

  @Option(
      names = "--run-id",
      paramLabel = "RUN",
      description = "the run id (default: PLAN-yyyyMMdd-HHmmss, UTC)")
  String runId;

  @Mixin OutputOption output;

  @Mixin ComputeChecks.Options computeCheck;

  @Mixin ServerOptions server;

  @Option(
      names = "--refuse-over-capacity",
      description =
          "refuse the run (exit 2) when a compute target's node cap is more than its Azure ML"
              + " cluster's maxNodeCount or the vCPU quota holds, or when that cannot be checked;"
              + " default: start it and record a ComputeCapacityWarning")
  boolean refuseOverCapacity;

  private final Function<AzureMlConfig, AzureMlBackend> azureMlBackends;

  public RunStartCommand() {
    this(config -> AzureMlBackend.builder(config).build());
  }

  /** With the backend the compute check asks (a fake ARM in tests). */
  RunStartCommand(Function<AzureMlConfig, AzureMlBackend> azureMlBackends) {
    this.azureMlBackends = azureMlBackends;
  }

  @Override
  public Integer call() {
    Plan plan = PlanLoader.load(planFile);
    LocalPathCheck.requireAll(plan);
    Instant now = Clock.systemUTC().instant();
    String id = runId != null ? runId : CliCommands.manualRunId(plan.name(), now);
    RunCommand.StartRun start = CliCommands.startCommand(plan, id, CliCommands.user(), now);
    PrintWriter err = spec.commandLine().getErr();
    Optional<Path> settings = computeCheck.file();
    if (settings.isPresent()) {
      List<ComputeChecks.Checked> checked =
          ComputeChecks.check(plan, settings.get(), azureMlBackends);
      for (ComputeChecks.Checked c : checked) {
        if (c.error() != null) {
          err.println("partitrain: compute " + c.computeTarget() + " not checked: " + c.error());
          if (refuseOverCapacity) {
            err.println("partitrain: refused (--refuse-over-capacity): nothing was started");
            return ExitCode.REJECTED.code();
          }
        }
      }
      start = start.withComputes(ComputeChecks.capacities(checked), refuseOverCapacity);
    } else if (refuseOverCapacity) {
      err.println(
          "partitrain: --refuse-over-capacity needs --azureml-config (or $"
              + ComputeChecks.CONFIG_ENV
              + ") to check the compute targets");
      return ExitCode.BAD_INPUT.code();
    }
    var api = server.client();
    if (api.isPresent()) {
      return startThroughServer(api.get(), start, err);
    }
    try (RunClient client = new RunClient(kafka.settings(), "partitrain-cli")) {
      RunEvent answer = client.send(start, CliCommands.ANSWER_TIMEOUT);
      int exit = Answers.print(spec, answer, output.format());
      if (answer instanceof RunEvent.RunStarted && !start.computes().isEmpty()) {
        // Recorded in the same transaction as the start, so they are there now.
        // Read as events, not as a history: a headline read skips warnings, and a run this
        // young has published no summary yet.
        client.events(id).stream()
            .filter(e -> e instanceof RunEvent.ComputeCapacityWarning)
            .flatMap(e -> ((RunEvent.ComputeCapacityWarning) e).problems().stream())
            .forEach(problem -> err.println("partitrain: WARNING: " + problem));
      }
      return exit;
    }
  }

  /**
   * The start through the console ({@code POST /runs}): the same command, the caller's token as
   * {@code requestedBy}; the compute warnings are read back from the console's view of the run once
   * it has read the whole start (every partition's SCHEDULED follows the warnings).
   */
  private int startThroughServer(ConsoleApiClient api, RunCommand.StartRun start, PrintWriter err) {
    RunEvent answer;
    try {
      answer = Answers.post(api, "/runs", start);
    } catch (ConsoleApiClient.ApiException e) {
      return Answers.failed(spec, e);
    }
    int exit = Answers.print(spec, answer, output.format());
    if (answer instanceof RunEvent.RunStarted started && !start.computes().isEmpty()) {
      Instant giveUp = Instant.now().plus(CliCommands.ANSWER_TIMEOUT);
      com.fasterxml.jackson.databind.JsonNode run;
      do {
        run = api.get("/runs/" + ConsoleApiClient.segment(started.runId()) + "?include=summary");
      } while (scheduledSum(run) < started.partitionCount()
          && Instant.now().isBefore(giveUp)
          && RunFollow.pause(RunFollow.SERVER_POLL_SHORT));
      for (var w : run.path("warnings")) {
        w.path("problems")
            .forEach(problem -> err.println("partitrain: WARNING: " + problem.asText()));
      }
    }
    return exit;
  }

  private static int scheduledSum(com.fasterxml.jackson.databind.JsonNode run) {
    int n = 0;
    for (var count : run.path("byState")) {
      n += count.asInt();
    }
    return n;
  }
}
