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
    name = "cancel",
    description = "Cancel a run: nothing new starts, running jobs are canceled.",
    mixinStandardHelpOptions = true)
final class RunCancelCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin KafkaOptions kafka;

  @Parameters(index = "0", paramLabel = "RUN", description = "the run id")
  String runId;

  @Option(
      names = "--reason",
      defaultValue = "canceled by operator",
      description =
          "why, recorded with your user name and shown by run show (default: ${DEFAULT-VALUE})")
  String reason;

  @Mixin OutputOption output;

  @Mixin ServerOptions server;

  @Override
  public Integer call() {
    return RunReasonCommands.send(
        new RunReasonCommands.Channel(spec, kafka, server, output),
        new RunReasonCommands.Request(runId, reason, "cancel", RunCommand.CancelRun::new));
  }
}
