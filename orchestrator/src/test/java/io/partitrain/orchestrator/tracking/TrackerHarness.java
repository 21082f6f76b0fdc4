package io.partitrain.orchestrator.tracking;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.partitrain.orchestrator.admission.Admission;
import io.partitrain.orchestrator.admission.NodeCapConfig;
import io.partitrain.orchestrator.admission.SubmitWindow;
import io.partitrain.orchestrator.state.RunState;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.JobStatusEvent;
import io.partitrain.shared.contracts.PartitionScheduled;
import io.partitrain.shared.contracts.PartitionSpec;
import io.partitrain.shared.contracts.RetryPolicy;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunDefinition;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunLimits;
import io.partitrain.shared.contracts.Schema;
import io.partitrain.shared.contracts.SubmittedJob;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.contracts.WorkItem;
import io.partitrain.shared.serde.Json;
import io.partitrain.shared.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Drives a {@link Tracker} the way the orchestrator does, without Kafka: what it writes to the
 * partitions topic is fed back, what it writes to the runs topic is kept as the log (for replay
 * tests), and work items are returned to the test.
 */
final class TrackerHarness {

  static final Topics TOPICS = Topics.defaults();

  final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T05:00:00Z"));
  final Tracker tracker;
  final List<RunEvent> log = new ArrayList<>();
  final List<RunEvent> answers = new ArrayList<>();
  final List<WorkItem> work = new ArrayList<>();
  final List<FinOpsRecord> finops = new ArrayList<>();
  private final List<PartitionScheduled> scheduled = new ArrayList<>();

  /** Liveness out of the way (a year of silence), so tests may advance the clock freely. */
  TrackerHarness() {
    this(NodeCapConfig.unlimited(), Duration.ofDays(365));
  }

  TrackerHarness(NodeCapConfig nodeCaps) {
    this(nodeCaps, Duration.ofDays(365));
  }

  TrackerHarness(Duration silenceTimeout) {
    this(NodeCapConfig.unlimited(), silenceTimeout);
  }

  /**
   * Back-pressure out of the way too (no submit window), so a round hands out every SUBMIT the caps
   * allow, as the tests of the caps expect.
   */
  TrackerHarness(NodeCapConfig nodeCaps, Duration silenceTimeout) {
    this(nodeCaps, silenceTimeout, SubmitWindow.UNLIMITED);
  }

  /** With back-pressure: at least {@code submitWindowFloor} SUBMITs may wait for a worker. */
  TrackerHarness(Duration silenceTimeout, int submitWindowFloor) {
    this(NodeCapConfig.unlimited(), silenceTimeout, submitWindowFloor);
  }

  private TrackerHarness(NodeCapConfig nodeCaps, Duration silenceTimeout, int submitWindowFloor) {
    tracker =
        Tracker.builder()
            .clock(clock)
            .admission(Admission.concurrencyCap())
            .random(new SplittableRandom(7))
            .topics(TOPICS)
            .snapshotInterval(Duration.ZERO)
            .nodeCaps(nodeCaps)
            .silenceTimeout(silenceTimeout)
            .submitWindowFloor(submitWindowFloor)
            .build();
  }

  /** Starts a run of a given definition with partitions p1..pN. */
  RunEvent start(String runId, RunDefinition definition, int partitions) {
    List<PartitionSpec> specs = new ArrayList<>();
    for (int i = 1; i <= partitions; i++) {
      specs.add(new PartitionSpec("p" + i, Map.of("region", i % 2 == 0 ? "north" : "south")));
    }
    command(
        new RunCommand.StartRun(
            Schema.VERSION,
            UUID.randomUUID().toString(),
            runId,
            definition,
            specs,
            "tester",
            clock.instant()));
    RunEvent answer = answers.get(answers.size() - 1);
    deliverScheduled();
    return answer;
  }

  static RunDefinition definition(int maxInFlight, RetryPolicy retry) {
    ObjectNode job = JsonNodeFactory.instance.objectNode();
    job.put("command", "echo ${{partition.id}}");
    job.putObject("resources").put("instance_count", 1);
    return new RunDefinition("plan", "/plans/plan.yml", job, retry, new RunLimits(maxInFlight));
  }

  static RetryPolicy retry(int maxAttempts) {
    return new RetryPolicy(
        maxAttempts, Duration.ofSeconds(10), 2.0, Duration.ofMinutes(5), 0.2, false);
  }

  /** Starts a run of partitions p1..pN and delivers their PartitionScheduled messages. */
  RunEvent start(String runId, int partitions, int maxInFlight, RetryPolicy retry) {
    List<PartitionSpec> specs = new ArrayList<>();
    for (int i = 1; i <= partitions; i++) {
      specs.add(new PartitionSpec("p" + i, Map.of("region", i % 2 == 0 ? "north" : "south")));
    }
    command(
        new RunCommand.StartRun(
            Schema.VERSION,
            UUID.randomUUID().toString(),
            runId,
            definition(maxInFlight, retry),
            specs,
            "tester",
            clock.instant()));
    RunEvent answer = answers.get(answers.size() - 1);
    deliverScheduled();
    return answer;
  }

  void command(RunCommand c) {
    Outbox out = new Outbox();
    tracker.onCommand(c, out);
    route(out);
  }

  void deliverScheduled() {
    List<PartitionScheduled> batch = List.copyOf(scheduled);
    scheduled.clear();
    Outbox out = new Outbox();
    batch.forEach(p -> tracker.onPartitionScheduled(p, out));
    route(out);
  }

  /** One round: admission, completion, snapshots. Returns the work items it released. */
  List<WorkItem> tick() {
    int before = work.size();
    Outbox out = new Outbox();
    tracker.tick(out);
    route(out);
    return List.copyOf(work.subList(before, work.size()));
  }

  void status(WorkItem item, JobPhase phase) {
    status(item, phase, phase == JobPhase.FAILED ? FailureClass.USER : null);
  }

  private static JobStatusEvent.Builder statusOf(WorkItem item) {
    return JobStatusEvent.status(item.runId(), item.partitionId(), item.attempt(), item.jobName());
  }

  /** What worker w1 reports of the job in {@code phase}, failed for {@code fc} if not null. */
  private JobStatusEvent.Builder reported(WorkItem item, JobPhase phase, FailureClass fc) {
    return statusOf(item)
        .workerId("w1")
        .phase(phase)
        .backendStatus(phase.name())
        .failureClass(fc)
        .message(fc == null ? null : "failed: " + fc)
        .observedAt(clock.instant())
        .logPath("/logs/" + item.jobName());
  }

  private void deliver(JobStatusEvent event) {
    Outbox out = new Outbox();
    tracker.onStatus(event, out);
    route(out);
  }

  void status(WorkItem item, JobPhase phase, FailureClass fc) {
    deliver(
        reported(item, phase, fc)
            .nodes(1)
            .metrics(phase == JobPhase.SUCCEEDED ? Map.of("mape", 0.1) : null)
            .build());
  }

  /** A status carrying the job's evidence: a creator's SUBMITTED, or an adopter's first status. */
  void status(WorkItem item, JobPhase phase, SubmittedJob evidence) {
    deliver(reported(item, phase, null).workerId("w2").nodes(1).submission(evidence).build());
  }

  /** A status with billable times, as a worker reports a job's end. */
  void status(
      WorkItem item, JobPhase phase, FailureClass fc, Instant startedAt, Instant finishedAt) {
    deliver(
        reported(item, phase, fc)
            .startedAt(startedAt)
            .finishedAt(finishedAt)
            .nodes(item.job().nodes())
            .build());
  }

  /** A heartbeat of the item's job: its watcher is alive, the job is still in {@code phase}. */
  void heartbeat(WorkItem item, JobPhase phase) {
    deliver(
        JobStatusEvent.heartbeat(item.runId(), item.partitionId(), item.attempt(), item.jobName())
            .workerId("w1")
            .phase(phase)
            .backendStatus(phase.name())
            .observedAt(clock.instant())
            .nodes(1)
            .build());
  }

  /** A submission the worker reports refused by the backend, with the backend's Retry-After. */
  void refused(WorkItem item, FailureClass fc, Duration retryAfter) {
    deliver(
        statusOf(item)
            .workerId("w1")
            .phase(JobPhase.FAILED)
            .failureClass(fc)
            .message("refused: " + fc)
            .observedAt(clock.instant())
            .finishedAt(clock.instant())
            .nodes(1)
            .retryAfter(retryAfter)
            .build());
  }

  /** Runs an item through submitted, running and the given end. */
  void finish(WorkItem item, JobPhase end, FailureClass fc) {
    status(item, JobPhase.SUBMITTED);
    status(item, JobPhase.RUNNING);
    status(item, end, fc);
  }

  RunState run(String runId) {
    return tracker.run(runId).orElseThrow();
  }

  private void route(Outbox out) {
    for (ProducerRecord<String, byte[]> r : out.records()) {
      if (r.topic().equals(TOPICS.partitions())) {
        scheduled.add(Json.read(r.value(), PartitionScheduled.class));
      } else if (r.topic().equals(TOPICS.work())) {
        work.add(Json.read(r.value(), WorkItem.class));
      } else if (r.topic().equals(TOPICS.finops())) {
        finops.add(Json.read(r.value(), FinOpsRecord.class));
      } else if (r.topic().equals(TOPICS.runs())) {
        RunEvent e = Json.read(r.value(), RunEvent.class);
        if (e instanceof RunEvent.RunSnapshot) {
          continue;
        }
        log.add(e);
        if (e instanceof RunEvent.Answer) {
          answers.add(e);
        }
      }
    }
  }
}
