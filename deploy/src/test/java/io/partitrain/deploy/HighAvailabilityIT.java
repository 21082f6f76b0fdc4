package io.partitrain.deploy;

import static io.partitrain.deploy.RunScenario.awaitComplete;
import static io.partitrain.deploy.RunScenario.kafka;
import static io.partitrain.deploy.RunScenario.plan;
import static io.partitrain.deploy.RunScenario.runEvents;
import static io.partitrain.deploy.RunScenario.start;
import static io.partitrain.deploy.RunScenario.workItems;
import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.cli.client.RunClient;
import io.partitrain.orchestrator.Orchestrator;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.WorkItem;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.TopicAdmin;
import io.partitrain.shared.plan.Plan;
import io.partitrain.testkit.TestKafka;
import io.partitrain.testkit.TopicRecords;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two orchestrators and two workers, each a JVM of its own running its service jar, on the real
 * broker; the workers use the local backend with a shared jobs folder, so jobs outlive the worker
 * that started them. Each test hurts one process mid-run (SIGKILL, SIGSTOP, SIGTERM) and checks
 * that the run completes with no partition lost, no job run twice and every partition's final
 * status recorded once. Timings (takeover, shutdown) are printed and written to
 * target/ha-figures.txt.
 */
@Timeout(240)
class HighAvailabilityIT {

  @RegisterExtension static final TestKafka BROKER = TestKafka.perClass();

  private static final Duration SESSION = Duration.ofSeconds(6);
  private static final Duration SILENCE = Duration.ofSeconds(3);
  private static final Duration STARTUP = Duration.ofSeconds(60);
  private static final int PARTITIONS = 8;

  @TempDir Path dir;
  private final List<ServiceProcess> processes = new ArrayList<>();
  private KafkaSettings kafka;
  private Path marks;

  @AfterEach
  void stopAll() {
    processes.forEach(ServiceProcess::close);
  }

  private Map<String, String> env() {
    return new HashMap<>(
        Map.of(
            "KAFKA_BOOTSTRAP_SERVERS",
            kafka.bootstrapServers(),
            "PARTITRAIN_TOPIC_PREFIX",
            kafka.topics().prefix(),
            // Both services: workers send at this interval, the orchestrator checks its silence
            // timeout against it.
            "PARTITRAIN_HEARTBEAT_INTERVAL",
            "PT0.5S"));
  }

  private ServiceProcess orchestrator(String id) {
    Map<String, String> env = env();
    env.put("PARTITRAIN_INSTANCE_ID", id);
    env.put("PARTITRAIN_LEADER_SESSION_TIMEOUT", SESSION.toString());
    env.put("PARTITRAIN_SILENCE_TIMEOUT", SILENCE.toString());
    ServiceProcess p = ServiceProcess.start("orchestrator", id, dir, env);
    processes.add(p);
    p.awaitLog("orchestrator " + id + " joined the leader election", STARTUP);
    return p;
  }

  private ServiceProcess worker(String id) {
    Map<String, String> env = env();
    env.put("PARTITRAIN_WORKER_ID", id);
    env.put("PARTITRAIN_BACKEND", "local");
    env.put("PARTITRAIN_LOCAL_JOBS_DIR", dir.resolve("jobs").toString());
    env.put("PARTITRAIN_LOCAL_SLOTS", "4");
    env.put("PARTITRAIN_POLL_INTERVAL", "PT0.2S");
    env.put("PARTITRAIN_WORKER_SESSION_TIMEOUT", SESSION.toString());
    ServiceProcess p = ServiceProcess.start("worker", id, dir, env);
    processes.add(p);
    return p;
  }

  /** Leader a (started first, so it leads), standby b, workers w1 and w2. */
  private ServiceProcess[] cluster() {
    kafka = kafka(BROKER);
    marks = dir.resolve("marks");
    try {
      Files.createDirectories(marks);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    TopicAdmin.ensureTopics(kafka, (short) 1);
    ServiceProcess a = orchestrator("orch-a");
    a.awaitLog("orchestrator orch-a ready", STARTUP);
    ServiceProcess b = orchestrator("orch-b");
    return new ServiceProcess[] {a, b, worker("w1"), worker("w2")};
  }

  /** Each job appends its partition id to a file of its own, then runs for {@code seconds}. */
  private Plan plan(int seconds) {
    return RunScenario.plan(
        dir,
        PARTITIONS,
        "echo ${{partition.id}} >> " + marks + "/${{partition.id}}.txt; sleep " + seconds,
        4,
        2);
  }

  private static int count(RunSummary s, PartitionState state) {
    return s.count(state);
  }

  /**
   * What must hold whatever process was hurt: every partition succeeded; each partition's job ran
   * exactly once (its mark file, written by the job itself, and the backend's job folders count
   * what really ran); each attempt (run, partition, attempt) ended once; and every attempt before a
   * partition's last one is an attempt whose SUBMIT was lost with its worker: it failed INFRA
   * without creating a job, and was retried. Such a lost attempt is legitimate (a SUBMIT that
   * reaches the next owner after its deadline only watches, docs/failure-modes.md); a job that ran
   * twice, or an attempt that ended twice, is not.
   */
  private void assertEveryPartitionRanOnceAndEndedOnce(RunSummary done, String runId)
      throws IOException {
    assertThat(done.complete()).isTrue();
    assertThat(count(done, PartitionState.SUCCEEDED))
        .as("every partition succeeded")
        .isEqualTo(PARTITIONS);
    List<String> jobFolders;
    try (var folders = Files.list(dir.resolve("jobs"))) {
      jobFolders =
          folders
              .map(f -> f.getFileName().toString())
              .filter(n -> n.startsWith(runId + "-"))
              .toList();
    }
    for (int i = 1; i <= PARTITIONS; i++) {
      String p = String.format("p%03d", i);
      assertThat(Files.readAllLines(marks.resolve(p + ".txt")))
          .as("job of " + p + " ran once")
          .containsExactly(p);
      assertThat(jobFolders)
          .as("jobs the backend created for " + p)
          .filteredOn(n -> n.contains("-" + p + "-"))
          .hasSize(1);
    }
    List<RunEvent> events = runEvents(kafka);
    assertThat(events).filteredOn(e -> e instanceof RunEvent.RunStarted).hasSize(1);
    List<RunEvent.PartitionTransitioned> endings =
        events.stream()
            .filter(
                e ->
                    e instanceof RunEvent.PartitionTransitioned t
                        && t.runId().equals(runId)
                        && t.to().isJobTerminal())
            .map(e -> (RunEvent.PartitionTransitioned) e)
            .toList();
    assertThat(endings)
        .extracting(t -> t.partitionId() + "#" + t.attempt())
        .as("one final status per attempt")
        .doesNotHaveDuplicates();
    Map<String, RunEvent.PartitionTransitioned> last = new HashMap<>();
    endings.forEach(
        t -> last.merge(t.partitionId(), t, (a, b) -> b.attempt() > a.attempt() ? b : a));
    assertThat(last).as("partitions that ended").hasSize(PARTITIONS);
    assertThat(last.values())
        .as("each partition's last attempt succeeded")
        .allMatch(t -> t.to() == PartitionState.SUCCEEDED);
    assertThat(endings)
        .filteredOn(t -> t != last.get(t.partitionId()))
        .as("earlier attempts: SUBMITs lost with their worker, failed INFRA and retried")
        .allMatch(t -> t.to() == PartitionState.FAILED && t.failureClass() == FailureClass.INFRA);
    figure(
        runId
            + ": attempts lost with their worker (SUBMIT past its deadline): "
            + (endings.size() - PARTITIONS));
    assertThat(workItems(kafka))
        .filteredOn(w -> w.kind() == WorkItem.Kind.SUBMIT)
        .extracting(WorkItem::jobName)
        .as("one SUBMIT per (run, partition, attempt)")
        .doesNotHaveDuplicates()
        .hasSize(endings.size());
  }

  private static void figure(String line) throws IOException {
    System.out.println("[ha-figure] " + line);
    Files.writeString(
        Path.of("target", "ha-figures.txt"),
        line + System.lineSeparator(),
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
  }

  @Test
  void aLeaderKilledMidRunIsReplacedByTheStandbyAndTheRunCompletesOnce() throws Exception {
    ServiceProcess[] c = cluster();
    try (RunClient client = new RunClient(kafka, "it")) {
      assertThat(start(client, plan(2), "ha-kill")).isInstanceOf(RunEvent.RunStarted.class);
      client.follow(
          "ha-kill",
          s -> count(s, PartitionState.SUCCEEDED) >= 2,
          s -> {},
          RunScenario.RUN_TIMEOUT);
      Instant killed = Instant.now();
      c[0].signal("KILL");
      Instant ready = c[1].awaitLog("orchestrator orch-b ready", Duration.ofSeconds(60));
      figure(
          "SIGKILL of the leader -> standby ready (replayed, consuming): "
              + Duration.between(killed, ready).toMillis()
              + " ms (leader session timeout "
              + SESSION.toSeconds()
              + " s)");
      assertEveryPartitionRanOnceAndEndedOnce(awaitComplete(client, "ha-kill"), "ha-kill");
    }
  }

  @Test
  void aWorkerKilledWhileItsJobsRunHasThemAdoptedAndEachFinalStatusArrivesOnce() throws Exception {
    ServiceProcess[] c = cluster();
    try (RunClient client = new RunClient(kafka, "it")) {
      start(client, plan(4), "ha-worker");
      client.follow(
          "ha-worker",
          s -> count(s, PartitionState.RUNNING) >= 4,
          s -> {},
          RunScenario.RUN_TIMEOUT);
      ServiceProcess victim = busiest(c[2], c[3]);
      Instant killed = Instant.now();
      victim.signal("KILL");
      RunSummary done = awaitComplete(client, "ha-worker");
      List<RunEvent.AdoptionRequested> adoptions =
          runEvents(kafka).stream()
              .filter(e -> e instanceof RunEvent.AdoptionRequested)
              .map(e -> (RunEvent.AdoptionRequested) e)
              .toList();
      assertThat(adoptions).as("the killed worker's jobs were offered for adoption").isNotEmpty();
      figure(
          "SIGKILL of a worker -> first adoption requested: "
              + Duration.between(killed, adoptions.get(0).at()).toMillis()
              + " ms (silence timeout "
              + SILENCE.toSeconds()
              + " s); run complete "
              + Duration.between(killed, done.completedAt()).toMillis()
              + " ms after the kill");
      assertEveryPartitionRanOnceAndEndedOnce(done, "ha-worker");
    }
  }

  @Test
  void aPausedLeaderWritesNothingThatIsAcceptedAfterTheStandbyTookOver() throws Exception {
    ServiceProcess[] c = cluster();
    try (RunClient client = new RunClient(kafka, "it")) {
      start(client, plan(2), "ha-pause");
      client.follow(
          "ha-pause",
          s -> count(s, PartitionState.SUCCEEDED) >= 1,
          s -> {},
          RunScenario.RUN_TIMEOUT);
      Instant stopped = Instant.now();
      c[0].signal("STOP");
      Instant ready = c[1].awaitLog("orchestrator orch-b ready", Duration.ofSeconds(60));
      figure(
          "SIGSTOP of the leader -> standby ready: "
              + Duration.between(stopped, ready).toMillis()
              + " ms");
      c[0].signal("CONT");
      c[0].awaitLog("stepping down", Duration.ofSeconds(30));
      RunSummary done = awaitComplete(client, "ha-pause");
      assertEveryPartitionRanOnceAndEndedOnce(done, "ha-pause");
      for (String topic :
          List.of(kafka.topics().runs(), kafka.topics().work(), kafka.topics().partitions())) {
        TopicRecords.readAll(kafka, topic).stream()
            .filter(
                r ->
                    "orch-a".equals(instance(r.headers().lastHeader(Orchestrator.INSTANCE_HEADER))))
            .forEach(
                r ->
                    assertThat(Instant.ofEpochMilli(r.timestamp()))
                        .as("a record the paused leader wrote on " + topic)
                        .isBefore(stopped));
      }
      assertThat(c[1].logText()).doesNotContain("fenced");
    }
  }

  @Test
  void sigtermHandsOverAtOnceAndLeavesRunningJobsToBeAdopted() throws Exception {
    ServiceProcess[] c = cluster();
    try (RunClient client = new RunClient(kafka, "it")) {
      start(client, plan(5), "ha-term");
      client.follow(
          "ha-term", s -> count(s, PartitionState.RUNNING) >= 4, s -> {}, RunScenario.RUN_TIMEOUT);
      ServiceProcess victim = busiest(c[2], c[3]);
      victim.signal("TERM");
      Duration workerExit = victim.awaitExit(Duration.ofSeconds(30));
      figure("SIGTERM of a worker with running jobs: exited in " + workerExit.toMillis() + " ms");
      assertThat(victim.logText())
          .contains("running for adoption")
          .doesNotContain("worker shut down while the job ran");

      Instant term = Instant.now();
      c[0].signal("TERM");
      Duration leaderExit = c[0].awaitExit(Duration.ofSeconds(30));
      Instant ready = c[1].awaitLog("orchestrator orch-b ready", Duration.ofSeconds(30));
      figure(
          "SIGTERM of the leader: exited in "
              + leaderExit.toMillis()
              + " ms; standby ready "
              + Duration.between(term, ready).toMillis()
              + " ms after the signal");
      assertEveryPartitionRanOnceAndEndedOnce(awaitComplete(client, "ha-term"), "ha-term");
      assertThat(runEvents(kafka))
          .as("its jobs were adopted")
          .anyMatch(e -> e instanceof RunEvent.AdoptionRequested);
    }
  }

  /** The worker that started the most jobs so far (the other may still have been joining). */
  private static ServiceProcess busiest(ServiceProcess w1, ServiceProcess w2) {
    return jobsStarted(w1) >= jobsStarted(w2) ? w1 : w2;
  }

  private static long jobsStarted(ServiceProcess w) {
    return w.logText().lines().filter(l -> l.contains("started job")).count();
  }

  private static String instance(Header h) {
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
