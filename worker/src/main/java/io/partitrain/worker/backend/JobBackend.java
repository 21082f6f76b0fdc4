package io.partitrain.worker.backend;

import io.partitrain.shared.contracts.SubmittedJob;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where jobs run: a local process, an Azure ML command job, or a simulation. The worker drives
 * every backend the same way: {@link #submit} (get-or-create by the deterministic job name), then
 * {@link #observe} until the job is terminal, and {@link #cancel} when asked.
 *
 * <p>Implementations must make {@link #submit} idempotent by job name: a second call with the same
 * name, from this worker or another, finds the job and never starts a second one. That is what lets
 * Kafka redeliver a work item safely (DESIGN.md, invariant 2). The same contract test suite runs
 * against every implementation.
 */
public interface JobBackend extends AutoCloseable {

  /** The backend's name in configuration: {@code local}, {@code azureml}, {@code simulated}. */
  String name();

  /**
   * Creates the job, or finds it if a job of that name exists.
   *
   * @return what the backend now knows of the job, and whether this call created it
   * @throws BackendException when the backend cannot be reached or refuses the job; {@link
   *     BackendException#isRetriable()} says whether trying again may help
   */
  SubmitResult submit(JobRequest request);

  /**
   * The job's current status.
   *
   * @return empty when the backend has no job of that name
   * @throws BackendException when the backend cannot answer now
   */
  Optional<JobObservation> observe(JobRef job);

  /**
   * The status of several jobs at once. Backends that can list (Azure ML lists a run's jobs by tag)
   * override this to make one call instead of one per job.
   *
   * @return one entry per job the backend knows; missing jobs are left out
   */
  default Map<String, JobObservation> observeAll(Collection<JobRef> jobs) {
    Map<String, JobObservation> out = new LinkedHashMap<>();
    for (JobRef job : jobs) {
      observe(job).ifPresent(o -> out.put(job.jobName(), o));
    }
    return out;
  }

  /**
   * What the backend holds of a job this worker did not create, read back for its evidence: the job
   * as it was submitted (local: the job folder's definition and command; Azure ML: the job resource
   * as the service holds it). Asked once, when a worker adopts a job; evidence never fails a job,
   * so a backend that cannot tell answers empty rather than throwing.
   *
   * @return empty when the backend has no such job or cannot tell now
   */
  default Optional<SubmittedJob> evidenceOf(JobRef job) {
    return Optional.empty();
  }

  /**
   * The least time between two {@link #observeAll} rounds this backend wants: a backend whose reads
   * are rate-limited (Azure ML: ARM's read bucket, shared by every worker of the subscription) asks
   * for a longer interval than the worker's own tick. {@link Duration#ZERO}, the default, means the
   * worker's interval. Heartbeats do not wait for it: between rounds they repeat the last answer.
   */
  default Duration watchInterval() {
    return Duration.ZERO;
  }

  /**
   * Asks the backend to cancel the job. Returns once the request is accepted; the watcher sees the
   * job reach CANCELED. Canceling a terminal or unknown job does nothing.
   */
  void cancel(JobRef job);

  /**
   * Whether the backend can take new jobs now. A backend whose API keeps failing (an open circuit
   * breaker) answers false, and the worker pauses consumption so that work items wait on the topic
   * instead of burning their attempts; it resumes when this answers true again.
   */
  default boolean acceptingWork() {
    return true;
  }

  /** Releases the backend's resources. Jobs keep running where the backend allows it. */
  @Override
  void close();
}
