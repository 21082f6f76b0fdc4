package io.partitrain.shared.contracts;

/**
 * Why an attempt failed, which decides whether the tracker retries it on its own.
 *
 * <p>Backends classify: the local backend maps a non-zero exit to {@link #USER}, a launch error or
 * a kill it did not ask for to {@link #INFRA}, and its own timeout kill to {@link #TIMEOUT}.
 */
public enum FailureClass {
  /** The training code failed. Not retried automatically; an operator reruns after a fix. */
  USER(false, true),
  /** Node lost, preempted, image pull, backend 5xx. Retried with backoff while attempts remain. */
  INFRA(true, true),
  /** 429 or quota. Retried after Retry-After and not counted as an attempt. */
  THROTTLED(true, false),
  /** Hit its budgeted limit ({@code limits.timeout}). Not retried unless the plan says so. */
  TIMEOUT(false, true),
  /** Canceled by an operator or by the run being canceled. Never retried. */
  CANCELED(false, true),
  /**
   * The backend holds a job of the same name with another definition (spec hash): typically a run
   * id reused after the stack's state was lost. The job is never adopted, nor retried: the operator
   * starts the run under a new id or removes the old job.
   */
  CONFLICT(false, true);

  private final boolean retryable;
  private final boolean countsAsAttempt;

  FailureClass(boolean retryable, boolean countsAsAttempt) {
    this.retryable = retryable;
    this.countsAsAttempt = countsAsAttempt;
  }

  /** Whether the tracker requeues a failure of this class by itself (attempts permitting). */
  public boolean isRetryable() {
    return retryable;
  }

  /** Whether a failure of this class uses up one of the partition's attempts. */
  public boolean countsAsAttempt() {
    return countsAsAttempt;
  }
}
