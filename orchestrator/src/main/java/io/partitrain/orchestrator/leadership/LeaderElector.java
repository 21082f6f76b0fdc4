package io.partitrain.orchestrator.leadership;

import io.partitrain.shared.kafka.KafkaSettings;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One active orchestrator, standbys ready: every instance joins the consumer group {@code
 * PREFIX-orchestrator-leader} on the one-partition control topic, and the instance assigned that
 * partition leads. It then runs an {@link Term} (replay, then the loop); when the partition is
 * revoked or lost it ends the term after the current transaction.
 *
 * <p>Fencing has two layers. The orchestrators share one transactional id, so a new leader's {@code
 * initTransactions} fences its predecessor's producer: whatever the old one commits after that is
 * refused by the broker. And a leader's lease ends as soon as its elector has not polled for half
 * the session timeout (the process was paused, say by SIGSTOP, or starved): it then stops before
 * beginning another transaction, and steps down, rejoining the group as a standby.
 *
 * <p>Biggest advantage: no store but Kafka, and the takeover time is bounded by the group's session
 * timeout plus a replay of the runs topic. Biggest limitation: a killed leader is only noticed
 * after the session timeout (6 s at the least on default brokers); a leader that shuts down on
 * SIGTERM leaves the group at once, so its standby takes over without that wait.
 */
public final class LeaderElector implements Runnable, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LeaderElector.class);
  private static final Duration TERM_STOP_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaSettings kafka;
  private final String instanceId;
  private final LeadershipConfig config;
  private final Function<BooleanSupplier, ? extends Term> terms;

  /** Terms in a row that failed (not fenced, not closed) before this instance gives up. */
  static final int MAX_FAILED_TERMS = 3;

  private int failedTerms;
  private volatile boolean failed;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile KafkaConsumer<String, byte[]> consumer;
  private volatile long lastPollNanos = System.nanoTime();
  private volatile boolean leader;
  private Term term;
  private Thread termThread;
  private int termCount;

  /**
   * @param terms makes the orchestrator of one leadership term, given the lease it must check
   */
  public LeaderElector(
      KafkaSettings kafka,
      String instanceId,
      LeadershipConfig config,
      Function<BooleanSupplier, ? extends Term> terms) {
    this.kafka = kafka;
    this.instanceId = instanceId;
    this.config = config;
    this.terms = terms;
  }

  /** Whether the elector gave up after {@link #MAX_FAILED_TERMS} failed terms in a row. */
  public boolean hasFailed() {
    return failed;
  }

  private boolean leaseValid() {
    return leader
        && !closed.get()
        && System.nanoTime() - lastPollNanos < config.maxPollGap().toNanos();
  }

  @Override
  public void run() {
    var props =
        kafka.consumer(instanceId + "-elector", kafka.topics().prefix() + "-orchestrator-leader");
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) config.sessionTimeout().toMillis());
    props.put(
        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
        (int) Math.max(100, config.sessionTimeout().toMillis() / 5));
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    // Sticky: a candidate joining (or rejoining after a pause) does not take the partition away
    // from
    // a healthy leader.
    props.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        org.apache.kafka.clients.consumer.CooperativeStickyAssignor.class.getName());
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props)) {
      consumer = c;
      subscribe(c);
      log.info(
          "orchestrator {} joined the leader election on {}", instanceId, kafka.topics().control());
      while (!closed.get()) {
        try {
          c.poll(config.pollInterval());
        } catch (WakeupException e) {
          break;
        }
        long now = System.nanoTime();
        long gap = now - lastPollNanos;
        boolean paused = leader && gap >= config.maxPollGap().toNanos();
        if (paused) {
          leader = false; // before the poll time is refreshed, so the lease never looks valid again
        }
        lastPollNanos = now;
        if (paused) {
          log.warn(
              "orchestrator {}: {} ms passed between two polls (paused?); stepping down",
              instanceId,
              TimeUnit.NANOSECONDS.toMillis(gap));
          rejoin(c);
        } else if (leader && termEnded()) {
          failedTerms = term.hasFailed() ? failedTerms + 1 : 0;
          if (failedTerms >= MAX_FAILED_TERMS) {
            log.error(
                "orchestrator {}: {} terms in a row failed; giving up so the process exits"
                    + " non-zero",
                instanceId,
                failedTerms);
            failed = true;
            break;
          }
          log.warn("orchestrator {}: its term ended (fenced or failed); stepping down", instanceId);
          rejoin(c);
        }
      }
      // End the term (its transaction commits) before leaving the group, so the successor's
      // initTransactions never meets a transaction still in flight.
      endTerm("shutting down");
    } finally {
      endTerm("shutting down");
      stopped.countDown();
      log.info("orchestrator {}: elector stopped; left the leader group", instanceId);
    }
  }

  private void subscribe(KafkaConsumer<String, byte[]> c) {
    c.subscribe(
        List.of(kafka.topics().control()),
        new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
              beginTerm();
            }
          }

          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
              endTerm("leadership revoked");
            }
          }

          @Override
          public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
              endTerm("leadership lost");
            }
          }
        });
  }

  private void rejoin(KafkaConsumer<String, byte[]> c) {
    endTerm("stepping down");
    c.unsubscribe();
    subscribe(c);
  }

  private synchronized boolean termEnded() {
    return term != null && term.isStopped();
  }

  private synchronized void beginTerm() {
    if (term != null) {
      return;
    }
    leader = true;
    lastPollNanos = System.nanoTime();
    termCount++;
    log.info(
        "orchestrator {} leads (term {}); rebuilding state from the runs topic",
        instanceId,
        termCount);
    term = terms.apply(this::leaseValid);
    termThread = new Thread(term, "orchestrator-term-" + termCount);
    termThread.start();
  }

  private synchronized void endTerm(String why) {
    leader = false;
    if (term == null) {
      return;
    }
    log.info("orchestrator {}: ending term {} ({})", instanceId, termCount, why);
    term.close();
    try {
      termThread.join(TERM_STOP_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    term = null;
    termThread = null;
  }

  /** Waits until the elector has stopped and left the group. */
  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Ends the current term after its transaction, leaves the group (a standby takes over at once).
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      KafkaConsumer<String, byte[]> c = consumer;
      if (c != null) {
        c.wakeup();
      }
    }
  }
}
