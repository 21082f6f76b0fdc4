package io.partitrain.worker;

import static io.partitrain.shared.testing.WorkItemBuilder.aWorkItem;
import static org.assertj.core.api.Assertions.assertThat;

import io.partitrain.shared.contracts.JobPhase;
import io.partitrain.shared.contracts.JobStatusEvent;
import io.partitrain.shared.testing.MutableClock;
import io.partitrain.worker.backend.BackendException;
import io.partitrain.worker.backend.JobBackend;
import io.partitrain.worker.backend.JobObservation;
import io.partitrain.worker.backend.JobRef;
import io.partitrain.worker.backend.JobRequest;
import io.partitrain.worker.backend.SubmitResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The watcher's heartbeats say "this worker still watches the job". While the backend cannot be
 * reached they must go on: otherwise a 30 s outage of ARM offers every job for adoption, to workers
 * that cannot reach ARM either.
 */
class JobWatcherTest {

  private static final Duration HEARTBEAT = Duration.ofSeconds(10);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T05:00:00Z"));
  private final List<JobStatusEvent> sent = new ArrayList<>();
  private final UnreachableBackend backend = new UnreachableBackend();
  private final JobWatcher watcher = new JobWatcher(backend, sent::add, "w1", HEARTBEAT, clock);

  @Test
  void heartbeatsGoOnWhileTheBackendCannotBeReached() {
    JobRef running = JobRef.of(aWorkItem().forPartition("store-1").build());
    JobRef justSubmitted = JobRef.of(aWorkItem().forPartition("store-2").build());
    watcher.watch(running, 1, JobPhase.SUBMITTED);
    watcher.tick();
    assertThat(sent).as("RUNNING reported").hasSize(1);
    watcher.watch(justSubmitted, 1, JobPhase.SUBMITTED);

    backend.reachable = false;
    for (int second = 1; second <= 60; second++) {
      clock.advance(Duration.ofSeconds(1));
      watcher.tick();
    }

    List<JobStatusEvent> heartbeats =
        sent.stream().filter(e -> e.kind() == JobStatusEvent.Kind.HEARTBEAT).toList();
    assertThat(heartbeats.stream().filter(e -> e.partitionId().equals("store-1")))
        .as("one every 10 s through a 60 s outage, with the last phase the backend gave")
        .hasSize(6)
        .allSatisfy(e -> assertThat(e.phase()).isEqualTo(JobPhase.RUNNING));
    assertThat(heartbeats.stream().filter(e -> e.partitionId().equals("store-2")))
        .as("a job the backend never answered about yet is vouched for with the phase reported")
        .hasSize(6)
        .allSatisfy(e -> assertThat(e.phase()).isEqualTo(JobPhase.SUBMITTED));
    assertThat(sent).as("no status change was invented").hasSize(13);
  }

  @Test
  void aJobWhoseItemCameAgainHasItsPhaseReportedAgain() {
    JobRef ref = JobRef.of(aWorkItem().forPartition("store-1").build());
    watcher.watch(ref, 1, JobPhase.SUBMITTED);
    watcher.tick();
    clock.advance(Duration.ofSeconds(1));
    watcher.tick();
    assertThat(sent).as("RUNNING once").hasSize(1);

    watcher.reportAgain(ref.jobName());
    clock.advance(Duration.ofSeconds(1));
    watcher.tick();

    assertThat(sent).hasSize(2);
    assertThat(sent.get(1).kind()).isEqualTo(JobStatusEvent.Kind.STATUS);
    assertThat(sent.get(1).phase()).isEqualTo(JobPhase.RUNNING);
  }

  /** Every job runs; the whole backend can become unreachable. */
  private static final class UnreachableBackend implements JobBackend {
    volatile boolean reachable = true;

    @Override
    public String name() {
      return "flaky";
    }

    @Override
    public SubmitResult submit(JobRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<JobObservation> observe(JobRef job) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Map<String, JobObservation> observeAll(Collection<JobRef> jobs) {
      if (!reachable) {
        throw BackendException.retriable("connect timed out", null);
      }
      Map<String, JobObservation> out = new java.util.HashMap<>();
      for (JobRef j : jobs) {
        out.put(
            j.jobName(),
            JobObservation.of(j.jobName(), JobPhase.RUNNING)
                .backendStatus("Running")
                .startedAt(Instant.parse("2026-11-28T05:00:00Z"))
                .build());
      }
      return out;
    }

    @Override
    public void cancel(JobRef job) {}

    @Override
    public void close() {}
  }
}
