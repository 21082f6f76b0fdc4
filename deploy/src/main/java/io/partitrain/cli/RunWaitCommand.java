package io.partitrain.cli;

import io.partitrain.cli.client.ConsoleApiClient;
import io.partitrain.cli.client.RunClient;
import io.partitrain.cli.client.RunHistory;
import io.partitrain.shared.RetriableException;
import io.partitrain.shared.contracts.RunOutcome;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.serde.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "wait",
    description = {
      "Wait until a run settles; the exit code says how it ended.",
      "Exit: 0 SUCCEEDED; 2 FAILED, CANCELED or WAITING_ON_BUDGET (needs an operator);"
          + " 3 no such run; 4 the timeout passed first (or Kafka did not answer)."
    },
    mixinStandardHelpOptions = true)
final class RunWaitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin KafkaOptions kafka;

  @Parameters(index = "0", paramLabel = "RUN", description = "the run id")
  String runId;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "24h",
      description =
          "give up after this long (default: ${DEFAULT-VALUE}): " + TimeArgs.DURATION_FORMATS)
  Duration timeout;

  @Mixin OutputOption output;

  @Mixin ServerOptions server;

  @Override
  public Integer call() {
    var api = server.client();
    if (api.isPresent()) {
      return waitThroughServer(api.get());
    }
    try (RunClient client = new RunClient(kafka.settings(), "partitrain-cli")) {
      Instant asked = Instant.now();
      RunHistory h = client.history(runId, false).orElseThrow(() -> NotFoundException.run(runId));
      if (h.outcome() == RunOutcome.ACTIVE) {
        PrintWriter err = spec.commandLine().getErr();
        try {
          h =
              RunFollow.onTopics(client, runId, asked, timeout, RunFollow.printingTo(err))
                  .orElseThrow(() -> NotFoundException.run(runId));
        } catch (RetriableException e) {
          return notSettled(err);
        }
      }
      return settled(h);
    }
  }

  /** Polls the console's view of the run; the same lines and exit codes as the Kafka path. */
  private int waitThroughServer(ConsoleApiClient api) {
    PrintWriter err = spec.commandLine().getErr();
    Consumer<RunSummary> print = RunFollow.printingTo(err);
    Optional<RunHistory> h;
    try {
      h =
          RunFollow.throughServer(
              api,
              runId,
              Instant.now().plus(timeout),
              s -> {
                // The first read is the state asked about, not a change (as on the topics).
                if (RunOutcome.of(s, false) == RunOutcome.ACTIVE) {
                  print.accept(s);
                }
              });
    } catch (ConsoleApiClient.ApiException e) {
      return Answers.failed(spec, e);
    }
    if (h.isEmpty() || h.get().outcome() == RunOutcome.ACTIVE) {
      return notSettled(err);
    }
    return settled(h.get());
  }

  private int notSettled(PrintWriter err) {
    err.println(
        "partitrain: run "
            + runId
            + " did not settle within "
            + RunView.duration(timeout)
            + "; still ACTIVE");
    return ExitCode.UNREACHABLE.code();
  }

  private int settled(RunHistory h) {
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      out.println(Json.toPrettyString(RunView.json(h, Instant.now())));
    } else {
      out.printf("run %s: %s%n", runId, RunView.outcomeLine(h));
    }
    out.flush();
    return h.outcome() == RunOutcome.SUCCEEDED ? ExitCode.OK.code() : ExitCode.REJECTED.code();
  }
}
