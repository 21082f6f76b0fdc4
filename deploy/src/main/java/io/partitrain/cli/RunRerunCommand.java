package io.partitrain.cli;

import io.partitrain.cli.client.ConsoleApiClient;
import io.partitrain.cli.client.RunClient;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.Schema;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
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
    var api = server.client();
    if (api.isPresent()) {
      return Answers.sendThroughServer(
          spec,
          api.get(),
          "/runs/" + ConsoleApiClient.segment(runId) + "/rerun-failed",
          Map.of("reason", reason),
          output.format());
    }
    try (RunClient client = new RunClient(kafka.settings(), "partitrain-cli")) {
      client.history(runId, false).orElseThrow(() -> NotFoundException.run(runId));
      var cmd =
          new RunCommand.RerunFailed(
              Schema.VERSION,
              UUID.randomUUID().toString(),
              runId,
              CliCommands.user(),
              reason,
              Instant.now());
      return Answers.print(spec, client.send(cmd, CliCommands.ANSWER_TIMEOUT), output.format());
    }
  }
}
