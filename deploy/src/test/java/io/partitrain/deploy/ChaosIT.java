package io.partitrain.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.cli.client.RunClient;
import io.partitrain.deploy.broker.EmbeddedKafkaBroker;
import io.partitrain.shared.contracts.PartitionState;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.RunEvent.PartitionTransitioned;
import io.partitrain.shared.contracts.RunSummary;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.TopicAdmin;
import io.partitrain.shared.plan.Plan;
import io.partitrain.shared.plan.PlanLoader;
import io.partitrain.shared.serde.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos suite (issue 8): each trial runs 1,000 partitions through two orchestrators and three
 * workers, each a JVM of its own, on an embedded broker, while a seeded random schedule SIGKILLs
 * and SIGSTOPs orchestrators and workers (a killed process is replaced, as a supervisor would, and
 * so is one that exits by itself, named in the trial's line) and restarts the broker once. Every
 * check reads ground truth from the other side: the job folders and the jobs' own marker lines
 * (what really ran), and the runs topic (what was decided).
 *
 * <ul>
 *   <li>every partition ends SUCCEEDED, FAILED or CANCELED, or is visibly DEFERRED_BY_COST;
 *   <li>no job ran twice, and no two attempts of one partition ran at the same time;
 *   <li>the node cap was never exceeded by the processes that really ran;
 *   <li>the spend billed from the job folders' own start and end times stays under the cost cap;
 *   <li>every attempt's final status is recorded once on the runs topic.
 * </ul>
 *
 * <p>Part of every {@code mvn verify}: {@value #DEFAULT_TRIALS} trials; {@code
 * -Dpartitrain.chaos.trials=20} runs more, {@code -Dpartitrain.chaos.trials=0} none, and {@code
 * -Dpartitrain.chaos.seed=N} and {@code -Dpartitrain.chaos.partitions=N} replay or resize them. The
 * default seeds include 20261132, the trial that found a run that never settled: a worker whose
 * offset commit the group refused after it had been stopped past its session ended its loop while
 * its process stayed up, and one partition stayed in flight (fixed: {@code WorkerLoopTest}); and
 * 20261131, which waited ten minutes with one partition QUEUED: the job waited for a slot of a
 * worker that was stopped (SIGSTOP) and so still had a live process, and no other worker would
 * start it (fixed: the owner lease, {@code JobOwnershipTest}, and job folders renamed into place
 * complete, {@code JobFoldersTest}). Three trials (20261130 to 20261132) keep {@code mvn verify}
 * near 20 minutes; the broker faults of a replicated cluster are {@code ReplicatedClusterIT}'s. A
 * failing trial prints its seed, so it can be replayed alone.
 */
@Timeout(3600)
@DisabledIfSystemProperty(named = "partitrain.chaos.trials", matches = "0")
class ChaosIT {

  static final int DEFAULT_TRIALS = 3;
  private static final int TRIALS = Integer.getInteger("partitrain.chaos.trials", DEFAULT_TRIALS);
  private static final int PARTITIONS = Integer.getInteger("partitrain.chaos.partitions", 1000);
  private static final long SEED = Long.getLong("partitrain.chaos.seed", 20261130L);

  private static final int NODE_CAP = 8;
  private static final int WORKERS = 3;
  private static final Duration SESSION = Duration.ofSeconds(6);
  private static final Duration SILENCE = Duration.ofSeconds(3);
  private static final Duration STARTUP = Duration.ofSeconds(90);

  /** Per node-hour, for compute target "local": 36/h is 0.01 per second of a job. */
  private static final BigDecimal PRICE = new BigDecimal("36");

  /** Below the about 0.6 that 1,000 jobs bill on an idle machine, so the cap binds every time. */
  private static final BigDecimal COST_CAP = new BigDecimal("0.50");

  private static final Set<PartitionState> SETTLED =
      EnumSet.of(
          PartitionState.SUCCEEDED,
          PartitionState.FAILED,
          PartitionState.CANCELED,
          PartitionState.DEFERRED_BY_COST);

  @TempDir Path root;

  @Test
  void randomKillsPausesAndABrokerRestartNeverLoseDuplicateOrOverspend() throws Exception {
    List<String> lines = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (int t = 0; t < TRIALS; t++) {
      long seed = SEED + t;
      Trial trial = new Trial(root.resolve("trial-" + t), seed);
      String line;
      try {
        line = trial.run();
        if (!trial.problems.isEmpty()) {
          failures.add("seed " + seed + ": " + trial.problems);
        }
      } catch (Throwable e) {
        line = String.format("trial %d seed %d: ERROR %s; %s", t, seed, e, trial.diagnosis());
        failures.add(line);
      } finally {
        trial.close();
      }
      System.out.println(line);
      lines.add(line);
    }
    System.out.println("ChaosIT summary (" + TRIALS + " trials of " + PARTITIONS + " partitions)");
    lines.forEach(l -> System.out.println("  " + l));
    assertThat(failures).as("trials that broke an invariant").isEmpty();
  }

  /** One trial: its own broker, services, plan and chaos schedule. */
  private static final class Trial implements AutoCloseable {
    final Path dir;
    final long seed;
    final Random random;
    final List<String> chaos = new ArrayList<>();
    final List<String> problems = new ArrayList<>();
    final List<ServiceProcess> processes = new ArrayList<>();

    /** Services that ended by themselves and were started again: their logs are kept too. */
    final List<ServiceProcess> exited = new ArrayList<>();

    final Map<String, ServiceProcess> orchestrators = new HashMap<>();
    final Map<String, ServiceProcess> workers = new HashMap<>();
    final int port = freePort();
    final KafkaSettings kafka;
    EmbeddedKafkaBroker broker;
    int generation;

    Trial(Path dir, long seed) throws IOException {
      this.dir = Files.createDirectories(dir);
      this.seed = seed;
      this.random = new Random(seed);
      this.kafka = new KafkaSettings("127.0.0.1:" + port, Topics.defaults(), Map.of());
      Files.createDirectories(dir.resolve("marks"));
    }

    String run() throws Exception {
      Instant begin = Instant.now();
      startBroker();
      TopicAdmin.ensureTopics(kafka, (short) 1);
      startOrchestrator("orch-a").awaitLog("orchestrator orch-a ready", STARTUP);
      startOrchestrator("orch-b");
      for (int i = 1; i <= WORKERS; i++) {
        startWorker("w" + i);
      }
      String runId = "chaos-" + seed;
      Plan plan = plan();
      RunSummary done;
      try (RunClient client = new RunClient(kafka, "chaos")) {
        assertThat(RunScenario.start(client, plan, runId)).isInstanceOf(RunEvent.RunStarted.class);
        List<Integer> triggers = chaosPoints();
        boolean brokerRestarted = false;
        for (int k = 0; k < triggers.size(); k++) {
          int at = triggers.get(k);
          awaitSettled(client, runId, at);
          if (!brokerRestarted && (k == triggers.size() - 1 || random.nextInt(3) == 0)) {
            restartBroker();
            brokerRestarted = true;
          } else {
            hurtSomething(client, runId);
          }
        }
        done =
            await()
                .atMost(Duration.ofMinutes(15))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(
                    () -> {
                      restartTheExited();
                      return latest(client, runId);
                    },
                    s -> s != null && isSettled(s));
      }
      check(runId, done);
      Duration took = Duration.between(begin, Instant.now());
      return String.format(
          "trial seed %d: %s in %d s; %d succeeded, %d failed, %d deferred; chaos: %s%s",
          seed,
          problems.isEmpty() ? "OK" : "BROKEN",
          took.toSeconds(),
          done.count(PartitionState.SUCCEEDED),
          done.count(PartitionState.FAILED),
          done.count(PartitionState.DEFERRED_BY_COST),
          String.join(", ", chaos),
          problems.isEmpty() ? "" : "; " + problems);
    }

    /** Progress points (settled partitions) at which something is hurt: 4 of them, sorted. */
    private List<Integer> chaosPoints() {
      List<Integer> points = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        points.add((int) (PARTITIONS * (0.1 + 0.6 * random.nextDouble())));
      }
      points.sort(Integer::compare);
      return points;
    }

    private void hurtSomething(RunClient client, String runId) throws InterruptedException {
      boolean orchestrator = random.nextBoolean();
      boolean pause = random.nextInt(3) == 0;
      Map<String, ServiceProcess> pool = orchestrator ? orchestrators : workers;
      List<String> ids = new ArrayList<>(pool.keySet());
      ids.sort(String::compareTo);
      String id = ids.get(random.nextInt(ids.size()));
      ServiceProcess victim = pool.get(id);
      if (pause) {
        // Paused until the others have moved the run on: for a paused leader that takes a
        // takeover (longer than the session timeout), for anything else a moment.
        victim.signal("STOP");
        RunSummary before = latest(client, runId);
        int target = Math.min(PARTITIONS, (before == null ? 0 : settled(before)) + 30);
        Instant stopped = Instant.now();
        try {
          awaitSettled(client, runId, target);
        } finally {
          victim.signal("CONT");
        }
        chaos.add(
            "SIGSTOP " + id + " " + Duration.between(stopped, Instant.now()).toSeconds() + "s");
      } else {
        victim.signal("KILL");
        victim.awaitExit(Duration.ofSeconds(30));
        processes.remove(victim);
        if (orchestrator) {
          startOrchestrator(id);
        } else {
          startWorker(id);
        }
        chaos.add("SIGKILL " + id);
      }
    }

    private void restartBroker() {
      broker.close();
      startBroker();
      chaos.add("broker restart");
    }

    private void startBroker() {
      broker = EmbeddedKafkaBroker.custom().logDir(dir.resolve("kafka")).brokerPort(port).start();
    }

    private ServiceProcess startOrchestrator(String id) {
      Map<String, String> env = env();
      env.put("PARTITRAIN_INSTANCE_ID", id);
      env.put("PARTITRAIN_LEADER_SESSION_TIMEOUT", SESSION.toString());
      env.put("PARTITRAIN_SILENCE_TIMEOUT", SILENCE.toString());
      env.put("PARTITRAIN_NODE_CAP_DEFAULT", String.valueOf(NODE_CAP));
      ServiceProcess p = ServiceProcess.start("orchestrator", id + "-" + (++generation), dir, env);
      processes.add(p);
      orchestrators.put(id, p);
      p.awaitLog("joined the leader election", STARTUP);
      return p;
    }

    private ServiceProcess startWorker(String id) {
      Map<String, String> env = env();
      env.put("PARTITRAIN_WORKER_ID", id);
      env.put("PARTITRAIN_BACKEND", "local");
      env.put("PARTITRAIN_LOCAL_JOBS_DIR", dir.resolve("jobs").toString());
      env.put("PARTITRAIN_LOCAL_SLOTS", "4");
      // A stopped worker's queued jobs move to another worker after this (seed 20261131 waited
      // ten minutes behind one before the lease existed).
      env.put("PARTITRAIN_LOCAL_OWNER_LEASE", "PT5S");
      env.put("PARTITRAIN_POLL_INTERVAL", "PT0.1S");
      env.put("PARTITRAIN_WORKER_SESSION_TIMEOUT", SESSION.toString());
      ServiceProcess p = ServiceProcess.start("worker", id + "-" + (++generation), dir, env);
      processes.add(p);
      workers.put(id, p);
      return p;
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

    /**
     * Each job writes a start and an end line (job name, epoch ms) to its partition's marker file,
     * around 20 ms of work. Reserved per attempt: 1 node x 36/h x 10 s = 0.10; a job bills about
     * 0.001 (the wrapper's start to its end), so the cap binds near the end of a trial on a loaded
     * machine, and the check that the bill stays under it can fail.
     */
    private Plan plan() throws IOException {
      Path marks = dir.resolve("marks");
      Files.writeString(
          dir.resolve("job.yml"),
          """
          command: echo "S $PARTITRAIN_JOB_NAME $(date +%%s%%3N)" >> %s/${{partition.id}}; sleep 0.02; echo "E $PARTITRAIN_JOB_NAME $(date +%%s%%3N)" >> %s/${{partition.id}}
          resources:
            instance_count: 1
          limits:
            timeout: 10
          """
              .formatted(marks, marks));
      StringBuilder csv = new StringBuilder("id,region\n");
      for (int i = 1; i <= PARTITIONS; i++) {
        csv.append(String.format("c%04d,%s%n", i, i % 2 == 0 ? "north" : "south"));
      }
      Files.writeString(dir.resolve("parts.csv"), csv);
      Files.writeString(
          dir.resolve("plan.yml"),
          """
          name: chaos
          job: job.yml
          partitions:
            file: parts.csv
          retry:
            maxAttempts: 3
            backoff: {initial: PT0.2S, multiplier: 2.0, max: PT1S, jitter: 0.2}
          concurrency:
            maxInFlight: 12
          budget:
            cap: %s
            currency: EUR
            prices: {local: %s}
          """
              .formatted(COST_CAP.toPlainString(), PRICE.toPlainString()));
      return PlanLoader.load(dir.resolve("plan.yml"));
    }

    private void awaitSettled(RunClient client, String runId, int atLeast) {
      // Generous: on a loaded 2-core machine a trial's progress stalls for minutes at a time; a
      // run that is really stuck still fails here.
      await()
          .atMost(Duration.ofMinutes(10))
          .pollInterval(Duration.ofMillis(300))
          .ignoreExceptions()
          .until(
              () -> {
                restartTheExited();
                RunSummary s = latest(client, runId);
                return s != null && settled(s) >= atLeast;
              });
    }

    /**
     * Does what a supervisor does for a service that ended by itself (a worker whose producer
     * stayed broken, an orchestrator whose terms kept failing: both exit 1 by design): starts it
     * again, and says so in the trial's line. Without it, a trial in which every worker (or every
     * orchestrator) had exited would wait its 10 minutes with no progress and no word of why.
     */
    private void restartTheExited() {
      restartTheExited(orchestrators, this::startOrchestrator);
      restartTheExited(workers, this::startWorker);
    }

    private void restartTheExited(
        Map<String, ServiceProcess> pool,
        java.util.function.Function<String, ServiceProcess> start) {
      for (String id : new ArrayList<>(pool.keySet())) {
        ServiceProcess p = pool.get(id);
        if (!p.isAlive()) {
          chaos.add(id + " " + p.exitState() + " by itself, restarted");
          System.out.printf("  seed %d: %s %s by itself; restarting it%n", seed, id, p.exitState());
          processes.remove(p);
          exited.add(p);
          start.apply(id);
        }
      }
    }

    private static RunSummary latest(RunClient client, String runId) {
      return client.latest(runId).orElse(null);
    }

    private static int settled(RunSummary s) {
      return SETTLED.stream().mapToInt(s::count).sum();
    }

    private static boolean isSettled(RunSummary s) {
      return s.total() == PARTITIONS && settled(s) == PARTITIONS;
    }

    /** The invariants, each from the side that cannot be fooled by the orchestrator's own view. */
    private void check(String runId, RunSummary done) throws IOException {
      if (settled(done) != PARTITIONS) {
        problems.add("not every partition settled: " + done.byState());
      }
      // What really ran: the marker lines the jobs wrote themselves.
      Map<String, long[]> executions = new TreeMap<>();
      Map<String, List<long[]>> byPartition = new HashMap<>();
      try (Stream<Path> files = Files.list(dir.resolve("marks"))) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Map<String, long[]> ofPartition = new HashMap<>();
          for (String line : Files.readAllLines(f)) {
            String[] p = line.split(" ");
            long[] span = ofPartition.computeIfAbsent(p[1], k -> new long[] {-1, -1});
            int slot = p[0].equals("S") ? 0 : 1;
            if (span[slot] != -1) {
              problems.add("job " + p[1] + " ran twice");
            }
            span[slot] = Long.parseLong(p[2]);
          }
          executions.putAll(ofPartition);
          byPartition.put(f.getFileName().toString(), List.copyOf(ofPartition.values()));
        }
      }
      for (var e : byPartition.entrySet()) {
        List<long[]> spans = e.getValue();
        for (int i = 0; i < spans.size(); i++) {
          for (int j = i + 1; j < spans.size(); j++) {
            if (overlap(spans.get(i), spans.get(j))) {
              problems.add("two attempts of " + e.getKey() + " ran at once");
            }
          }
        }
      }
      int maxConcurrent = JobMarks.maxConcurrent(executions.values());
      if (maxConcurrent > NODE_CAP) {
        problems.add("node cap " + NODE_CAP + " exceeded: " + maxConcurrent + " jobs at once");
      }
      // Spend from the backend's own records: each job folder's start and end.
      BigDecimal billed = BigDecimal.ZERO;
      try (Stream<Path> jobs = Files.list(dir.resolve("jobs"))) {
        for (Path job : (Iterable<Path>) jobs::iterator) {
          Path state = job.resolve("state.json");
          if (!Files.exists(state)) {
            continue;
          }
          JsonNode s = Json.mapper().readTree(state.toFile());
          if (s.hasNonNull("startedAt") && s.hasNonNull("finishedAt")) {
            Duration ran =
                Duration.between(
                    Instant.parse(s.get("startedAt").asText()),
                    Instant.parse(s.get("finishedAt").asText()));
            billed =
                billed.add(
                    PRICE
                        .multiply(BigDecimal.valueOf(ran.toMillis()))
                        .divide(BigDecimal.valueOf(3_600_000), MathContext.DECIMAL64));
          }
        }
      }
      if (billed.compareTo(COST_CAP) > 0) {
        problems.add("billed " + billed + " above the cap " + COST_CAP);
      }
      // Decisions: every attempt's final status recorded once.
      Map<String, Integer> finals = new HashMap<>();
      Set<String> attemptsDecided = new HashSet<>();
      for (RunEvent ev : RunScenario.runEvents(kafka)) {
        if (ev instanceof PartitionTransitioned t && t.runId().equals(runId)) {
          attemptsDecided.add(t.partitionId() + "/" + t.attempt());
          if (t.to() != null
              && EnumSet.of(
                      PartitionState.SUCCEEDED, PartitionState.FAILED, PartitionState.CANCELED)
                  .contains(t.to())) {
            finals.merge(t.partitionId() + "/" + t.attempt(), 1, Integer::sum);
          }
        }
      }
      finals.forEach(
          (attempt, n) -> {
            if (n > 1) {
              problems.add("final status of " + attempt + " recorded " + n + " times");
            }
          });
      System.out.printf(
          "  seed %d: %d executions, max %d at once (cap %d), billed %s of %s EUR, %d final"
              + " statuses%n",
          seed,
          executions.size(),
          maxConcurrent,
          NODE_CAP,
          billed.round(new MathContext(4)),
          COST_CAP,
          finals.size());
    }

    private static boolean overlap(long[] a, long[] b) {
      long aEnd = a[1] == -1 ? Long.MAX_VALUE : a[1];
      long bEnd = b[1] == -1 ? Long.MAX_VALUE : b[1];
      return a[0] < bEnd && b[0] < aEnd;
    }

    /**
     * What a failed trial leaves for whoever reads the build log (the trial's folder is deleted):
     * the chaos done so far, the run's last published counts, and the last warnings and errors of
     * each service; the services' whole logs are copied to {@code target/chaos-logs/seed-N}.
     */
    String diagnosis() {
      StringBuilder b = new StringBuilder("chaos so far: ").append(chaos);
      try (RunClient client = new RunClient(kafka, "chaos-diagnosis")) {
        RunSummary s = latest(client, "chaos-" + seed);
        b.append("; last summary: ").append(s == null ? "none" : s.byState());
      } catch (RuntimeException e) {
        b.append("; last summary unreadable: ").append(e);
      }
      Path keep = Path.of("target", "chaos-logs", "seed-" + seed);
      List<ServiceProcess> all = new ArrayList<>(exited);
      all.addAll(processes);
      for (ServiceProcess p : all) {
        try {
          Files.createDirectories(keep);
          Files.copy(
              p.log,
              keep.resolve(p.log.getFileName()),
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          List<String> warnings =
              Files.readAllLines(p.log).stream()
                  .filter(l -> l.contains(" WARN ") || l.contains(" ERROR "))
                  .filter(l -> !l.contains("NetworkClient"))
                  .toList();
          b.append(System.lineSeparator())
              .append("  ")
              .append(p.log.getFileName())
              .append(" (")
              .append(p.exitState())
              .append("): ")
              .append(warnings.size())
              .append(" warnings/errors, last: ");
          warnings
              .subList(Math.max(0, warnings.size() - 4), warnings.size())
              .forEach(l -> b.append(System.lineSeparator()).append("    ").append(l));
        } catch (IOException | RuntimeException e) {
          b.append(System.lineSeparator()).append("  ").append(p.log).append(": ").append(e);
        }
      }
      return b.toString();
    }

    @Override
    public void close() {
      processes.forEach(ServiceProcess::close);
      if (broker != null) {
        broker.close();
      }
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
