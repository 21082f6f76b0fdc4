package io.partitrain.worker;

import io.partitrain.shared.PartitrainException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a call that may take long (an Azure ML submit that first uploads a code folder or a local
 * input) on its own thread while the poll thread keeps calling {@code poll} with every assigned
 * partition paused: the consumer stays in its group however long the call takes ({@code
 * max.poll.interval.ms} counts from the last poll), no new work is fetched meanwhile, and the
 * worker's order "create, report, commit" is kept, because the poll thread still waits for the call
 * before it reports and commits.
 *
 * <p>Biggest advantage: a slow upload can no longer get a worker thrown out of its group (its
 * partitions moved and the item handled twice). Biggest limitation: the worker takes no other work
 * while it waits; other workers in the group do.
 *
 * <p>A call that ends within {@code quiet} costs no poll. Records a poll returns anyway (from
 * partitions assigned by a rebalance during the wait) are not handled: their partitions are paused
 * and sought back, so the next poll after the wait returns them again.
 */
final class PollingWhileBusy {

  private static final Logger log = LoggerFactory.getLogger(PollingWhileBusy.class);

  private final Consumer<String, byte[]> consumer;
  private final Duration pollTimeout;
  private final Duration quiet;
  private final ThreadPoolExecutor executor;
  private long pollsWhileBusy;

  /** The call running now, if any (read by the rebalance listener, on the poll thread). */
  private volatile Future<?> inFlight;

  /**
   * @param name names the call's thread ({@code submit-w1})
   * @param pollTimeout each poll's timeout while waiting
   * @param quiet how long a call may take before the poll thread starts polling
   */
  PollingWhileBusy(
      Consumer<String, byte[]> consumer, String name, Duration pollTimeout, Duration quiet) {
    this.consumer = consumer;
    this.pollTimeout = pollTimeout;
    this.quiet = quiet;
    // One call at a time (the poll thread waits for it). A queue, not a hand-off: the thread may
    // still be finishing the last call's bookkeeping when the next one comes. The thread ends when
    // idle, so a closed worker leaves nothing behind.
    this.executor =
        new ThreadPoolExecutor(
            1,
            1,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              return t;
            });
    executor.allowCoreThreadTimeOut(true);
  }

  /**
   * The call's result, polling with paused partitions while it runs.
   *
   * @throws RuntimeException what the call threw, as it threw it
   * @throws org.apache.kafka.common.errors.WakeupException when the worker is closed meanwhile (the
   *     call goes on by itself; its job is found by name by whoever gets the item next)
   */
  <T> T call(Supplier<T> task) {
    Future<T> f = executor.submit(task::get);
    inFlight = f;
    try {
      return f.get(quiet.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return pollUntilDone(f);
    } catch (ExecutionException e) {
      throw unwrap(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PartitrainException("interrupted while waiting for a submit", e);
    }
  }

  /**
   * Waits, at most {@code timeout}, for the call in flight to end. A rebalance that takes
   * partitions from this worker calls it (from inside a poll of the wait above) before it lets them
   * go: the worker that gets them next reads the item again, and if this worker were still
   * submitting, both would find no job and both would create it (ChaosIT-like load showed 13 such
   * PUTs on existing Azure ML jobs in a 450-job run). Waiting here, the next owner finds the job by
   * name and adopts it. The timeout must stay below {@code max.poll.interval.ms}, or the group
   * drops this worker for waiting.
   *
   * @return whether no call is in flight any more
   */
  boolean awaitInFlight(Duration timeout) {
    Future<?> f = inFlight;
    if (f == null || f.isDone()) {
      return true;
    }
    try {
      f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      log.warn(
          "a submit still runs after {} ms while its partitions are taken away; the next owner"
              + " may submit the same item (it adopts the job if it exists by then)",
          timeout.toMillis());
      return false;
    } catch (ExecutionException | CancellationException e) {
      return true; // it ended; the poll thread reports how
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Polls made while a call ran, since this worker started (a metric and a test's evidence). */
  long pollsWhileBusy() {
    return pollsWhileBusy;
  }

  private <T> T pollUntilDone(Future<T> f) {
    Set<TopicPartition> pausedHere = new HashSet<>();
    try {
      while (!f.isDone()) {
        pauseTheRest(pausedHere);
        ConsumerRecords<String, byte[]> records = consumer.poll(pollTimeout);
        pollsWhileBusy++;
        for (TopicPartition tp : records.partitions()) {
          // Assigned by a rebalance during the wait and fetched before we could pause it.
          consumer.seek(tp, records.records(tp).get(0).offset());
          consumer.pause(Set.of(tp));
          pausedHere.add(tp);
        }
      }
    } finally {
      Set<TopicPartition> resume = new HashSet<>(pausedHere);
      resume.retainAll(consumer.assignment());
      consumer.resume(resume);
    }
    try {
      return f.get();
    } catch (ExecutionException e) {
      throw unwrap(e);
    } catch (InterruptedException | CancellationException e) {
      Thread.currentThread().interrupt();
      throw new PartitrainException("interrupted while waiting for a submit", e);
    }
  }

  /** Pauses every assigned partition not paused yet (a rebalance may have brought new ones). */
  private void pauseTheRest(Set<TopicPartition> pausedHere) {
    Set<TopicPartition> toPause = new HashSet<>(consumer.assignment());
    toPause.removeAll(consumer.paused());
    if (!toPause.isEmpty()) {
      consumer.pause(toPause);
      pausedHere.addAll(toPause);
      log.debug("paused {} while a submit runs", toPause);
    }
  }

  private static RuntimeException unwrap(ExecutionException e) {
    Throwable cause = e.getCause();
    if (cause instanceof RuntimeException r) {
      return r;
    }
    if (cause instanceof Error err) {
      throw err;
    }
    return new PartitrainException("submit failed: " + cause, cause);
  }
}
