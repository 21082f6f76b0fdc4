package io.partitrain.deploy;

import static io.partitrain.deploy.RunScenario.awaitComplete;
import static io.partitrain.deploy.RunScenario.kafka;
import static io.partitrain.deploy.RunScenario.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.cli.client.RunClient;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.plan.Plan;
import io.partitrain.shared.plan.PlanLoader;
import io.partitrain.testkit.TestKafka;
import io.partitrain.testkit.TopicRecords;
import io.partitrain.worker.WorkerConfig;
import io.partitrain.worker.backend.local.LocalBackendConfig;
import io.partitrain.worker.backend.local.LocalProcessBackend;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ${{secrets.NAME}}} end to end with the local backend: the job's process gets the value,
 * and the value is found on no topic, in no log line and in no file of any job folder.
 */
@Timeout(180)
class SecretsStayOnTheWorkerIT {

  @RegisterExtension static final TestKafka BROKER = TestKafka.perClass();

  @TempDir Path dir;

  @Test
  void theSecretReachesTheJobsEnvironmentAndNothingElse() throws Exception {
    String secret = "pw-" + UUID.randomUUID();
    Path planDir = Files.createDirectories(dir.resolve("plan"));
    Files.writeString(
        planDir.resolve("job.yml"),
        """
        command: printf %s "$DB_PASSWORD" | sha256sum | cut -c1-64 > ${{outputs.model}}/hash; env | grep -c . ; echo ${{partition.id}} done
        environment_variables:
          DB_PASSWORD: ${{secrets.DB_PASSWORD}}
          MODE: fast
        outputs:
          model: {type: uri_folder}
        limits: {timeout: 60}
        """);
    Files.writeString(planDir.resolve("parts.csv"), "id\ns1\ns2\ns3\n");
    Files.writeString(
        planDir.resolve("plan.yml"),
        "name: secret-plan\njob: job.yml\npartitions:\n  file: parts.csv\n"
            + "retry:\n  maxAttempts: 1\nconcurrency:\n  maxInFlight: 3\n");
    Plan plan = PlanLoader.load(planDir.resolve("plan.yml"));
    Path jobs = dir.resolve("jobs");
    Map<String, String> workerEnv = new HashMap<>(System.getenv());
    workerEnv.put("PARTITRAIN_SECRET_DB_PASSWORD", secret);
    KafkaSettings kafka = kafka(BROKER);

    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    PrintStream originalErr = System.err;
    PrintStream originalOut = System.out;
    System.setErr(new PrintStream(new Tee(originalErr, logs), true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(new Tee(originalOut, logs), true, StandardCharsets.UTF_8));
    RunSummary done;
    try (LocalStack stack =
            LocalStack.start(
                kafka,
                2,
                id ->
                    new LocalProcessBackend(
                        LocalBackendConfig.of(jobs), Clock.systemUTC(), workerEnv::get),
                WorkerConfig.forInstallation("w", kafka.topics().prefix())
                    .withPollInterval(Duration.ofMillis(50)),
                Clock.systemUTC());
        RunClient client = new RunClient(kafka, "it")) {
      start(client, plan, "run-secret");
      done = awaitComplete(client, "run-secret");
    } finally {
      System.setErr(originalErr);
      System.setOut(originalOut);
    }

    assertThat(done.count(PartitionState.SUCCEEDED)).isEqualTo(3);
    // The job really had the value: each wrote its hash.
    String expected =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
    List<Path> hashes;
    try (Stream<Path> s = Files.walk(jobs)) {
      hashes = s.filter(p -> p.getFileName().toString().equals("hash")).toList();
    }
    assertThat(hashes).hasSize(3);
    for (Path h : hashes) {
      assertThat(Files.readString(h).strip()).isEqualTo(expected);
    }

    // Not in any file of any job folder (job.json, command, state, logs, outputs).
    List<Path> files;
    try (Stream<Path> s = Files.walk(jobs)) {
      files = s.filter(Files::isRegularFile).toList();
    }
    assertThat(files).hasSizeGreaterThan(10);
    for (Path f : files) {
      assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
          .as(f.toString())
          .doesNotContain(secret);
    }
    assertThat(
            files.stream()
                .filter(f -> f.getFileName().toString().equals("job.json"))
                .map(SecretsStayOnTheWorkerIT::read))
        .as("job.json keeps the reference")
        .allSatisfy(j -> assertThat(j).contains("${{secrets.DB_PASSWORD}}"));

    // On no topic: keys, values and headers of every record of every topic.
    int records = 0;
    for (String topic : kafka.topics().all()) {
      for (ConsumerRecord<String, byte[]> r : TopicRecords.readAll(kafka, topic)) {
        records++;
        List<String> parts = new ArrayList<>();
        parts.add(String.valueOf(r.key()));
        parts.add(r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8));
        for (Header h : r.headers()) {
          parts.add(new String(h.value(), StandardCharsets.UTF_8));
        }
        assertThat(String.join("|", parts)).as(topic).doesNotContain(secret);
      }
    }
    assertThat(records).as("records read back").isGreaterThan(10);

    // In no log line of the orchestrator, the workers or the backend.
    String logged = logs.toString(StandardCharsets.UTF_8);
    assertThat(logged).as("captured logs").contains("run-secret");
    assertThat(logged).doesNotContain(secret);
  }

  /** Writes to the console and to the capture. */
  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int c) throws java.io.IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
