package io.partitrain.orchestrator;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.partitrain.orchestrator.admission.Admission;
import io.partitrain.orchestrator.admission.NodeCapConfig;
import io.partitrain.orchestrator.leadership.Term;
import io.partitrain.orchestrator.tracking.MoveBatches;
import io.partitrain.orchestrator.tracking.Outbox;
import io.partitrain.orchestrator.tracking.Tracker;
import io.partitrain.shared.contracts.JobStatusEvent;
import io.partitrain.shared.contracts.PartitionScheduled;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.StateSnapshot;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.kafka.DeadLetters;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.serde.Json;
import io.partitrain.shared.serde.StatusTopicValues;
import io.partitrain.shared.serde.UnreadableMessageException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator's loop: read-process-write in Kafka transactions around the {@link Tracker}.
 *
 * <p>On start it restores a fresh tracker from the state topic's snapshots and the runs-topic
 * events after them ({@link StateTopic}), then consumes commands, status events (and scheduled
 * partitions written by versions before issue 12) from its committed offsets. What it decides (run
 * events, work items, FinOps records, dead letters) and the input offsets it was decided from
 * commit in one transaction, so a crash at any moment neither loses nor repeats a decision: the
 * next instance rebuilds exactly what was committed and continues from exactly where it was
 * committed. A window's snapshots commit with the decisions they fold.
 *
 * <p>Group commit and pipelining: one transaction carries everything decided in a window, and the
 * loop decides the next window while the committer's thread writes and commits the last one. So the
 * loop never waits for a commit unless a window grows to {@link #MAX_RECORDS_PER_TRANSACTION}
 * records, and the transactions grow as the load does (measured by {@code partitrain bench}; see
 * docs/performance.md). Its cost: a failed commit also discards the decisions of the window in
 * progress, which the rebuilt tracker decides again from the same input.
 *
 * <p>If a transaction fails the in-memory state may be ahead of the log, so the loop throws the
 * tracker away and rebuilds it. If another instance fenced this one, it stops.
 */
public final class Orchestrator implements Term {

  private static final Logger log = LoggerFactory.getLogger(Orchestrator.class);

  /**
   * Header on every record an orchestrator writes: which instance wrote it (for audits and tests).
   */
  public static final String INSTANCE_HEADER = "partitrain-instance";

  /**
   * The most records one transaction carries; a window that reaches it waits for the transaction in
   * flight instead of growing (a few thousand records are a few hundred kilobytes).
   */
  static final int MAX_RECORDS_PER_TRANSACTION = 5_000;

  /** How long the loop polls while decisions wait for the transaction in flight. */
  private static final Duration PIPELINED_POLL = Duration.ofMillis(5);

  private static final Duration STOP_COMMIT_TIMEOUT = Duration.ofSeconds(30);

  private final OrchestratorConfig config;
  private final KafkaSettings kafka;
  private final Topics topics;
  private final Clock clock;
  private final Admission admission;
  private final OrchestratorMetrics metrics;
  private final NodeCapConfig nodeCaps;
  private final CapMetrics capMetrics;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch ready = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CountDownLatch closing = new CountDownLatch(1);
  private final RestartBackoff backoff = new RestartBackoff();
  private volatile boolean failed;
  private volatile Consumer<String, byte[]> consumer;
  private volatile Tracker tracker;
  private final BooleanSupplier lease;
  private final byte[] instanceId;
  private final StateConfig stateConfig;
  private volatile StateTopic.Takeover lastTakeover;

  /** Reads the parts of a start in parts (the loop's thread only; one per term). */
  private StartParts startParts;

  private Orchestrator(Builder b) {
    this.config = b.config;
    this.kafka = b.kafka;
    this.topics = b.kafka.topics();
    this.clock = b.clock;
    this.admission = b.admission;
    this.nodeCaps = b.nodeCaps;
    this.lease = b.lease;
    this.stateConfig = b.stateConfig;
    this.instanceId = config.instanceId().getBytes(StandardCharsets.UTF_8);
    this.metrics = new OrchestratorMetrics(b.registry, this::currentTracker);
    this.capMetrics = new CapMetrics(b.registry);
  }

  /** An orchestrator of {@code config} on the cluster and topics of {@code kafka}. */
  public static Builder builder(OrchestratorConfig config, KafkaSettings kafka) {
    return new Builder(config, kafka);
  }

  private Tracker currentTracker() {
    return tracker;
  }

  /**
   * What this instance's last takeover read: records consumed from the state topic and from the
   * runs topic, runs restored, finished runs known, and how long it took. Null before the first.
   */
  public Takeover lastTakeover() {
    StateTopic.Takeover t = lastTakeover;
    return t == null
        ? null
        : new Takeover(
            t.stateRecords(), t.runsRecords(), t.restoredRuns(), t.finishedRuns(), t.millis());
  }

  /**
   * What a takeover read and restored.
   *
   * @param stateRecords records consumed from the state topic
   * @param runsRecords records consumed from the runs topic (after the snapshots)
   * @param restoredRuns runs restored from their snapshots
   * @param finishedRuns finished runs known by their final snapshot (not held in memory)
   * @param millis how long it took, until the loop was ready
   */
  public record Takeover(
      long stateRecords, long runsRecords, int restoredRuns, int finishedRuns, long millis) {}

  /** Waits until the state was rebuilt and the loop consumes input. */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void run() {
    try {
      loop();
    } finally {
      metrics.ended();
      stopped.countDown();
    }
  }

  private void loop() {
    while (!closed.get()) {
      if (backoff.exhausted()) {
        log.error(
            "orchestrator {}: {} failed rounds in a row; stopping as failed",
            config.instanceId(),
            backoff.failures());
        failed = true;
        return;
      }
      try {
        runOnce();
      } catch (ProducerFencedException | InvalidProducerEpochException e) {
        log.error("orchestrator {} was fenced by a newer instance; stopping", config.instanceId());
        return;
      } catch (LeaseLostException e) {
        log.warn(
            "orchestrator {} lost its leadership lease; stopping without writing",
            config.instanceId());
        return;
      } catch (WakeupException e) {
        if (!closed.get()) {
          log.warn("unexpected wakeup; rebuilding");
        }
      } catch (KafkaException | UnreadableMessageException e) {
        if (closed.get()) {
          return;
        }
        Duration wait = backoff.failed();
        log.warn(
            "orchestrator round failed ({}); rebuilding state from the runs topic in {} ms",
            e.toString(),
            wait.toMillis());
        pause(wait);
      } catch (RuntimeException e) {
        // A bug or an inconsistent runs topic: deciding on a state we cannot trust is worse than
        // stopping; a standby (or a restart after a fix) replays the same committed log.
        log.error("orchestrator {} stopped on an unexpected error", config.instanceId(), e);
        failed = true;
        return;
      }
    }
  }

  private void runOnce() {
    try (Producer<String, byte[]> producer =
            new KafkaProducer<>(
                kafka.producer(config.instanceId() + "-producer", config.transactionalId()));
        Consumer<String, byte[]> input =
            new KafkaConsumer<>(kafka.consumer(config.instanceId() + "-input", config.groupId()))) {
      requireLease();
      producer.initTransactions();
      StateTopic stateTopic = new StateTopic(kafka, config.instanceId());
      startParts = new StartParts(kafka, config.instanceId(), StartParts.DEFAULT_TIMEOUT);
      Tracker fresh =
          Tracker.builder()
              .clock(clock)
              .topics(topics)
              .admission(admission)
              .random(new SplittableRandom(config.seed()))
              .snapshotInterval(config.snapshotInterval())
              .nodeCaps(nodeCaps)
              .silenceTimeout(config.silenceTimeout())
              .submitWindowFloor(config.submitWindowFloor())
              .stateInterval(stateConfig.snapshotInterval())
              .finishedRetention(stateConfig.finishedRetention())
              .finishedRuns(stateTopic::finalSnapshot)
              .build();
      StateTopic.Takeover takeover = stateTopic.takeover(fresh, closed::get);
      lastTakeover = takeover;
      tracker = fresh;
      metrics.publish();
      consumer = input;
      input.assign(
          partitionsOf(input, List.of(topics.commands(), topics.partitions(), topics.status())));
      log.info(
          "orchestrator {} ready in {} ms: {} state records ({} runs restored, {} finished runs"
              + " known), then {} runs-topic events; {} runs in memory",
          config.instanceId(),
          takeover.millis(),
          takeover.stateRecords(),
          takeover.restoredRuns(),
          takeover.finishedRuns(),
          takeover.runsRecords(),
          fresh.runs().size());
      ready.countDown();
      PoisonGuard guard =
          new PoisonGuard(
              new DeadLetters(null, topics.deadLetters(), "orchestrator " + config.instanceId()),
              clock,
              metrics::deadLettered);
      ExecutorService committer =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "committer-" + config.instanceId());
                t.setDaemon(true);
                return t;
              });
      Pipeline pipeline = new Pipeline(producer, committer, stateTopic, fresh);
      try {
        decide(fresh, input, guard, pipeline);
      } finally {
        pipeline.awaitQuietly();
        committer.shutdownNow();
        stateTopic.close();
        startParts.close();
      }
    }
  }

  /**
   * The loop proper: poll, decide, and hand what was decided to the committer. While one window's
   * transaction commits, the loop goes on polling and deciding into the next window, so its
   * transactions are as large as the commits are slow (group commit) and it never waits on a commit
   * unless a window reaches {@link #MAX_RECORDS_PER_TRANSACTION}. A window's offsets cover exactly
   * the input its decisions were made from; a failed commit fails the round, and the next term
   * rebuilds from the log, so exactly-once holds as with one transaction per poll.
   */
  private void decide(
      Tracker fresh, Consumer<String, byte[]> input, PoisonGuard guard, Pipeline pipeline) {
    Outbox out = new Outbox();
    Map<TopicPartition, OffsetAndMetadata> consumed = new HashMap<>();
    int consumedCount = 0;
    while (!closed.get()) {
      boolean pending = !out.isEmpty() || !consumed.isEmpty();
      ConsumerRecords<String, byte[]> records =
          input.poll(pending ? PIPELINED_POLL : config.tickInterval());
      for (ConsumerRecord<String, byte[]> record : records) {
        guard.handle(record, out, r -> dispatch(fresh, r, out));
      }
      consumedCount += records.count();
      offsets(records, consumed);
      fresh.tick(out);
      pipeline.collectIfDone();
      if (out.isEmpty() && consumed.isEmpty()) {
        continue;
      }
      if (pipeline.busy() && out.size() < MAX_RECORDS_PER_TRANSACTION) {
        continue;
      }
      pipeline.collect();
      requireLease();
      pipeline.commit(
          new Window(out.drain(), Map.copyOf(consumed), input.groupMetadata(), consumedCount));
      consumed.clear();
      consumedCount = 0;
    }
  }

  /** What one transaction writes: the decisions of a window and the input they came from. */
  private record Window(
      List<Outbox.Entry> entries,
      Map<TopicPartition, OffsetAndMetadata> offsets,
      ConsumerGroupMetadata group,
      int consumed) {}

  /**
   * At most one transaction in flight, on the committer's thread; the loop's thread collects its
   * outcome (so metrics and the gauges' snapshot are taken on the loop's thread, which owns the
   * tracker).
   */
  private final class Pipeline {
    private final Producer<String, byte[]> producer;
    private final ExecutorService committer;
    private final StateTopic stateTopic;
    private final Tracker tracker;
    private Future<Window> inFlight;

    Pipeline(
        Producer<String, byte[]> producer,
        ExecutorService committer,
        StateTopic stateTopic,
        Tracker tracker) {
      this.producer = producer;
      this.committer = committer;
      this.stateTopic = stateTopic;
      this.tracker = tracker;
    }

    boolean busy() {
      return inFlight != null;
    }

    void commit(Window w) {
      inFlight = committer.submit(() -> write(w));
    }

    private Window write(Window decided) {
      long start = System.nanoTime();
      // The window's partition moves go out as one record per run (RunEvent.PartitionMoves).
      Window w =
          new Window(
              MoveBatches.coalesce(decided.entries(), topics.runs()),
              decided.offsets(),
              decided.group(),
              decided.consumed());
      producer.beginTransaction();
      List<Future<RecordMetadata>> state = stateTopic.send(producer, w.entries(), instanceId);
      if (!w.offsets().isEmpty()) {
        producer.sendOffsetsToTransaction(w.offsets(), w.group());
      }
      producer.commitTransaction();
      stateTopic.afterCommit(state);
      metrics.committedIn(System.nanoTime() - start);
      return w;
    }

    void collectIfDone() {
      if (inFlight != null && inFlight.isDone()) {
        collect();
      }
    }

    /** Waits for the transaction in flight, if any; rethrows what failed it. */
    void collect() {
      if (inFlight == null) {
        return;
      }
      Window w;
      try {
        w = inFlight.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WakeupException();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        if (e.getCause() instanceof Error fatal) {
          throw fatal;
        }
        throw new KafkaException("transaction failed", e.getCause());
      } finally {
        inFlight = null;
      }
      backoff.succeeded();
      metrics.round(w.consumed(), w.entries().size());
      capMetrics.committed(w.entries());
      // Finished runs whose final snapshot is now committed leave memory.
      for (Outbox.Entry e : w.entries()) {
        if (e.value() instanceof StateSnapshot.Run r && r.complete()) {
          tracker.committed(r);
        }
      }
    }

    /**
     * On the way out: lets a transaction in flight finish before the producer closes, and counts
     * it.
     */
    void awaitQuietly() {
      if (inFlight == null) {
        return;
      }
      try {
        inFlight.get(STOP_COMMIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        // Committed: counted as any other window (the records-produced counter missed the last
        // window of a stop, and `partitrain bench` found one record more on the topics than it).
        collect();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        log.debug("the last transaction did not commit: {}", e.toString());
      }
      inFlight = null;
    }
  }

  private void requireLease() {
    if (!lease.getAsBoolean()) {
      throw new LeaseLostException();
    }
  }

  /** This instance may no longer write: another leads, or it cannot tell. */
  private static final class LeaseLostException extends RuntimeException {
    LeaseLostException() {
      super("leadership lease lost", null, false, false);
    }
  }

  /** Whether the loop stopped on an error it cannot recover from (see {@link RestartBackoff}). */
  @Override
  public boolean hasFailed() {
    return failed;
  }

  /** Whether the loop has ended (closed, fenced, or lease lost). */
  @Override
  public boolean isStopped() {
    return stopped.getCount() == 0;
  }

  private void dispatch(Tracker t, ConsumerRecord<String, byte[]> record, Outbox out) {
    if (record.topic().equals(topics.status())) {
      // A worker's batch (or a single status): each as if it had come alone, in the order sent.
      for (JobStatusEvent e : StatusTopicValues.read(record.value())) {
        t.onStatus(e, out);
      }
    } else if (record.topic().equals(topics.partitions())) {
      t.onPartitionScheduled(Json.read(record.value(), PartitionScheduled.class), out);
    } else if (record.topic().equals(topics.commands())) {
      RunCommand command = Json.read(record.value(), RunCommand.class);
      if (command instanceof RunCommand.StartRunPart) {
        return; // data of a start in parts, read back when its head comes (StartParts)
      }
      if (command instanceof RunCommand.StartRunInParts head) {
        StartParts.Assembly a =
            startParts.assemble(
                head, new TopicPartition(record.topic(), record.partition()), record.offset());
        if (a.start() == null) {
          t.refuse(head, a.problem(), out);
        } else {
          t.onCommand(a.start(), out);
        }
        return;
      }
      t.onCommand(command, out);
    }
  }

  private static List<TopicPartition> partitionsOf(Consumer<?, ?> c, List<String> names) {
    List<TopicPartition> out = new ArrayList<>();
    for (String name : names) {
      c.partitionsFor(name).forEach(p -> out.add(new TopicPartition(p.topic(), p.partition())));
    }
    return out;
  }

  /** Adds the position after each partition's last record in {@code records} to {@code into}. */
  private static void offsets(
      ConsumerRecords<String, byte[]> records, Map<TopicPartition, OffsetAndMetadata> into) {
    for (TopicPartition tp : records.partitions()) {
      List<ConsumerRecord<String, byte[]>> list = records.records(tp);
      into.put(tp, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
    }
  }

  /** Waits {@code d}, or less when the orchestrator is closed meanwhile. */
  private void pause(Duration d) {
    try {
      closing.await(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops after the current round; its transaction either commits or is aborted. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      closing.countDown();
      Consumer<String, byte[]> c = consumer;
      if (c != null) {
        c.wakeup();
      }
    }
  }

  /** Builds an orchestrator; only the configuration and the Kafka settings are required. */
  public static final class Builder {
    private final OrchestratorConfig config;
    private final KafkaSettings kafka;
    private Clock clock = Clock.systemUTC();
    private Admission admission = Admission.concurrencyCap();
    private MeterRegistry registry = new SimpleMeterRegistry();
    private NodeCapConfig nodeCaps = NodeCapConfig.unlimited();
    private BooleanSupplier lease = () -> true;
    private StateConfig stateConfig = StateConfig.defaults();

    private Builder(OrchestratorConfig config, KafkaSettings kafka) {
      this.config = Objects.requireNonNull(config, "config");
      this.kafka = Objects.requireNonNull(kafka, "kafka");
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The plan's own admission rule (default: the concurrency cap); node and cost caps follow. */
    public Builder admission(Admission admission) {
      this.admission = Objects.requireNonNull(admission, "admission");
      return this;
    }

    public Builder registry(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** The node cap per compute target (operators' changes override it). */
    public Builder nodeCaps(NodeCapConfig nodeCaps) {
      this.nodeCaps = Objects.requireNonNull(nodeCaps, "nodeCaps");
      return this;
    }

    /**
     * Whether this instance may still write, asked before every transaction starts (a leader that
     * lost its lease stops instead of initializing or writing); the transactional id fences it in
     * any case once a successor initialized. Default: always (a single instance).
     */
    public Builder lease(BooleanSupplier lease) {
      this.lease = Objects.requireNonNull(lease, "lease");
      return this;
    }

    /** How the state topic is written (snapshot interval, finished runs' retention). */
    public Builder state(StateConfig stateConfig) {
      this.stateConfig = Objects.requireNonNull(stateConfig, "stateConfig");
      return this;
    }

    public Orchestrator build() {
      return new Orchestrator(this);
    }
  }
}
