package io.partitrain.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.cli.client.ConsoleApiClient;
import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.contracts.Money;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.serde.Json;
import picocli.CommandLine.Model.CommandSpec;

/**
 * How every verb prints the orchestrator's answer to a command, whether it went through Kafka or
 * through the console API, and the exit code that answer means. One place, so {@code run}, {@code
 * cap} and {@code schedule} verbs answer alike.
 */
final class Answers {

  private Answers() {}

  /**
   * Prints the answer; {@link ExitCode#REJECTED} for a rejection ({@link ExitCode#NOT_FOUND} when
   * the run does not exist), else {@link ExitCode#OK}.
   */
  static int print(CommandSpec spec, RunEvent answer, OutputFormat output) {
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
          c.runId(), Money.format(c.from(), null), Money.format(c.to(), null), c.reason());
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
    if (answer instanceof RunEvent.CommandRejected r) {
      // The orchestrator's "no run X" is the same answer as every other verb's missing run.
      return r.reason().startsWith("no run ")
          ? ExitCode.NOT_FOUND.code()
          : ExitCode.REJECTED.code();
    }
    return ExitCode.OK.code();
  }

  /**
   * A command through the console API: the caller's token decides {@code requestedBy}; the answer
   * is printed as the Kafka path prints it.
   */
  static int sendThroughServer(
      CommandSpec spec, ConsoleApiClient api, String path, Object body, OutputFormat output) {
    try {
      return print(spec, post(api, path, body), output);
    } catch (ConsoleApiClient.ApiException e) {
      return failed(spec, e);
    }
  }

  /** A command through the console API: the orchestrator's answer, as on the runs topic. */
  static RunEvent post(ConsoleApiClient api, String path, Object body) {
    JsonNode answer = api.post(path, body);
    try {
      return Json.mapper().treeToValue(answer.get("event"), RunEvent.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new PartitrainException("the console's answer is not a run event: " + e.getMessage());
    }
  }

  static int failed(CommandSpec spec, ConsoleApiClient.ApiException e) {
    if (e.status() == 409) {
      // The orchestrator's rejection, worded as the Kafka path words it.
      spec.commandLine().getErr().println("partitrain: rejected: " + e.detail());
      return ExitCode.REJECTED.code();
    }
    spec.commandLine().getErr().println("partitrain: " + e.getMessage());
    return switch (e.status()) {
      case 404, 410 -> ExitCode.NOT_FOUND.code();
      case 401, 403, 409 -> ExitCode.REJECTED.code();
      case 502, 503, 504 -> ExitCode.UNREACHABLE.code();
      default -> ExitCode.BAD_INPUT.code();
    };
  }
}
