package io.partitrain.orchestrator.console.view;

import io.partitrain.shared.contracts.FinOpsRecord;
import io.partitrain.shared.contracts.RunEvent;
import io.partitrain.shared.kafka.KafkaSettings;
import io.partitrain.shared.kafka.TopicReader;
import io.partitrain.shared.serde.Json;
import io.partitrain.shared.serde.UnreadableMessageException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the runs and FinOps topics from their beginning (no consumer group: every orchestrator
 * instance, leader or standby, keeps its own view) and publishes a fresh {@link ConsoleSnapshot}
 * after each poll that brought records. The one thread that owns the {@link RunsFold}.
 *
 * <p>It also follows the state topic's finished runs' final snapshots and schedules' snapshots,
 * read to its end first: a run whose decisions are past the runs topic's retention is shown from
 * its final snapshot ({@link RunView#fromFinalSnapshot()}), and leaves the console when the
 * snapshot is tombstoned; a schedule whose {@code ScheduleApplied} aged out is listed from its
 * snapshot ({@link SchedulesFold}).
 *
 * <p>Biggest advantage: reads never touch the tracker, so the console answers the same on a standby
 * and puts no lock on the leader's loop. Biggest limitation: it is as fresh as its last poll (about
 * {@link #POLL} behind the leader's commits), and it holds the whole history in memory.
 */
public final class TopicFollower implements ConsoleReader, Runnable, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TopicFollower.class);
  static final Duration POLL = Duration.ofMillis(200);
  private static final int MAX_ANSWERS = 10_000;

  private final KafkaSettings kafka;
  private final String clientId;
  private final Clock clock;
  private final RunsFold fold;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final Map<String, RunEvent.Answer> answers =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RunEvent.Answer> eldest) {
          return size() > MAX_ANSWERS;
        }
      };
  private volatile ConsoleSnapshot snapshot = ConsoleSnapshot.EMPTY;
  private volatile Consumer<String, byte[]> consumer;
  private Thread thread;

  public TopicFollower(KafkaSettings kafka, String clientId, Clock clock) {
    this(kafka, clientId, clock, RunsFold.UNBOUNDED);
  }

  /**
   * @param retainedRuns how many finished runs keep their detail in memory ({@link RunsFold})
   */
  public TopicFollower(KafkaSettings kafka, String clientId, Clock clock, int retainedRuns) {
    this.kafka = kafka;
    this.clientId = clientId;
    this.clock = clock;
    this.fold = new RunsFold(retainedRuns);
  }

  /** Starts the follower thread. */
  public TopicFollower start() {
    thread = new Thread(this, "console-follower");
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  @Override
  public ConsoleSnapshot snapshot() {
    return snapshot;
  }

  @Override
  public boolean caughtUp() {
    return caughtUp.getCount() == 0;
  }

  /** Waits until both topics were read to their end once. */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public Optional<RunEvent.Answer> awaitAnswer(String commandId, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (answers) {
      while (!answers.containsKey(commandId)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return Optional.empty();
        }
        TimeUnit.NANOSECONDS.timedWait(answers, left);
      }
      return Optional.of(answers.get(commandId));
    }
  }

  @Override
  public void run() {
    try (Consumer<String, byte[]> c =
        new KafkaConsumer<>(kafka.consumer(clientId + "-console", null))) {
      consumer = c;
      // First the final snapshots, so runs aged out of the runs topic are known when it is read.
      List<TopicPartition> state = TopicReader.assignAll(c, kafka.topics().state());
      c.seekToBeginning(state);
      TopicReader.readToEnd(c, state, this::apply, closed::get);
      Map<TopicPartition, Long> statePositions = new HashMap<>();
      state.forEach(p -> statePositions.put(p, c.position(p)));
      List<TopicPartition> parts = new ArrayList<>();
      for (String topic : List.of(kafka.topics().runs(), kafka.topics().finops())) {
        c.partitionsFor(topic).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
      }
      List<TopicPartition> all = new ArrayList<>(parts);
      all.addAll(state);
      c.assign(all);
      c.seekToBeginning(parts);
      statePositions.forEach(c::seek);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      while (!closed.get()) {
        ConsumerRecords<String, byte[]> records = c.poll(POLL);
        records.forEach(this::apply);
        if (!records.isEmpty() || caughtUp.getCount() > 0) {
          snapshot = fold.snapshot(clock.instant());
        }
        if (caughtUp.getCount() > 0 && parts.stream().allMatch(p -> c.position(p) >= end.get(p))) {
          caughtUp.countDown();
        }
      }
    } catch (WakeupException e) {
      if (!closed.get()) {
        log.error("console follower woken up unexpectedly; the console stops updating", e);
      }
    } catch (RuntimeException e) {
      log.error("console follower stopped; the console stops updating", e);
    }
  }

  private void apply(ConsumerRecord<String, byte[]> record) {
    try {
      if (record.topic().equals(kafka.topics().state())) {
        applyState(record);
      } else if (record.topic().equals(kafka.topics().runs())) {
        RunEvent e = Json.read(record.value(), RunEvent.class);
        fold.apply(e, record.partition(), record.offset());
        if (e instanceof RunEvent.Answer a && a.commandId() != null) {
          synchronized (answers) {
            answers.put(a.commandId(), a);
            answers.notifyAll();
          }
        }
      } else {
        fold.apply(Json.read(record.value(), FinOpsRecord.class));
      }
    } catch (UnreadableMessageException | IllegalArgumentException e) {
      log.warn(
          "console skips an unreadable record at {}-{}@{}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.getMessage());
    }
  }

  /**
   * A finished run's final snapshot, a schedule's snapshot, or their tombstones; the rest of the
   * state topic is not ours.
   */
  private void applyState(ConsumerRecord<String, byte[]> record) {
    if (FinalSnapshots.isTombstone(record)) {
      fold.forgetFinalSnapshot(FinalSnapshots.runIdOf(record.key()));
    } else if (FinalSnapshots.isScheduleTombstone(record)) {
      fold.forgetSchedule(FinalSnapshots.planOf(record.key()));
    } else if (FinalSnapshots.planOf(record.key()) != null) {
      FinalSnapshots.schedule(record).ifPresent(s -> fold.apply(s, FinalSnapshots.covered(record)));
    } else {
      FinalSnapshots.finalRun(record).ifPresent(s -> fold.apply(s, FinalSnapshots.covered(record)));
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      Consumer<String, byte[]> c = consumer;
      if (c != null) {
        c.wakeup();
      }
      if (thread != null) {
        try {
          thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
