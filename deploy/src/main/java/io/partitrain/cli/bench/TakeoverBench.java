package io.partitrain.cli.bench;

import io.partitrain.cli.CliCommands;
import io.partitrain.cli.client.RunClient;
import io.partitrain.deploy.LocalStack;
import io.partitrain.orchestrator.Orchestrator;
import io.partitrain.orchestrator.tracking.Tracker;
import io.partitrain.shared.PartitrainException;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.TopicReader;
import io.partitrain.shared.plan.Plan;
import io.partitrain.shared.serde.Json;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * The takeover part of {@code partitrain bench} (issue 12, item 5): {@code runs} simulated runs of
 * {@code partitions} partitions each run to the end on a topic prefix of their own; then the
 * orchestrator is stopped and a new one started, timed until it is ready, with what its consumers
 * read. The baseline, measured in the same run: what a leader did before the state topic existed,
 * reading the whole runs topic and replaying every event into a fresh tracker.
 */
final class TakeoverBench {

  /** What the takeover read, and the full replay it replaces. */
  record Result(
      int finishedRuns,
      int partitionsPerRun,
      long readyMillis,
      long stateRecords,
      long runsRecordsAfterSnapshots,
      int runsInMemory,
      long runsTopicRecords,
      long fullReplayMillis) {}

  /** Runs of the history that run at the same time. */
  private static final int ACTIVE = 4;

  private TakeoverBench() {}

  static Result run(KafkaSettings kafka, EndToEndBench.Setup setup, int runs, Path dir) {
    Plan plan = EndToEndBench.plan(dir, setup);
    try (LocalStack stack = EndToEndBench.simulatedStack(kafka, setup.workers(), 0, 1);
        RunClient client = new RunClient(kafka, "partitrain-bench-takeover")) {
      // At most ACTIVE runs at once: the history is made of finished runs, and a hundred runs of
      // 10,000 partitions started together would hold a million partitions in one heap.
      for (int r = 0; r < runs; r++) {
        if (r >= ACTIVE) {
          client.follow("history-" + (r - ACTIVE), RunSummary::complete, s -> {}, setup.timeout());
        }
        RunEvent started =
            client.send(
                CliCommands.startCommand(plan, "history-" + r, "bench", Instant.now()),
                Duration.ofSeconds(60));
        if (started instanceof RunEvent.CommandRejected rejected) {
          throw new PartitrainException("the takeover bench's run was rejected: " + rejected);
        }
      }
      for (int r = Math.max(0, runs - ACTIVE); r < runs; r++) {
        client.follow("history-" + r, RunSummary::complete, s -> {}, setup.timeout());
      }
      stack.stopOrchestrator();
      long start = System.nanoTime();
      stack.startOrchestrator();
      long ready = (System.nanoTime() - start) / 1_000_000;
      Orchestrator.Takeover t = stack.orchestrator().lastTakeover();
      long[] replayed = {0};
      long fullStart = System.nanoTime();
      Tracker full = Tracker.builder().clock(Clock.systemUTC()).topics(kafka.topics()).build();
      try (KafkaConsumer<String, byte[]> reader =
          new KafkaConsumer<>(kafka.consumer("partitrain-bench-replay", null))) {
        TopicReader.readAll(
            reader,
            kafka.topics().runs(),
            r -> {
              replayed[0]++;
              full.replay(Json.read(r.value(), RunEvent.class));
            });
      }
      long fullMillis = (System.nanoTime() - fullStart) / 1_000_000;
      return new Result(
          t.finishedRuns(),
          setup.partitions(),
          ready,
          t.stateRecords(),
          t.runsRecords(),
          t.restoredRuns(),
          replayed[0],
          fullMillis);
    }
  }
}
