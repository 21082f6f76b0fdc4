package io.partitrain.cli;

import io.partitrain.cli.client.ConsoleApiClient;
import io.partitrain.cli.client.RunClient;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.Schema;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Sends a command about one run that says only who asked and why ({@code run rerun}, {@code run
 * cancel}): through the console's endpoint for it, or on the commands topic once the run is known
 * there. The orchestrator's answer is the one printed (in JSON with its type), whoever sends it.
 */
final class RunReasonCommands {

  /** The command as the topic carries it. */
  interface OnTopic {
    RunCommand of(
        int schemaVersion,
        String commandId,
        String runId,
        String requestedBy,
        String reason,
        Instant requestedAt);
  }

  /**
   * @param endpoint the console's endpoint under the run ({@code cancel})
   */
  record Request(String runId, String reason, String endpoint, OnTopic onTopic) {}

  /** Where and how the command line said to send it. */
  record Channel(CommandSpec spec, KafkaOptions kafka, ServerOptions server, OutputOption output) {}

  private RunReasonCommands() {}

  static int send(Channel via, Request r) {
    var api = via.server().client();
    if (api.isPresent()) {
      return Answers.sendThroughServer(
          via.spec(),
          api.get(),
          "/runs/" + ConsoleApiClient.segment(r.runId()) + "/" + r.endpoint(),
          Map.of("reason", r.reason()),
          via.output().format());
    }
    try (RunClient client = new RunClient(via.kafka().settings(), "partitrain-cli")) {
      client.history(r.runId(), false).orElseThrow(() -> NotFoundException.run(r.runId()));
      RunCommand cmd =
          r.onTopic()
              .of(
                  Schema.VERSION,
                  UUID.randomUUID().toString(),
                  r.runId(),
                  CliCommands.user(),
                  r.reason(),
                  Instant.now());
      return Answers.print(
          via.spec(), client.send(cmd, CliCommands.ANSWER_TIMEOUT), via.output().format());
    }
  }
}
