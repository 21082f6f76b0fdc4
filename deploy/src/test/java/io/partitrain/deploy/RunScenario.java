package io.partitrain.deploy;

import io.partitrain.cli.CliCommands;
import io.partitrain.cli.client.RunClient;
import io.partitrain.shared.contracts.JobStatusEvent;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.contracts.WorkItem;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.plan.Plan;
import io.partitrain.shared.plan.PlanLoader;
import io.partitrain.shared.serde.Json;
import io.partitrain.shared.serde.StatusTopicValues;
import io.partitrain.testkit.TestKafka;
import io.partitrain.testkit.TopicRecords;
import io.partitrain.worker.WorkerConfig;
import io.partitrain.worker.backend.JobBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Plans, runs and topic reads shared by the end-to-end integration tests. */
final class RunScenario {

  static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);

  private RunScenario() {}

  static KafkaSettings kafka(TestKafka broker) {
    return new KafkaSettings(
        broker.bootstrapServers(), new Topics(TestKafka.uniqueName("it")), Map.of());
  }

  /**
   * An orchestrator and {@code workers} workers in this process, all on one backend (a simulated
   * cloud they share), the workers' watchers polling every 50 ms.
   */
  static LocalStack stack(KafkaSettings kafka, int workers, JobBackend backend) {
    return LocalStack.start(
        kafka,
        workers,
        id -> backend,
        WorkerConfig.forInstallation("w", kafka.topics().prefix())
            .withPollInterval(Duration.ofMillis(50)),
        Clock.systemUTC());
  }

  /** A plan of {@code n} partitions p001.. with a job running {@code command}. */
  static Plan plan(Path dir, int n, String command, int maxInFlight, int maxAttempts) {
    try {
      Files.writeString(
          dir.resolve("job.yml"),
          """
          command: %s
          inputs:
            epochs: 3
          outputs:
            model:
              type: uri_folder
          resources:
            instance_count: 1
          limits:
            timeout: 60
          tags:
            region: ${{partition.tags.region}}
          """
              .formatted(command));
      StringBuilder csv = new StringBuilder("id,region\n");
      for (int i = 1; i <= n; i++) {
        csv.append(String.format("p%03d,%s%n", i, i % 2 == 0 ? "north" : "south"));
      }
      Files.writeString(dir.resolve("parts.csv"), csv);
      Files.writeString(
          dir.resolve("plan.yml"),
          """
          name: it-plan
          job: job.yml
          partitions:
            file: parts.csv
          retry:
            maxAttempts: %d
            backoff: {initial: PT0.1S, multiplier: 2.0, max: PT0.5S, jitter: 0.2}
          concurrency:
            maxInFlight: %d
          """
              .formatted(maxAttempts, maxInFlight));
      return PlanLoader.load(dir.resolve("plan.yml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static RunEvent start(RunClient client, Plan plan, String runId) {
    return client.send(
        CliCommands.startCommand(plan, runId, "it", Instant.now()), Duration.ofSeconds(60));
  }

  static RunSummary awaitComplete(RunClient client, String runId) {
    return client.follow(runId, RunSummary::complete, s -> {}, RUN_TIMEOUT);
  }

  /**
   * Waits until the run has settled, or until nothing moves but partitions its budget holds back
   * (WAITING_ON_BUDGET: such a run is not complete).
   */
  static RunSummary awaitSettledOrWaiting(RunClient client, String runId) {
    return client.follow(
        runId,
        s ->
            io.partitrain.shared.contracts.RunOutcome.of(s, false)
                != io.partitrain.shared.contracts.RunOutcome.ACTIVE,
        s -> {},
        RUN_TIMEOUT);
  }

  static List<WorkItem> workItems(KafkaSettings kafka) {
    List<WorkItem> out = new ArrayList<>();
    TopicRecords.readAll(kafka, kafka.topics().work())
        .forEach(r -> out.add(Json.read(r.value(), WorkItem.class)));
    return out;
  }

  static List<RunEvent> runEvents(KafkaSettings kafka) {
    List<RunEvent> out = new ArrayList<>();
    TopicRecords.readAll(kafka, kafka.topics().runs())
        .forEach(r -> out.addAll(RunEvent.unbatched(Json.read(r.value(), RunEvent.class))));
    return out;
  }

  static List<JobStatusEvent> statusEvents(KafkaSettings kafka) {
    List<JobStatusEvent> out = new ArrayList<>();
    TopicRecords.readAll(kafka, kafka.topics().status())
        .forEach(
            r -> {
              try {
                out.addAll(StatusTopicValues.read(r.value()));
              } catch (RuntimeException poison) {
                // a poison record a test wrote on purpose
              }
            });
    return out;
  }
}
