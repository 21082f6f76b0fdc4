package io.partitrain.cli.startup;

import io.partitrain.cli.PartitrainCli;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.serde.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * The training run of the CLI's class-data archive (AppCDS, JDK 17's {@code
 * -XX:ArchiveClassesAtExit}): the {@code partitrain} launcher runs it once per build of the jar and
 * JDK, and later commands map the classes it loaded from the archive instead of reading, parsing
 * and verifying them out of the jar (issue 29: most of a read command's time was class loading).
 *
 * <p>It walks the paths a person's commands take, without a broker or a console: the whole command
 * tree and its help, each read verb through Kafka and through {@code --server} against an address
 * that refuses (port 1 of the loopback), a Kafka consumer's and producer's start and a poll, and a
 * plan loaded and its start command written and read as JSON. What fails here fails on purpose; the
 * classes it loaded on the way are the point. Biggest limitation: a class only a successful read
 * loads (a record type's decoder) is still read from the jar.
 */
public final class ClassDataTraining {

  private static final String REFUSING_KAFKA = "127.0.0.1:1";
  private static final String REFUSING_SERVER = "http://127.0.0.1:1";

  private ClassDataTraining() {}

  public static void main(String[] args) throws IOException {
    Path dir = Files.createTempDirectory("partitrain-cds-");
    try {
      Path plan = writePlan(dir);
      commands(plan);
      kafkaClients();
      json(plan);
    } finally {
      try (var paths = Files.walk(dir)) {
        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static void commands(Path plan) {
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
    for (List<String> args : runs) {
      var cl = PartitrainCli.commandLine();
      StringWriter sink = new StringWriter();
      cl.setOut(new PrintWriter(sink));
      cl.setErr(new PrintWriter(sink));
      cl.execute(args.toArray(String[]::new));
    }
  }

  private static void kafkaClients() {
    KafkaSettings kafka =
        new KafkaSettings(
            REFUSING_KAFKA,
            Topics.defaults(),
            Map.of(
                CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, 200,
                CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, 200,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 200));
    // Closed at once: nothing answers on port 1, and a close would wait for it.
    KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(kafka.consumer("partitrain-cds", null));
    try {
      TopicPartition tp = new TopicPartition(kafka.topics().runs(), 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      c.poll(Duration.ofMillis(50));
      c.endOffsets(List.of(tp), Duration.ofMillis(100));
    } catch (TimeoutException expected) {
      // The client's classes are loaded, which is all this is for.
    } finally {
      c.close(Duration.ZERO);
    }
    KafkaProducer<String, byte[]> p = new KafkaProducer<>(kafka.producer("partitrain-cds", null));
    try {
      p.partitionsFor(kafka.topics().commands());
    } catch (TimeoutException expected) {
      // As above.
    } finally {
      p.close(Duration.ZERO);
    }
  }

  private static void json(Path planFile) {
    var plan = io.partitrain.shared.plan.PlanLoader.load(planFile);
    RunCommand.StartRun start =
        io.partitrain.cli.RunCommands.startCommand(plan, "r", "cds", java.time.Instant.now());
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
        "name: cds\njob: job.yml\npartitions:\n  inline: [p-1, p-2]\n"
            + "budget:\n  cap: 1.00\n  currency: EUR\n  prices: {cpu: 0.10}\n");
  }
}
