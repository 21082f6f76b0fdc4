package io.partitrain.cli.startup;

import io.partitrain.cli.main.PartitrainCli;
import io.partitrain.deploy.LocalStack;
import io.partitrain.deploy.broker.EmbeddedKafkaBroker;
import io.partitrain.orchestrator.console.Console;
import io.partitrain.orchestrator.console.ConsoleConfig;
import io.partitrain.orchestrator.console.auth.LocalTokenAuthenticator;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.serde.Json;
import io.partitrain.worker.WorkerConfig;
import io.partitrain.worker.backend.simulated.SimulatedBackend;
import io.partitrain.worker.backend.simulated.SimulationProfile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The training run of the CLI's class-data archive (AppCDS, JDK 17's {@code
 * -XX:ArchiveClassesAtExit}): the {@code partitrain} launcher runs it once per build of the jar and
 * JDK, and later commands map the classes it loaded from the archive instead of reading, parsing
 * and verifying them out of the jar (issue 29: most of a read command's time was class loading).
 *
 * <p>It walks the paths a person's commands take, for real: in this process an embedded broker, an
 * orchestrator, a worker with simulated jobs and a console; one small run started and awaited with
 * the CLI; then each read verb through Kafka and through {@code --server}, and the error paths
 * (help, a broker and a console that refuse). Biggest advantage: the archive holds what the reads
 * really load (the Kafka fetch path, the event decoders, the HTTP client). Limitation: it also
 * holds the broker's and the services' classes, which a command never asks for (a larger file in
 * the cache, mapped but not read), and it takes some seconds once per build.
 */
public final class ClassDataTraining {

  private static final String REFUSING_KAFKA = "127.0.0.1:1";
  private static final String REFUSING_SERVER = "http://127.0.0.1:1";

  private ClassDataTraining() {}

  public static void main(String[] args) throws IOException {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    Path dir = Files.createTempDirectory("partitrain-cds-");
    try {
      Path plan = writePlan(dir);
      refusedCommands(plan);
      realCommands(plan, dir);
      json(plan);
    } finally {
      try (var paths = Files.walk(dir)) {
        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** A run of the plan, then each read through Kafka and through the console. */
  private static void realCommands(Path plan, Path dir) throws IOException {
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.custom().logDir(dir.resolve("kafka")).start()) {
      KafkaSettings kafka =
          new KafkaSettings(broker.bootstrapServers(), new Topics("cds"), Map.of());
      SimulatedBackend cloud =
          new SimulatedBackend(
              Clock.systemUTC(),
              new SimulationProfile(
                  Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40), 0, 0, 1));
      WorkerConfig worker =
          WorkerConfig.forInstallation("w", "cds").withPollInterval(Duration.ofMillis(100));
      try (LocalStack stack = LocalStack.start(kafka, 1, id -> cloud, worker, Clock.systemUTC())) {
        LocalTokenAuthenticator token = LocalTokenAuthenticator.generate();
        Console console = stack.startConsole(ConsoleConfig.ephemeral(), token, Optional.empty());
        Path tokenFile = Files.writeString(dir.resolve("token"), token.token());
        List<String> direct =
            List.of("--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", "cds");
        List<String> server =
            List.of("--server", console.url().toString(), "--token-file", tokenFile.toString());
        run(with(List.of("run", "start", "--plan", plan.toString(), "--run-id", "r"), direct));
        run(with(List.of("run", "wait", "r", "--timeout", "60s"), direct));
        for (List<String> read : READS) {
          run(with(read, direct));
          run(with(read, server));
        }
        run(
            with(
                List.of("run", "start", "--plan", plan.toString(), "--run-id", "r-server"),
                server));
      }
    }
  }

  private static final List<List<String>> READS =
      List.of(
          List.of("run", "list"),
          List.of("run", "show", "r"),
          List.of("run", "show", "r", "--partitions"),
          List.of("run", "show", "r", "-o", "json"),
          List.of("job", "show", "r", "p-1"),
          List.of("job", "logs", "r", "p-1"),
          List.of("run", "evidence", "r"),
          List.of("finops", "report", "r"),
          List.of("finops", "events"),
          List.of("schedule", "list"));

  private static List<String> with(List<String> command, List<String> options) {
    List<String> all = new java.util.ArrayList<>(command);
    all.addAll(options);
    return all;
  }

  private static void run(List<String> args) {
    String[] a = args.toArray(String[]::new);
    var cl = PartitrainCli.commandLine(a);
    StringWriter sink = new StringWriter();
    cl.setOut(new PrintWriter(sink));
    cl.setErr(new PrintWriter(sink));
    cl.execute(a);
  }

  private static void refusedCommands(Path plan) {
    List<List<String>> runs =
        List.of(
            List.of("--help"),
            List.of("--version"),
            List.of("run", "show", "--help"),
            List.of("run", "list", "--bootstrap-servers", REFUSING_KAFKA),
            List.of("run", "show", "r", "--bootstrap-servers", REFUSING_KAFKA),
            List.of(
                "run", "start", "--plan", plan.toString(), "--bootstrap-servers", REFUSING_KAFKA),
            List.of("run", "list", "--server", REFUSING_SERVER),
            List.of("run", "show", "r", "--server", REFUSING_SERVER),
            List.of("job", "show", "r", "p", "--server", REFUSING_SERVER),
            List.of("run", "evidence", "r", "--server", REFUSING_SERVER),
            List.of("finops", "report", "r", "--server", REFUSING_SERVER),
            List.of("run", "start", "--plan", plan.toString(), "--server", REFUSING_SERVER),
            List.of("no-such-verb"));
    runs.forEach(ClassDataTraining::run);
  }

  private static void json(Path planFile) {
    var plan = io.partitrain.shared.plan.PlanLoader.load(planFile);
    RunCommand.StartRun start =
        io.partitrain.cli.CliCommands.startCommand(plan, "r", "cds", java.time.Instant.now());
    Json.read(Json.toBytes(start), RunCommand.class);
    Json.toPrettyString(Json.mapper().valueToTree(start));
    try {
      Json.read("{\"type\":\"RunSnapshot\"}".getBytes(StandardCharsets.UTF_8), RunEvent.class);
    } catch (RuntimeException expected) {
      // An incomplete event is refused; reading it loaded the event decoders.
    }
  }

  private static Path writePlan(Path dir) throws IOException {
    Files.writeString(
        dir.resolve("job.yml"),
        "type: command\ncommand: echo ${{partition.id}}\nenvironment: azureml:env@latest\n"
            + "compute: azureml:cpu\nresources:\n  instance_count: 1\nlimits:\n  timeout: 60\n");
    return Files.writeString(
        dir.resolve("plan.yml"),
        "name: cds\njob: job.yml\npartitions:\n  inline: [p-1, p-2]\nconcurrency:\n  maxInFlight: 2\n"
            + "budget:\n  cap: 1.00\n  currency: EUR\n  prices: {cpu: 0.10}\n");
  }
}
