package io.partitrain.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.cli.client.RunClient;
import io.partitrain.cli.client.RunHistories;
import io.partitrain.cli.client.RunHistory;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunDefinition;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.TopicAdmin;
import io.partitrain.shared.serde.Json;
import io.partitrain.testkit.TestKafka;
import io.partitrain.testkit.TopicRecords;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: the CLI's read commands read what they need, not the whole runs topic. A runs topic
 * with many runs (written as the orchestrator writes it: keyed by run id, on the production
 * partition count) is read both ways: the old way (every record decoded and folded, the baseline)
 * and through {@link RunClient}. The answers must be the same; the times are printed, never
 * asserted (the machine is shared).
 */
@Timeout(600)
class RunsTopicReadIT {

  @RegisterExtension static final TestKafka BROKER = TestKafka.perClass();

  @TempDir static Path dir;

  private static final int RUNS = 400;
  private static final int PARTITIONS = 30;
  private static final int SNAPSHOTS = 8;

  /** Runs 10 minutes apart up to now, as record times (within the topic's retention). */
  private static final Instant T0 =
      Instant.now().minus(Duration.ofMinutes(10L * RUNS)).truncatedTo(ChronoUnit.SECONDS);

  private static KafkaSettings kafka;
  private static int records;

  @BeforeAll
  static void writeManyRuns() throws Exception {
    kafka = RunScenario.kafka(BROKER);
    TopicAdmin.ensureTopics(kafka, (short) 1);
    RunDefinition definition =
        RunScenario.plan(dir, PARTITIONS, "echo ${{partition.id}}", 4, 2).definition();
    Map<String, Object> props = new java.util.HashMap<>(kafka.producer("runs-topic-read-it", null));
    // A loaded machine took 125 s to write these; a batch must not expire meanwhile (a test once
    // counted 397 of its 400 runs because three sends had failed unchecked).
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000);
    // One request in flight: a first batch refused while the new topic's leader settles is retried
    // before any later batch, so the broker never starts this producer's sequence past it (a CI
    // run's setup expired after 10 minutes of OUT_OF_ORDER_SEQUENCE_NUMBER).
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
      for (int r = 0; r < RUNS; r++) {
        for (RunEvent e : runEvents(runId(r), definition, r)) {
          // Timestamped as the orchestrator writes a decision: when it makes it.
          sends.add(
              producer.send(
                  new ProducerRecord<>(
                      kafka.topics().runs(),
                      null,
                      e.at().toEpochMilli(),
                      e.runId(),
                      Json.toBytes(e))));
          records++;
        }
      }
      producer.flush();
      for (var send : sends) {
        send.get(10, TimeUnit.MINUTES); // a failed send fails the setup, not a later count
      }
    }
  }

  private static String runId(int r) {
    return String.format("weekly-demand-%04d", r);
  }

  /** One run as the tracker records it: start, five moves per partition, snapshots, the end. */
  private static List<RunEvent> runEvents(String runId, RunDefinition definition, int r) {
    Instant at = T0.plus(Duration.ofMinutes(10L * r));
    List<RunEvent> out = new ArrayList<>();
    out.add(
        new RunEvent.RunStarted(
            Schema.VERSION, runId, definition, PARTITIONS, "c-" + runId, "cron", at));
    PartitionState[] path = {
      PartitionState.SCHEDULED,
      PartitionState.ADMITTED,
      PartitionState.SUBMITTED,
      PartitionState.RUNNING,
      PartitionState.SUCCEEDED
    };
    int failed = r % 3 == 0 ? 2 : 0;
    for (int step = 0; step < path.length; step++) {
      for (int p = 0; p < PARTITIONS; p++) {
        PartitionState to =
            step == path.length - 1 && p < failed ? PartitionState.FAILED : path[step];
        out.add(
            RunEvent.PartitionTransitioned.move(
                    runId, String.format("p%03d", p + 1), to, at.plusSeconds(step * 10L + p))
                .from(step == 0 ? null : path[step - 1])
                .attempt(step == 0 ? 0 : 1)
                .reason(to == PartitionState.FAILED ? "exited with code 2" : to.name())
                .failureClass(to == PartitionState.FAILED ? FailureClass.USER : null)
                .jobName(step == 0 ? null : runId + "-p" + p + "-a1")
                .tags(step == 0 ? Map.of("region", p % 2 == 0 ? "north" : "south") : null)
                .sequence(step == 0 ? p : null)
                .logPath(
                    step == path.length - 1 ? "/jobs/" + runId + "/p" + p + "/std_log.txt" : null)
                .build());
      }
      if (step < SNAPSHOTS) {
        out.add(
            new RunEvent.RunSnapshot(
                Schema.VERSION,
                runId,
                summary(runId, path[step], 0, at, null),
                at.plusSeconds(step * 10L + 5)));
      }
    }
    Instant end = at.plusSeconds(120);
    if (r % 10 == 0) {
      out.add(new RunEvent.CancelAccepted(Schema.VERSION, runId, "k-" + runId, "ana", "why", end));
    }
    out.add(
        new RunEvent.RunCompleted(
            Schema.VERSION, runId, summary(runId, PartitionState.SUCCEEDED, failed, at, end), end));
    return out;
  }

  private static RunSummary summary(
      String runId, PartitionState state, int failed, Instant start, Instant end) {
    Map<PartitionState, Integer> byState = new EnumMap<>(PartitionState.class);
    byState.put(state, PARTITIONS - failed);
    if (failed > 0) {
      byState.put(PartitionState.FAILED, failed);
    }
    return new RunSummary(
        runId,
        "it-plan",
        end != null,
        PARTITIONS,
        byState,
        PARTITIONS,
        PARTITIONS,
        0,
        0,
        0,
        List.of(),
        Map.of(),
        start,
        end,
        0,
        null);
  }

  /** The old way: every record of the topic decoded, each run folded. */
  private static Map<String, RunHistory> baseline(boolean withPartitions) {
    List<RunEvent> events = new ArrayList<>();
    TopicRecords.readAll(kafka, kafka.topics().runs())
        .forEach(r -> events.add(Json.read(r.value(), RunEvent.class)));
    return RunHistories.foldAll(events, withPartitions);
  }

  @Test
  void followingFromNowFindsACompletionDecidedEarlierButCommittedAfterTheCallersRead()
      throws Exception {
    // The race `run wait` lost: it read the run (ACTIVE), then followed from that moment; the
    // completion had been decided just before and was committed just after the read, so the seek
    // by time and the filter on `at` both skipped it, and the wait never ended.
    KafkaSettings own = RunScenario.kafka(BROKER); // the other test counts this class's runs
    TopicAdmin.ensureTopics(own, (short) 1);
    String runId = "committed-late";
    Instant decided = Instant.now().minusSeconds(30);
    RunEvent.RunCompleted completed =
        new RunEvent.RunCompleted(
            Schema.VERSION,
            runId,
            summary(runId, PartitionState.SUCCEEDED, 0, decided.minusSeconds(60), decided),
            decided);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(own.producer("runs-topic-read-it-late", null))) {
      producer
          .send(
              new ProducerRecord<>(
                  own.topics().runs(),
                  null,
                  decided.toEpochMilli(),
                  runId,
                  Json.toBytes(completed)))
          .get(30, TimeUnit.SECONDS);
    }
    try (RunClient client = new RunClient(own, "it")) {
      RunSummary found =
          client.follow(
              runId, Instant.now(), RunSummary::complete, s -> {}, Duration.ofSeconds(60));
      assertThat(found.complete()).isTrue();
      assertThat(found.runId()).isEqualTo(runId);
    }
  }

  @Test
  void runShowAndRunListGiveTheSameAnswersAsAFullReplayWhileDecodingOnlyWhatTheyNeed() {
    String probe = runId(RUNS / 2); // every tenth run is canceled: RUNS / 2 is one
    try (RunClient client = new RunClient(kafka, "runs-topic-read-it")) {
      Map<String, RunHistory> full = baseline(true);
      RunHistory shown = client.history(probe, true).orElseThrow();
      RunHistory headline = client.history(probe, false).orElseThrow();
      Map<String, RunHistory> listed = client.histories();

      assertThat(full).hasSize(RUNS);
      assertThat(RunHistories.line(shown)).isEqualTo(RunHistories.line(full.get(probe)));
      assertThat(RunHistories.partitions(shown))
          .hasSize(PARTITIONS)
          .isEqualTo(RunHistories.partitions(full.get(probe)));
      assertThat(RunHistories.line(headline)).isEqualTo(RunHistories.line(full.get(probe)));
      assertThat(shown.outcome().name()).isEqualTo("CANCELED");
      assertThat(listed.keySet()).isEqualTo(full.keySet());
      listed.forEach(
          (id, h) ->
              assertThat(RunHistories.line(h)).as(id).isEqualTo(RunHistories.line(full.get(id))));
      assertThat(client.history("no-such-run", false)).isEmpty();
      Instant since = full.get(runId(300)).startedAt();
      assertThat(client.histories(since).keySet())
          .as("run list --since: the runs started since, found from the time index")
          .isEqualTo(
              full.values().stream()
                  .filter(h -> !h.startedAt().isBefore(since))
                  .map(RunHistory::runId)
                  .collect(java.util.stream.Collectors.toSet()))
          .hasSize(RUNS - 300);

      // Figures: the first round above warmed both paths up; three more, each path in turn.
      for (int round = 1; round <= 3; round++) {
        long baselineMs = millis(() -> baseline(true));
        long showMs = millis(() -> client.history(probe, true));
        long headlineMs = millis(() -> client.history(probe, false));
        long listMs = millis(client::histories);
        long sinceMs = millis(() -> client.histories(since));
        System.out.printf(
            "runs topic, %d runs, %d records, round %d: full replay (the old read of every"
                + " command) %d ms; run show --partitions %d ms; run show %d ms; run list %d ms;"
                + " run list --since (last %d runs) %d ms%n",
            RUNS, records, round, baselineMs, showMs, headlineMs, listMs, RUNS - 300, sinceMs);
      }
    }
  }

  private static long millis(Runnable r) {
    long t0 = System.nanoTime();
    r.run();
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
  }
}
