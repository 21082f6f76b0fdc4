package io.partitrain.worker.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.shared.contracts.JobNames;
import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.JobSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link JobBackend} must do, run against each implementation (local, simulated,
 * azureml). A subclass says how to build a job that succeeds, fails or runs long on its backend,
 * and how time passes there.
 */
public abstract class JobBackendContract {

  protected static final Duration WAIT = Duration.ofSeconds(60);

  protected JobBackend backend;
  private int sequence;

  /** A fresh backend for one test. */
  protected abstract JobBackend createBackend() throws Exception;

  /** A job that completes successfully. */
  protected abstract JobRequest succeeding(JobRef ref);

  /** A job whose training code fails (a USER failure). */
  protected abstract JobRequest failing(JobRef ref);

  /** A job that runs until canceled (or for a long time). */
  protected abstract JobRequest longRunning(JobRef ref);

  /** Lets time pass on the backend (a simulated clock moves; real backends do nothing). */
  protected void letTimePass() {}

  @BeforeEach
  void setUpBackend() throws Exception {
    backend = createBackend();
  }

  @AfterEach
  void closeBackend() {
    if (backend != null) {
      backend.close();
    }
  }

  protected JobRef nextRef() {
    String run = "contract-run";
    String partition = "part-" + (++sequence);
    return new JobRef(run, partition, 1, JobNames.of(run, partition, 1));
  }

  protected JobObservation awaitTerminal(JobRef ref) {
    JobObservation[] last = new JobObservation[1];
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              letTimePass();
              last[0] = backend.observe(ref).orElseThrow();
              return last[0].isTerminal();
            });
    return last[0];
  }

  @Test
  void submitCreatesAJobAndASecondSubmitOfTheSameNameFindsItInsteadOfStartingAnother() {
    JobRef ref = nextRef();
    SubmitResult first = backend.submit(longRunning(ref));
    SubmitResult second = backend.submit(longRunning(ref));
    assertThat(first.created()).isTrue();
    assertThat(second.created()).isFalse();
    assertThat(second.observation().jobName()).isEqualTo(ref.jobName());
    backend.cancel(ref);
  }

  @Test
  void aJobFoundUnderItsNameWithAnotherDefinitionIsAConflictAndIsNeverAdopted() {
    JobRef ref = nextRef();
    JobRequest first = longRunning(ref);
    assertThat(backend.submit(first).created()).isTrue();
    // The same name, submitted for another incarnation of the run (a run id reused after lost
    // state): its definition differs by the run's start tag only.
    JobRequest other =
        new JobRequest(
            ref,
            first.spec().withTag(JobSpec.RUN_STARTED_TAG, "2026-11-30T06:00:00Z"),
            first.partitionTags());
    assertThatThrownBy(() -> backend.submit(other))
        .isInstanceOfSatisfying(
            BackendException.class,
            e -> {
              assertThat(e.failureClass()).isEqualTo(FailureClass.CONFLICT);
              assertThat(e.isRetriable()).isFalse();
            })
        .hasMessageContaining(ref.jobName())
        .hasMessageContaining("another definition")
        .hasMessageContaining("not adopted");
    // The first definition is still adopted as before.
    assertThat(backend.submit(first).created()).isFalse();
    backend.cancel(ref);
    // Its process has ended and written its last files before the test's folders are removed.
    assertThat(awaitTerminal(ref).phase()).isEqualTo(JobPhase.CANCELED);
  }

  @Test
  void concurrentSubmitsOfOneNameCreateExactlyOneJob() throws Exception {
    JobRef ref = nextRef();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<SubmitResult>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Callable<SubmitResult> c =
            () -> {
              go.await();
              return backend.submit(longRunning(ref));
            };
        results.add(pool.submit(c));
      }
      go.countDown();
      int created = 0;
      for (Future<SubmitResult> f : results) {
        created += f.get(WAIT.toSeconds(), TimeUnit.SECONDS).created() ? 1 : 0;
      }
      assertThat(created).isEqualTo(1);
    } finally {
      pool.shutdownNow();
      backend.cancel(ref);
    }
  }

  @Test
  void anUnknownJobIsNotFound() {
    assertThat(backend.observe(nextRef())).isEmpty();
  }

  @Test
  void aSucceedingJobEndsSucceededWithItsTimes() {
    JobRef ref = nextRef();
    backend.submit(succeeding(ref));
    JobObservation end = awaitTerminal(ref);
    assertThat(end.phase()).isEqualTo(JobPhase.SUCCEEDED);
    assertThat(end.failureClass()).isNull();
    assertThat(end.finishedAt()).isNotNull();
  }

  @Test
  void aFailingJobEndsFailedAsAUserFailure() {
    JobRef ref = nextRef();
    backend.submit(failing(ref));
    JobObservation end = awaitTerminal(ref);
    assertThat(end.phase()).isEqualTo(JobPhase.FAILED);
    assertThat(end.failureClass()).isEqualTo(FailureClass.USER);
  }

  @Test
  void aCanceledJobEndsCanceled() {
    JobRef ref = nextRef();
    backend.submit(longRunning(ref));
    backend.cancel(ref);
    JobObservation end = awaitTerminal(ref);
    assertThat(end.phase()).isEqualTo(JobPhase.CANCELED);
    assertThat(end.failureClass()).isEqualTo(FailureClass.CANCELED);
  }

  @Test
  void observeAllReportsTheJobsItKnowsAndLeavesOutTheOthers() {
    JobRef a = nextRef();
    JobRef b = nextRef();
    JobRef missing = nextRef();
    backend.submit(longRunning(a));
    backend.submit(longRunning(b));
    Map<String, JobObservation> seen = backend.observeAll(List.of(a, b, missing));
    assertThat(seen).containsOnlyKeys(a.jobName(), b.jobName());
    backend.cancel(a);
    backend.cancel(b);
  }
}
