package io.partitrain.worker.backend.azureml;

import com.azure.storage.blob.models.BlobStorageException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.partitrain.assets.ArmCallException;
import io.partitrain.assets.ArmResponse;
import io.partitrain.assets.AzureMlTranslationException;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.worker.backend.BackendException;
import io.partitrain.worker.backend.JobRef;

/**
 * How a failed ARM or blob call becomes a {@link BackendException}: the breaker's refusal and 5xx
 * are retriable, 429 throttled, 400/409 the job's own fault (USER), other refusals INFRA. One
 * place, so submit, watch, cancel and the compute check sort failures the same way.
 */
final class ArmFailures {

  private ArmFailures() {}

  /** ARM answered, but not as wanted: the call, the job and ARM's error, never a header. */
  static ArmCallException refused(JobRef ref, String what, ArmResponse r) {
    return new ArmCallException(
        ArmCallException.Kind.REFUSED,
        r.status(),
        ref
            + " ARM "
            + what
            + " "
            + ref.jobName()
            + " answered "
            + r.status()
            + " "
            + ArmResponse.armError(r.body()),
        null,
        null);
  }

  /** Any failure of a backend call as the worker handles it (retriable, throttled, rejected). */
  static BackendException toBackendException(JobRef ref, String what, RuntimeException e) {
    if (e instanceof BackendException b) {
      return b;
    }
    if (e instanceof CallNotPermittedException) {
      return BackendException.retriable(
          ref
              + " "
              + what
              + " not tried: the ARM circuit breaker is open "
              + "(ARM kept failing); work pauses until a probe succeeds",
          e);
    }
    if (e instanceof AzureMlTranslationException t) {
      return BackendException.rejected(ref + " " + t.getMessage(), FailureClass.USER, t);
    }
    if (e instanceof ArmCallException a) {
      String msg = a.getMessage().startsWith("[") ? a.getMessage() : ref + " " + a.getMessage();
      return switch (a.kind()) {
        case THROTTLED -> BackendException.throttled(msg, a.retryAfter());
        case TRANSIENT -> BackendException.retriable(msg, a);
        case REFUSED ->
            BackendException.rejected(
                msg,
                a.status() == 400 || a.status() == 409 ? FailureClass.USER : FailureClass.INFRA,
                a);
      };
    }
    if (e instanceof BlobStorageException b) {
      // Status and code only: the exception's own message may carry a SAS URL.
      return BackendException.retriable(
          ref
              + " "
              + what
              + " failed: blob storage answered "
              + b.getStatusCode()
              + " "
              + b.getErrorCode()
              + (b.getStatusCode() == 403
                  ? " (the worker's identity needs Storage Blob Data Contributor on the"
                      + " datastore's container, or the datastore's secret is wrong)"
                  : ""),
          null);
    }
    return BackendException.retriable(
        ref + " " + what + " failed: " + e.getClass().getSimpleName(), e);
  }
}
