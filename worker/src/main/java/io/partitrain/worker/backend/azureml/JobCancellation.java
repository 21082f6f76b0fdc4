package io.partitrain.worker.backend.azureml;

import io.partitrain.assets.ArmRequest;
import io.partitrain.assets.ArmResponse;
import io.partitrain.worker.backend.BackendException;
import io.partitrain.worker.backend.JobRef;
import io.partitrain.worker.backend.azureml.internal.ArmTransport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancels a job through ARM's long-running POST ({@code .../jobs/NAME/cancel}: 202 + Location) and,
 * when asked, polls the Location honoring Retry-After until the operation ends. A job that is gone
 * or already terminal (404, 409, 400) has nothing to cancel.
 */
final class JobCancellation {

  private static final Logger LOG = LoggerFactory.getLogger(JobCancellation.class);

  private final ArmTransport transport;
  private final ArmPaths paths;
  private final Clock clock;
  private final Duration throttleMaxWait;

  JobCancellation(ArmTransport transport, ArmPaths paths, Clock clock, Duration throttleMaxWait) {
    this.transport = transport;
    this.paths = paths;
    this.clock = clock;
    this.throttleMaxWait = throttleMaxWait;
  }

  /** Cancels and waits until ARM's long-running operation ends, honoring Retry-After. */
  void cancelAndWait(JobRef job, Duration maxWait) {
    String location = cancel(job);
    if (location == null) {
      return;
    }
    Instant deadline = clock.instant().plus(maxWait);
    try {
      while (clock.instant().isBefore(deadline)) {
        ArmResponse poll =
            transport.execute(new ArmRequest("job.cancel.poll", "GET", location, null));
        if (poll.status() != 202) {
          return;
        }
        Duration wait = ArmTransport.retryAfter(poll.headers(), throttleMaxWait);
        LockSupport.parkNanos(
            Math.min(wait.toNanos(), Duration.between(clock.instant(), deadline).toNanos()));
      }
      throw BackendException.retriable(
          job + " cancel of " + job.jobName() + " did not finish within " + maxWait, null);
    } catch (BackendException e) {
      throw e;
    } catch (RuntimeException e) {
      throw ArmFailures.toBackendException(job, "cancel", e);
    }
  }

  /**
   * Asks ARM to cancel the job.
   *
   * @return the long-running operation's Location to poll, or null when there is nothing to wait
   */
  String cancel(JobRef job) {
    try {
      ArmResponse r =
          transport.execute(
              new ArmRequest("job.cancel", "POST", paths.cancelUrl(job.jobName()), null));
      if (r.status() == 202 || r.status() == 200) {
        LOG.info("{} cancel of {} accepted ({})", job, job.jobName(), r.status());
        String location = r.header("location");
        if (location != null) {
          transport.requireArmUrl(location);
        }
        return r.status() == 202 ? location : null;
      }
      if (r.status() == 404 || r.status() == 409 || r.status() == 400) {
        LOG.info(
            "{} cancel of {}: nothing to cancel ({} {})",
            job,
            job.jobName(),
            r.status(),
            ArmResponse.armError(r.body()));
        return null;
      }
      throw ArmFailures.refused(job, "POST cancel", r);
    } catch (RuntimeException e) {
      throw ArmFailures.toBackendException(job, "cancel", e);
    }
  }
}
