package io.partitrain.orchestrator.console.api.command;

import io.javalin.http.Context;
import io.partitrain.orchestrator.console.api.request.Problem;
import io.partitrain.orchestrator.console.view.ConsoleReader;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.serde.Json;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Sends a command and answers the request with the orchestrator's answer to it: 200 with the event,
 * 409 when it was rejected, 503 when no orchestrator answered in time.
 */
final class CommandSender {

  static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(15);

  private final ConsoleReader reader;
  private final CommandGateway commands;

  CommandSender(ConsoleReader reader, CommandGateway commands) {
    this.reader = reader;
    this.commands = commands;
  }

  static String commandId() {
    return "console-" + UUID.randomUUID();
  }

  void send(Context ctx, String key, RunCommand command) {
    commands.send(key, command);
    Optional<RunEvent.Answer> answer;
    try {
      answer = reader.awaitAnswer(command.commandId(), ANSWER_TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Problem.noAnswer("interrupted while waiting for the answer");
    }
    if (answer.isEmpty()) {
      throw Problem.noAnswer(
          command.getClass().getSimpleName()
              + " "
              + command.commandId()
              + " was sent, but no orchestrator answered within "
              + ANSWER_TIMEOUT.toSeconds()
              + "s; is a leader running?");
    }
    if (answer.get() instanceof RunEvent.CommandRejected rejected) {
      throw Problem.rejected(rejected.reason());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "CommandAnswer");
    body.put("commandId", command.commandId());
    body.put("requestedBy", command.requestedBy());
    // Written as a RunEvent, so the answer carries its type like on the runs topic.
    body.put("event", Json.mapper().valueToTree(new RunEventHolder(answer.get())).get("event"));
    body.put("eventType", answer.get().getClass().getSimpleName());
    ctx.json(body);
  }

  /** Declares the field as a {@link RunEvent}, so Jackson writes the type id with it. */
  private record RunEventHolder(RunEvent event) {}
}
