package io.partitrain.worker.backend.azureml;

import io.partitrain.worker.backend.BackendException;
import io.partitrain.worker.backend.JobObservation;
import io.partitrain.worker.backend.JobRef;
import io.partitrain.worker.backend.JobRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Stands in for the worker loop until the lead's worker lands: N threads take job requests from a
 * queue and submit them, pausing while {@link AzureMlBackend#acceptingWork()} is false and putting
 * back (same attempt) whatever failed retriably; one watcher calls {@code observeAll} each poll
 * interval until every job is terminal. No sleeping: threads block on the queue, on a condition the
 * breaker listener signals, and on a scheduler.
 */
final class RunHarness implements AutoCloseable {

  private final AzureMlBackend backend;
  private final LinkedBlockingQueue<JobRequest> queue = new LinkedBlockingQueue<>();
  private final Map<String, JobRef> submitted = new ConcurrentHashMap<>();
  final Map<String, JobObservation> observed = new ConcurrentHashMap<>();
  final List<BackendException> fatal = Collections.synchronizedList(new ArrayList<>());
  final AtomicInteger retriableFailures = new AtomicInteger();
  final AtomicInteger throttledFailures = new AtomicInteger();
  final AtomicInteger watchFailures = new AtomicInteger();
  final List<Boolean> gateChanges = Collections.synchronizedList(new ArrayList<>());
  final AtomicInteger submitsWhilePaused = new AtomicInteger();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition open = lock.newCondition();
  private volatile boolean accepting;
  private volatile boolean closed;
  private final List<Thread> workers = new ArrayList<>();
  private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor();
  private int total;

  RunHarness(AzureMlBackend backend) {
    this.backend = backend;
    this.accepting = backend.acceptingWork();
    backend.onAcceptingWorkChanged(
        now -> {
          gateChanges.add(now);
          lock.lock();
          try {
            accepting = now;
            open.signalAll();
          } finally {
            lock.unlock();
          }
        });
  }

  RunHarness start(List<JobRequest> requests, int threads, Duration pollInterval) {
    total = requests.size();
    queue.addAll(requests);
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(this::work, "harness-worker-" + i);
      t.setDaemon(true);
      workers.add(t);
      t.start();
    }
    watcher.scheduleWithFixedDelay(
        this::watch, pollInterval.toMillis(), pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  private void work() {
    while (!closed) {
      if (!awaitAccepting()) {
        return;
      }
      JobRequest r;
      try {
        r = queue.poll(50, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (r == null) {
        continue;
      }
      if (!accepting) {
        submitsWhilePaused.incrementAndGet();
      }
      try {
        backend.submit(r);
        submitted.put(r.jobName(), r.ref());
      } catch (BackendException e) {
        if (e.isRetriable()) {
          (e.failureClass() == io.partitrain.shared.contracts.FailureClass.THROTTLED
                  ? throttledFailures
                  : retriableFailures)
              .incrementAndGet();
          queue.add(r);
        } else {
          fatal.add(e);
        }
      }
    }
  }

  private boolean awaitAccepting() {
    lock.lock();
    try {
      while (!accepting && !closed) {
        open.await(100, TimeUnit.MILLISECONDS);
      }
      return !closed;
    } catch (InterruptedException e) {
      return false;
    } finally {
      lock.unlock();
    }
  }

  private void watch() {
    List<JobRef> open = new ArrayList<>();
    for (JobRef ref : submitted.values()) {
      JobObservation o = observed.get(ref.jobName());
      if (o == null || !o.isTerminal()) {
        open.add(ref);
      }
    }
    if (open.isEmpty()) {
      return;
    }
    try {
      observed.putAll(backend.observeAll(open));
    } catch (BackendException e) {
      watchFailures.incrementAndGet();
    }
  }

  int submittedCount() {
    return submitted.size();
  }

  boolean allTerminal() {
    return submitted.size() == total
        && observed.size() == total
        && observed.values().stream().allMatch(JobObservation::isTerminal);
  }

  @Override
  public void close() {
    closed = true;
    watcher.shutdownNow();
    workers.forEach(Thread::interrupt);
  }
}
