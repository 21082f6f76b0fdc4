package io.partitrain.cli;

import io.partitrain.cli.client.ConsoleApiClient;
import io.partitrain.cli.client.RunClient;
import io.partitrain.shared.contracts.CostBudget;
import io.partitrain.shared.contracts.JobSpec;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.Schema;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code partitrain cap raise|set}: operators change a run's cost cap or a target's node cap. */
@Command(
    name = "cap",
    description =
        "Change a run's cost cap or a compute target's node cap (recorded with who and why).",
    mixinStandardHelpOptions = true,
    subcommands = {CapCommands.Raise.class, CapCommands.SetNodes.class})
public final class CapCommands {

  /** The FinOps record says why; a blank reason says nothing, so it is refused before sending. */
  static void requireReason(CommandSpec spec, String reason) {
    if (reason == null || reason.isBlank()) {
      throw new ParameterException(
          spec.commandLine(), "--reason = '" + reason + "': must say why, for the record");
    }
  }

  @Command(
      name = "raise",
      mixinStandardHelpOptions = true,
      description =
          "Set a run's cost cap (raise, or lower); deferred partitions that then fit run.")
  static final class Raise implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin KafkaOptions kafka;

    @Parameters(index = "0", description = "the run id")
    String runId;

    @Option(names = "--to", required = true, description = "the new cap, in the run's currency")
    BigDecimal to;

    @Option(names = "--reason", required = true, description = "why, for the FinOps record")
    String reason;

    @Mixin OutputOption output;

    @Mixin ServerOptions server;

    @Override
    public Integer call() {
      if (!CostBudget.isAmount(to)) {
        throw new ParameterException(
            spec.commandLine(), "--to = '" + to.toPlainString() + "': " + CostBudget.AMOUNT_RULE);
      }
      requireReason(spec, reason);
      var api = server.client();
      if (api.isPresent()) {
        return throughServer(api.get());
      }
      try (RunClient client = new RunClient(kafka.settings(), "partitrain-cli")) {
        var cmd =
            new RunCommand.SetCostCap(
                Schema.VERSION,
                UUID.randomUUID().toString(),
                runId,
                to,
                CliCommands.user(),
                reason,
                Instant.now());
        return Answers.print(spec, client.send(cmd, CliCommands.ANSWER_TIMEOUT), output.format());
      }
    }

    /**
     * Through the console: a raise needs the finops role, any other change the admin role, so the
     * cap in force decides which of the two resources is asked.
     */
    private int throughServer(ConsoleApiClient api) {
      String run = "/runs/" + ConsoleApiClient.segment(runId);
      try {
        var cost = api.get(run).path("cost");
        boolean raise =
            cost.path("cap").isNumber() && to.compareTo(cost.path("cap").decimalValue()) > 0;
        return Answers.sendThroughServer(
            spec,
            api,
            run + (raise ? "/cap/raise" : "/cap"),
            Map.of("to", to, "reason", reason),
            output.format());
      } catch (ConsoleApiClient.ApiException e) {
        return Answers.failed(spec, e);
      }
    }
  }

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = "Set a compute target's node cap, for every run on it.")
  static final class SetNodes implements Callable<Integer> {

    /** Far above any cluster's maxNodeCount; a larger number is a typo. */
    static final int MAX_NODES = 100_000;

    @Spec CommandSpec spec;
    @Mixin KafkaOptions kafka;

    @Parameters(
        index = "0",
        paramLabel = "TARGET",
        description = "the compute target: cpu-cluster or azureml:cpu-cluster (the same target)")
    String target;

    @Option(names = "--nodes", required = true, description = "the node cap")
    int nodes;

    @Option(names = "--reason", required = true, description = "why, for the record")
    String reason;

    @Mixin OutputOption output;

    @Mixin ServerOptions server;

    @Override
    public Integer call() {
      if (nodes < 0 || nodes > MAX_NODES) {
        throw new ParameterException(
            spec.commandLine(),
            "--nodes = '" + nodes + "': must be a whole number from 0 to " + MAX_NODES);
      }
      requireReason(spec, reason);
      String name = JobSpec.targetName(target);
      var api = server.client();
      if (api.isPresent()) {
        return Answers.sendThroughServer(
            spec,
            api.get(),
            "/compute/" + ConsoleApiClient.segment(name) + "/node-cap",
            Map.of("nodes", nodes, "reason", reason),
            output.format());
      }
      try (RunClient client = new RunClient(kafka.settings(), "partitrain-cli")) {
        var cmd =
            new RunCommand.SetNodeCap(
                Schema.VERSION,
                UUID.randomUUID().toString(),
                RunCommand.SetNodeCap.keyOf(name),
                name,
                nodes,
                CliCommands.user(),
                reason,
                Instant.now());
        return Answers.print(spec, client.send(cmd, CliCommands.ANSWER_TIMEOUT), output.format());
      }
    }
  }
}
