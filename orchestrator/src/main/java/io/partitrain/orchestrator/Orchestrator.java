package io.partitrain.orchestrator;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.partitrain.orchestrator.admission.Admission;
import io.partitrain.orchestrator.admission.NodeCapConfig;
import io.partitrain.orchestrator.leadership.Term;
import io.partitrain.orchestrator.tracking.Outbox;
import io.partitrain.orchestrator.tracking.Tracker;
import io.partitrain.shared.contracts.JobStatusEvent;
import io.partitrain.shared.contracts.PartitionScheduled;
import io.partitrain.shared.contracts.RunCommand;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.contracts.Topics;
import io.partitrain.shared.kafka.DeadLetters;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.TopicReader;
import io.partitrain.shared.serde.Json;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
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
 * <p>On start it replays the runs topic into a fresh tracker, then consumes commands, scheduled
 * partitions and status events from its committed offsets. Each round's output (run events, work
 * items, scheduled partitions, dead letters) and the round's input offsets commit in one
 * transaction, so a crash at any moment neither loses nor repeats a decision: the next instance
 * replays exactly what was committed and continues from exactly where it was committed.
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

  private Orchestrator(Builder b) {
    this.config = b.config;
    this.kafka = b.kafka;
    this.topics = b.kafka.topics();
    this.clock = b.clock;
    this.admission = b.admission;
    this.nodeCaps = b.nodeCaps;
    this.lease = b.lease;
    this.instanceId = config.instanceId().getBytes(StandardCharsets.UTF_8);
    this.metrics = new OrchestratorMetrics(b.registry, this::currentTracker);
    this.capMetrics = new CapMetrics(b.registry, topics);
  }

  /** An orchestrator of {@code config} on the cluster and topics of {@code kafka}. */
  public static Builder builder(OrchestratorConfig config, KafkaSettings kafka) {
    return new Builder(config, kafka);
  }

  private Tracker currentTracker() {
    return tracker;
  }

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
      Tracker fresh =
          Tracker.builder()
              .clock(clock)
              .topics(topics)
              .admission(admission)
              .random(new SplittableRandom(config.seed()))
              .snapshotInterval(config.snapshotInterval())
              .nodeCaps(nodeCaps)
              .silenceTimeout(config.silenceTimeout())
              .build();
      long events = rebuild(fresh);
      tracker = fresh;
      metrics.publish();
      consumer = input;
      input.assign(
          partitionsOf(input, List.of(topics.commands(), topics.partitions(), topics.status())));
      log.info(
          "orchestrator {} ready: replayed {} events, {} runs",
          config.instanceId(),
          events,
          fresh.runs().size());
      ready.countDown();
      PoisonGuard guard =
          new PoisonGuard(
              new DeadLetters(null, topics.deadLetters(), "orchestrator " + config.instanceId()),
              clock,
              metrics::deadLettered);
      Outbox out = new Outbox();
      while (!closed.get()) {
        ConsumerRecords<String, byte[]> records = input.poll(config.tickInterval());
        out.clear();
        for (ConsumerRecord<String, byte[]> record : records) {
          guard.handle(record, out, r -> dispatch(fresh, r, out));
        }
        fresh.tick(out);
        if (records.isEmpty() && out.isEmpty()) {
          continue;
        }
        requireLease();
        producer.beginTransaction();
        for (ProducerRecord<String, byte[]> r : out.records()) {
          r.headers().add(INSTANCE_HEADER, instanceId);
          producer.send(r);
        }
        if (!records.isEmpty()) {
          producer.sendOffsetsToTransaction(offsets(records), input.groupMetadata());
        }
        producer.commitTransaction();
        backoff.succeeded();
        metrics.round(records.count(), out.records().size());
        capMetrics.committed(out.records());
      }
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
      t.onStatus(Json.read(record.value(), JobStatusEvent.class), out);
    } else if (record.topic().equals(topics.partitions())) {
      t.onPartitionScheduled(Json.read(record.value(), PartitionScheduled.class), out);
    } else if (record.topic().equals(topics.commands())) {
      t.onCommand(Json.read(record.value(), RunCommand.class), out);
    }
  }

  /** Reads the runs topic from the beginning to its end and replays it into {@code t}. */
  private long rebuild(Tracker t) {
    long[] count = {0};
    try (Consumer<String, byte[]> reader =
        new KafkaConsumer<>(kafka.consumer(config.instanceId() + "-replay", null))) {
      List<TopicPartition> parts = TopicReader.assignAll(reader, topics.runs());
      reader.seekToBeginning(parts);
      TopicReader.readToEnd(
          reader,
          parts,
          record -> {
            try {
              t.replay(Json.read(record.value(), RunEvent.class));
              count[0]++;
            } catch (UnreadableMessageException e) {
              log.warn(
                  "skipping unreadable run event at {}-{}@{}: {}",
                  record.topic(),
                  record.partition(),
                  record.offset(),
                  e.getMessage());
            }
          },
          closed::get);
    }
    return count[0];
  }

  private static List<TopicPartition> partitionsOf(Consumer<?, ?> c, List<String> names) {
    List<TopicPartition> out = new ArrayList<>();
    for (String name : names) {
      c.partitionsFor(name).forEach(p -> out.add(new TopicPartition(p.topic(), p.partition())));
    }
    return out;
  }

  private static Map<TopicPartition, OffsetAndMetadata> offsets(
      ConsumerRecords<String, byte[]> records) {
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    for (TopicPartition tp : records.partitions()) {
      List<ConsumerRecord<String, byte[]>> list = records.records(tp);
      out.put(tp, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
    }
    return out;
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

    public Orchestrator build() {
      return new Orchestrator(this);
    }
  }
}
