package io.partitrain.orchestrator.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.orchestrator.state.PartitionRecord;
import io.partitrain.orchestrator.state.RunState;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.JobStatusEvent;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.serde.Json;
import io.partitrain.shared.testing.MutableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The runs topic's moves written as {@link RunEvent.PartitionMoves} (issue 12): fewer records, the
 * same events in the same order per run, and a replay of the batched records rebuilds the state the
 * live tracker has.
 */
class MoveBatchesTest {

  private static final String RUNS = TrackerHarness.TOPICS.runs();

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T05:00:00Z"));

  private Tracker tracker() {
    return Tracker.builder()
        .clock(clock)
        .topics(TrackerHarness.TOPICS)
        .random(new SplittableRandom(7))
        .build();
  }

  private static RunCommand.StartRun start(String runId, int partitions, int maxInFlight) {
    List<PartitionSpec> specs = new ArrayList<>();
    for (int i = 1; i <= partitions; i++) {
      specs.add(new PartitionSpec("p" + i, Map.of("region", "r" + i % 3)));
    }
    return new RunCommand.StartRun(
        Schema.VERSION,
        UUID.randomUUID().toString(),
        runId,
        TrackerHarness.definition(maxInFlight, TrackerHarness.retry(3)),
        specs,
        "tester",
        Instant.parse("2026-11-23T05:00:00Z"));
  }

  private JobStatusEvent succeeded(String runId, PartitionRecord p) {
    return JobStatusEvent.status(runId, p.partitionId(), p.attempt(), p.jobName())
        .workerId("w1")
        .phase(JobPhase.SUCCEEDED)
        .backendStatus("Completed")
        .observedAt(clock.instant())
        .nodes(1)
        .metrics(Map.of("mape", 0.1))
        .build();
  }

  /** What a reader sees per run key: every record unbatched, in topic order. */
  private static Map<String, List<RunEvent>> byKey(List<ProducerRecord<String, byte[]>> records) {
    Map<String, List<RunEvent>> out = new LinkedHashMap<>();
    for (ProducerRecord<String, byte[]> r : records) {
      if (r.topic().equals(RUNS)) {
        out.computeIfAbsent(r.key(), k -> new ArrayList<>())
            .addAll(RunEvent.unbatched(Json.read(r.value(), RunEvent.class)));
      }
    }
    return out;
  }

  /** Every record of the runs topic unbatched, in topic order. */
  private static List<RunEvent> flat(List<ProducerRecord<String, byte[]>> records) {
    List<RunEvent> out = new ArrayList<>();
    for (ProducerRecord<String, byte[]> r : records) {
      if (r.topic().equals(RUNS)) {
        out.addAll(RunEvent.unbatched(Json.read(r.value(), RunEvent.class)));
      }
    }
    return out;
  }

  private static List<ProducerRecord<String, byte[]>> encode(List<Outbox.Entry> entries) {
    return entries.stream().map(Outbox.Entry::toRecord).toList();
  }

  @Test
  void aWindowOfTwoRunsIsAFewRecordsThatReadAsTheSameEventsInTheSameOrderPerRun() {
    Tracker live = tracker();
    Outbox window = new Outbox();
    live.onCommand(start("run-a", 40, 10), window);
    live.onCommand(start("run-b", 30, 5), window);
    live.tick(window);

    List<Outbox.Entry> decided = List.copyOf(window.entries());
    List<Outbox.Entry> written = MoveBatches.coalesce(decided, RUNS);

    long movesDecided =
        decided.stream().filter(e -> e.value() instanceof RunEvent.PartitionTransitioned).count();
    long runsRecords = written.stream().filter(e -> e.topic().equals(RUNS)).count();
    assertThat(movesDecided).as("70 SCHEDULED and 15 ADMITTED moves").isEqualTo(85);
    assertThat(runsRecords)
        .as("per run: its start, its SCHEDULED moves, its admissions, its snapshot")
        .isEqualTo(8);
    assertThat(flat(encode(written)))
        .as("a reader of the topic sees the decided events in the decided order, across runs too")
        .isEqualTo(flat(encode(decided)));
    assertThat(byKey(encode(written))).isEqualTo(byKey(encode(decided)));
    assertThat(written)
        .as("other topics' records are untouched")
        .filteredOn(e -> !e.topic().equals(RUNS))
        .containsExactlyElementsOf(decided.stream().filter(e -> !e.topic().equals(RUNS)).toList());
  }

  @Test
  void movesOfTwoRunsThatInterleaveStayInTheirOrderAndEndEachOthersBatches() {
    List<Outbox.Entry> decided = new ArrayList<>();
    String[] runs = {"a", "a", "b", "a", "b", "b"};
    for (int i = 0; i < runs.length; i++) {
      decided.add(
          new Outbox.Entry(
              RUNS,
              runs[i],
              RunEvent.PartitionTransitioned.move(
                      runs[i], "p" + i, PartitionState.SCHEDULED, clock.instant())
                  .reason("s")
                  .sequence(i)
                  .build(),
              null));
    }
    List<ProducerRecord<String, byte[]>> written = encode(MoveBatches.coalesce(decided, RUNS));
    assertThat(written).extracting(ProducerRecord::key).containsExactly("a", "b", "a", "b");
    assertThat(flat(written)).isEqualTo(flat(encode(decided)));
  }

  @Test
  void aReplayOfTheBatchedRecordsRebuildsTheLiveState() {
    Tracker live = tracker();
    List<ProducerRecord<String, byte[]>> topic = new ArrayList<>();
    Outbox window = new Outbox();
    live.onCommand(start("run-a", 25, 8), window);
    live.tick(window);
    topic.addAll(encode(MoveBatches.coalesce(window.drain(), RUNS)));
    // A second window: a few of the admitted partitions succeed, and the next ones are admitted.
    RunState run = live.run("run-a").orElseThrow();
    List<PartitionRecord> admitted =
        run.partitions().stream().filter(p -> p.state() == PartitionState.ADMITTED).toList();
    for (PartitionRecord p : admitted.subList(0, 3)) {
      live.onStatus(succeeded(run.runId(), p), window);
    }
    live.tick(window);
    topic.addAll(encode(MoveBatches.coalesce(window.drain(), RUNS)));

    Tracker replayed = tracker();
    topic.stream()
        .filter(r -> r.topic().equals(RUNS))
        .forEach(r -> replayed.replay(Json.read(r.value(), RunEvent.class)));

    RunState again = replayed.run("run-a").orElseThrow();
    assertThat(again.summary().byState()).isEqualTo(run.summary().byState());
    for (PartitionRecord p : run.partitions()) {
      assertThat(again.partition(p.partitionId()).state()).as(p.partitionId()).isEqualTo(p.state());
      assertThat(again.partition(p.partitionId()).attempt()).isEqualTo(p.attempt());
    }
  }

  @Test
  void aLoneMoveIsWrittenAsItIsAndALargeBatchIsSplitBelowTheRecordLimit() {
    Tracker live = tracker();
    Outbox window = new Outbox();
    live.onCommand(start("run-a", 1, 1), window);
    List<Outbox.Entry> lone = MoveBatches.coalesce(window.drain(), RUNS);
    assertThat(lone)
        .filteredOn(e -> e.value() instanceof RunEvent.PartitionTransitioned)
        .hasSize(1);

    List<Outbox.Entry> many = new ArrayList<>();
    String reason = "x".repeat(2_000);
    for (int i = 0; i < 400; i++) {
      many.add(
          new Outbox.Entry(
              RUNS,
              "big",
              RunEvent.PartitionTransitioned.move(
                      "big", "p" + i, PartitionState.SCHEDULED, clock.instant())
                  .reason(reason)
                  .sequence(i)
                  .build(),
              null));
    }
    List<ProducerRecord<String, byte[]>> records = encode(MoveBatches.coalesce(many, RUNS));
    assertThat(records).hasSizeGreaterThan(1).hasSizeLessThan(400);
    assertThat(records)
        .allSatisfy(r -> assertThat(r.value().length).isLessThanOrEqualTo(MoveBatches.MAX_BYTES));
    assertThat(byKey(records).get("big")).hasSize(400);
  }
}
