package io.partitrain.worker.backend.azureml;

import com.fasterxml.jackson.databind.JsonNode;
import io.partitrain.shared.contracts.FailureClass;
import io.partitrain.worker.backend.JobRef;
import io.partitrain.worker.backend.azureml.internal.RunHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this process knows of one job beyond ARM's answer (status history, whether it ran, who
 * canceled it), and the judgement of a terminal job made from it: its failure class and message.
 */
final class TrackedJob {
  final JobRef ref;
  final List<JobEvidence.StatusChange> history = new ArrayList<>();
  final Set<String> loggedUnknown = ConcurrentHashMap.newKeySet();
  volatile boolean canceledByUs;
  String lastWire;
  boolean ran;
  Instant startedAt;
  Instant finishedAt;
  Duration timeout;
  volatile boolean detailsRead;
  volatile RunHistory.Details details;
  String armId;
  String studioUrl;

  TrackedJob(JobRef ref) {
    this.ref = ref;
  }

  static String failureMessage(String wire, FailureClass fc, RunHistory.Details d) {
    String base = "Azure ML status " + wire + (fc == null ? "" : " (" + fc + ")");
    if (d == null || d.errorCode() == null) {
      return base;
    }
    String msg = d.errorMessage() == null ? "" : ": " + d.errorMessage();
    if (msg.length() > 300) {
      msg = msg.substring(0, 300) + "...";
    }
    return base + ", error " + d.errorCode() + msg;
  }

  static Duration timeoutOf(JsonNode job) {
    String iso = job.at("/properties/limits/timeout").asText(null);
    try {
      return iso == null ? null : Duration.parse(iso);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * The failure class of a terminal job, from the service's own record where it has one:
   *
   * <ul>
   *   <li>canceled because this process asked: CANCELED;
   *   <li>failed or canceled after running for its whole {@code limits.timeout} (the service
   *       cancels a job at its timeout): TIMEOUT;
   *   <li>failed with error code {@code UserError}: USER; {@code SystemError} / {@code
   *       ServiceError}: INFRA;
   *   <li>otherwise failed after it ran (seen Running here, or a start time in the run history):
   *       USER; failed before it ran, NotResponding, or canceled by someone else: INFRA.
   * </ul>
   */
  static FailureClass failureClass(
      TrackedJob t, AzureMlStatus status, RunHistory.Details d, Instant started, Instant finished) {
    boolean ran = t.ran || (d != null && d.startTime() != null);
    return switch (status) {
      case FAILED -> {
        if (ranForItsTimeout(t.timeout, ran, started, finished)) {
          yield FailureClass.TIMEOUT;
        }
        String code = d == null ? null : d.errorCode();
        if ("UserError".equalsIgnoreCase(code)) {
          yield FailureClass.USER;
        }
        if ("SystemError".equalsIgnoreCase(code) || "ServiceError".equalsIgnoreCase(code)) {
          yield FailureClass.INFRA;
        }
        yield ran ? FailureClass.USER : FailureClass.INFRA;
      }
      case NOT_RESPONDING -> FailureClass.INFRA;
      case CANCELED, CANCEL_REQUESTED -> {
        if (t.canceledByUs) {
          yield FailureClass.CANCELED;
        }
        yield ranForItsTimeout(t.timeout, ran, started, finished)
            ? FailureClass.TIMEOUT
            : FailureClass.INFRA;
      }
      default -> null;
    };
  }

  /** Ran at least its timeout (less 1% for clock skew between the service's stamps). */
  private static boolean ranForItsTimeout(
      Duration timeout, boolean ran, Instant started, Instant finished) {
    if (timeout == null || !ran || started == null || finished == null) {
      return false;
    }
    Duration ranFor = Duration.between(started, finished);
    return ranFor.compareTo(timeout.minus(timeout.dividedBy(100))) >= 0;
  }
}
