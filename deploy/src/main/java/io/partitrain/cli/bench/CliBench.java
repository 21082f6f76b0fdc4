package io.partitrain.cli.bench;

import io.partitrain.cli.CliCommands;
import io.partitrain.cli.OutputFormat;
import io.partitrain.deploy.LocalStack;
import io.partitrain.deploy.broker.KafkaBootstrap;
import io.partitrain.orchestrator.console.Console;
import io.partitrain.orchestrator.console.ConsoleConfig;
import io.partitrain.orchestrator.console.auth.LocalTokenAuthenticator;
import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.StartCommandWriter;
import io.partitrain.shared.plan.Plan;
import io.partitrain.shared.plan.PlanLoader;
import io.partitrain.shared.serde.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code partitrain bench cli} (issue 29): how long a person waits for each read command, at a
 * history of N finished runs. For each N it starts an orchestrator, workers (simulated jobs) and a
 * console on topics of their own, makes N runs of a two-partition plan with a cost cap, then runs
 * each command as a real child process of the packaged CLI (the {@code ./partitrain} launcher when
 * there is one, else {@code java -jar}), {@code --repeat} times, directly through Kafka and through
 * {@code --server}, and prints the median and p90 of the wall times beside the console API's own
 * time for the request the command makes.
 *
 * <p>The run read is the oldest of the history ({@code hist-0}), the worst case for a read that
 * grows with history and for the console's retention; {@code run show} of the newest is beside it.
 * A benchmark prints figures; it asserts nothing about time.
 */
@Command(
    name = "cli",
    mixinStandardHelpOptions = true,
    description =
        "Time each CLI read command (child processes of the packaged jar) at N runs of history,"
            + " through Kafka and through --server, beside the console API's own time.")
public final class CliBench implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--history",
      split = ",",
      defaultValue = "20,2000",
      paramLabel = "N[,N...]",
      description = "finished runs of history to measure at (default: ${DEFAULT-VALUE})")
  List<Integer> histories;

  @Option(
      names = "--repeat",
      defaultValue = "5",
      description = "times each command runs (default: ${DEFAULT-VALUE})")
  int repeat;

  @Option(
      names = "--cli",
      paramLabel = "COMMAND",
      description =
          "how to run the CLI, words split at spaces (default: the ./partitrain launcher next to"
              + " the jar when there is one, else java -XX:+ExitOnOutOfMemoryError -jar JAR)")
  String cli;

  @Option(
      names = "--timeout",
      defaultValue = "PT20M",
      description = "give up making the history after this long (default: ${DEFAULT-VALUE})")
  Duration timeout;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      description = "table or json")
  OutputFormat output;

  @Override
  public Integer call() throws IOException {
    validate();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter info = spec.commandLine().getErr();
    List<String> command = cli != null ? List.of(cli.trim().split("\\s+")) : CliProcess.launcher();
    Path dir = Files.createTempDirectory("partitrain-bench-cli-");
    List<CliBenchReport.AtHistory> results = new ArrayList<>();
    String broker;
    try (KafkaBootstrap kafkaHandle = KafkaBootstrap.resolve()) {
      broker = kafkaHandle.description();
      info.printf("partitrain bench cli: Kafka %s, CLI: %s%n", broker, String.join(" ", command));
      info.flush();
      for (int n : histories) {
        String prefix = "benchcli-" + UUID.randomUUID().toString().substring(0, 8) + "-" + n;
        KafkaSettings kafka =
            new KafkaSettings(kafkaHandle.bootstrapServers(), new Topics(prefix), Map.of());
        results.add(atHistory(kafka, n, command, Files.createDirectories(dir.resolve("h" + n))));
      }
    } finally {
      BenchFiles.deleteTree(dir);
    }
    CliBenchReport report =
        new CliBenchReport(
            "CliBenchReport",
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
            broker,
            String.join(" ", command),
            repeat,
            results);
    if (output == OutputFormat.json) {
      out.println(Json.toPrettyString(report));
    } else {
      report.print(out);
    }
    out.flush();
    return 0;
  }

  private CliBenchReport.AtHistory atHistory(
      KafkaSettings kafka, int n, List<String> command, Path dir) {
    PrintWriter info = spec.commandLine().getErr();
    Path planFile = CliBenchPlan.write(dir);
    Plan plan = PlanLoader.load(planFile);
    LocalTokenAuthenticator token = LocalTokenAuthenticator.generate();
    try (LocalStack stack = EndToEndBench.simulatedStack(kafka, 2, 0, 42)) {
      Console console = stack.startConsole(ConsoleConfig.ephemeral(), token, Optional.empty());
      info.printf("  history: %,d runs of %s on %s...%n", n, plan.name(), kafka.topics().prefix());
      info.flush();
      long t0 = System.nanoTime();
      makeHistory(kafka, plan, n);
      HistoryWait.allCompleted(kafka, CliBenchPlan.historyIds(n), timeout);
      double historySeconds = (System.nanoTime() - t0) / 1e9;
      info.printf("  history made in %.1f s; timing the commands...%n", historySeconds);
      info.flush();
      CliProcess direct = CliProcess.direct(command, kafka, dir);
      CliProcess server = CliProcess.server(command, console.url().toString(), token.token(), dir);
      ConsoleTimer api = new ConsoleTimer(console.url(), token.token());
      List<CliBenchReport.Row> rows = new ArrayList<>();
      String oldest = CliBenchPlan.historyId(0);
      String newest = CliBenchPlan.historyId(n - 1);
      String partition = CliBenchPlan.PARTITIONS.get(0);
      // Once, untimed by the median: the launcher makes its class-data archive on the first
      // command after a build, and a person pays that once, not on every command.
      rows.add(
          row("--version (first call)", direct.time(1, i -> List.of("--version")), null, null));
      rows.add(row("--version", direct.time(repeat, i -> List.of("--version")), null, null));
      rows.add(
          row(
              "run list",
              direct.time(repeat, i -> List.of("run", "list")),
              server.time(repeat, i -> List.of("run", "list")),
              api.get(repeat, "/runs?include=summary")));
      rows.add(showRow("run show (oldest)", oldest, direct, server, api));
      rows.add(showRow("run show (newest)", newest, direct, server, api));
      List<String> job = List.of("job", "show", oldest, partition);
      rows.add(
          row(
              "job show (oldest)",
              direct.time(repeat, i -> job),
              server.time(repeat, i -> job),
              api.get(repeat, "/runs/" + oldest + "/jobs/" + partition)));
      List<String> evidence = List.of("run", "evidence", oldest);
      rows.add(
          row(
              "run evidence (oldest)",
              direct.time(repeat, i -> evidence),
              server.time(repeat, i -> evidence),
              api.get(repeat, "/runs/" + oldest + "/evidence")));
      List<String> finops = List.of("finops", "report", oldest);
      rows.add(
          row(
              "finops report (oldest)",
              direct.time(repeat, i -> finops),
              server.time(repeat, i -> finops),
              api.get(repeat, "/runs/" + oldest + "/finops/report")));
      rows.add(
          row(
              "run start (2 partitions)",
              direct.time(repeat, i -> start(planFile, "start-direct-" + i)),
              server.time(repeat, i -> start(planFile, "start-server-" + i)),
              null));
      return new CliBenchReport.AtHistory(n, BenchReport.round(historySeconds), rows);
    }
  }

  private CliBenchReport.Row showRow(
      String name, String runId, CliProcess direct, CliProcess server, ConsoleTimer api) {
    List<String> args = List.of("run", "show", runId);
    return row(
        name,
        direct.time(repeat, i -> args),
        server.time(repeat, i -> args),
        api.get(repeat, "/runs/" + runId + "?include=summary"));
  }

  private static List<String> start(Path planFile, String runId) {
    return List.of("run", "start", "--plan", planFile.toString(), "--run-id", runId);
  }

  private static CliBenchReport.Row row(
      String command,
      CliBenchReport.Times direct,
      CliBenchReport.Times server,
      CliBenchReport.Times api) {
    return new CliBenchReport.Row(command, direct, server, api);
  }

  /** Sends the history's start commands without waiting for each answer; they settle together. */
  private void makeHistory(KafkaSettings kafka, Plan plan, int n) {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(kafka.producer("partitrain-bench-cli", null))) {
      for (int i = 0; i < n; i++) {
        StartCommandWriter.send(
            producer,
            kafka.topics().commands(),
            CliCommands.startCommand(plan, CliBenchPlan.historyId(i), "bench", Instant.now()),
            StartCommandWriter.DEFAULT_PART_BYTES,
            Duration.ofSeconds(30));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PartitrainException("interrupted while making the history", e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new PartitrainException("could not send the history's start commands: " + e, e);
    }
  }

  private void validate() {
    if (histories.isEmpty() || histories.stream().anyMatch(n -> n < 1 || n > 100_000)) {
      throw new PartitrainException(
          "--history must be runs counts from 1 to 100000, but was " + histories);
    }
    if (repeat < 1 || repeat > 1000) {
      throw new PartitrainException("--repeat must be from 1 to 1000, but was " + repeat);
    }
  }
}
