package io.partitrain.cli;

import io.partitrain.shared.contracts.RunCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "rerun",
    description = "Rerun a run's FAILED partitions (SUCCEEDED ones are never touched).",
    mixinStandardHelpOptions = true)
final class RunRerunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin KafkaOptions kafka;

  @Parameters(index = "0", paramLabel = "RUN", description = "the run id")
  String runId;

  @Option(
      names = "--failed",
      required = true,
      description = "rerun the FAILED partitions (the only selection so far)")
  boolean failed;

  @Option(
      names = "--reason",
      defaultValue = "operator rerun",
      description = "why, recorded with your user name (default: ${DEFAULT-VALUE})")
  String reason;

  @Mixin OutputOption output;

  @Mixin ServerOptions server;

  @Override
  public Integer call() {
    return RunReasonCommands.send(
        new RunReasonCommands.Channel(spec, kafka, server, output),
        new RunReasonCommands.Request(runId, reason, "rerun-failed", RunCommand.RerunFailed::new));
  }
}
